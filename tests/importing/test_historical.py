"""A historical record is not a new publication (issue 10, item 4): import_historical stores a report as it
was published elsewhere — its date, its source, its file, its blanks, its declared totals and its problems."""

import datetime
import io
from pathlib import Path

import docx
import pdfplumber
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from disclosure import actions
from disclosure.formats import CellKey
from disclosure.importing import ImportRefused, recognise_file
from disclosure.importing.historical import already_imported, import_historical
from disclosure.models import (
    AnnualReport,
    Cell,
    Organization,
    OriginalDocument,
    PublishedFigure,
    PublishedVersion,
    RegionTotal,
    ReportEvent,
)
from disclosure.oversight import overview_rows
from disclosure.permissions import OversightScope
from disclosure.public.listing import organization_reports
from disclosure.regions import differences
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = ROOT / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt"
WORD_PASTED = FIXTURES / "word-pasted-2021.html"
URL = "https://www.xiuzhou.gov.cn/art/2021/1/20/art_1229_1.html"

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    district = factories.organization("district", kind=Organization.Kind.GOVERNMENT, name="秀洲区人民政府")
    zone = factories.organization("hitech", parent=district, name="嘉兴秀洲高新技术产业开发区")
    zone.short_name = "秀洲高新区"
    zone.save()
    return district, zone


def import_sample(org, published_on=datetime.date(2021, 2, 3), **kwargs):
    data = SAMPLE.read_bytes()
    r = recognise_file(SAMPLE.name, data)
    return import_historical(
        r,
        organization=org,
        published_on=published_on,
        source_url=URL,
        original_name=SAMPLE.name,
        original_bytes=data,
        **kwargs,
    )


def stored_files():
    root = Path(default_storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts():
    models = (AnnualReport, Cell, PublishedVersion, PublishedFigure, RegionTotal, ReportEvent, OriginalDocument)
    return {m.__name__: m.objects.count() for m in models}


# ---- the record --------------------------------------------------------------------------------------


def test_imported_with_its_original_date_source_and_file(region, django_user_model):
    _, zone = region
    user = django_user_model.objects.create_user("importer")
    version = import_sample(zone, user=user)
    version.refresh_from_db()
    report = version.report
    assert (report.year, report.status, version.number, version.render_state) == (2020, "published", 1, "ready")
    assert version.published_at.date() == datetime.date(2021, 2, 3)
    original = version.original
    assert original.name == SAMPLE.name and original.source_url == URL and original.size == len(SAMPLE.read_bytes())
    assert default_storage.open(original.file.name).read() == SAMPLE.read_bytes()
    assert already_imported(original.sha256) == version
    assert version.content["imported"]["published_on"] == "2021-02-03"
    # Who imported it, from which file: recorded.
    imported = report.events.get(action=ReportEvent.Action.IMPORT)
    assert imported.actor == user and SAMPLE.name in imported.message and original.sha256[:16] in imported.message
    published = report.events.get(action=ReportEvent.Action.PUBLISH)
    assert "由已发布的原文导入" in published.message and published.actor == user


def test_blanks_stay_blank_and_none_is_zero(region):
    version = import_sample(region[1])
    report = version.report
    proactive = report.format.table_of_kind("disclosure").code
    # Tables 三 and 四 are blank in the original: no cell, no figure — not 0.
    assert not report.cells.filter(table__in=["applications", "litigation"]).exists()
    assert not version.figures.filter(table__in=["applications", "litigation"]).exists()
    assert report.values()[CellKey(proactive, "normative_documents", "new_made")] == 0


def test_findings_are_the_originals_problems_shown_never_blocking(region, client):
    version = import_sample(region[1])
    blocking = [f for f in version.content["findings"] if f["severity"] == "blocking"]
    assert blocking, "the sample's blank tables are blocking findings of a report filled here"
    page = client.get(reverse("public:report", args=["hitech", 2020])).content.decode()
    assert "本报告由已发布的原文导入" in page and URL in page and "2021年2月3日" in page
    assert "原文中的问题" in page and blocking[0]["message"] in page
    # Nothing was "fixed": the blank table stays blank on the page too.
    assert version.report.cells.count() == len(version.report.entered_values())


def test_declared_totals_kept_beside_the_computed(region):
    _, zone = region
    data = SAMPLE.read_bytes()
    r = recognise_file(SAMPLE.name, data)
    proactive = r.edition.table_of_kind("disclosure").code
    values = {str(k): v for k, v in r.values.items()}
    total = next(k for k in r.edition.derivations() if k.table == "applications")
    values[str(total)] = "7"  # the original's total, unlike the sum of its (blank) cells
    version = import_historical(
        r,
        organization=zone,
        published_on=datetime.date(2021, 2, 3),
        original_name="a.txt",
        original_bytes=data,
        values=values,
    )
    assert version.report.declared_totals == {str(total): "7"}
    assert version.content["imported"]["declared_totals"] == {str(total): "7"}
    assert version.report.values()[total] is None  # the computed one, from blank cells
    version.refresh_from_db()
    body = default_storage.open(version.body.name).read().decode()
    label = r.edition.cell(total).label
    assert f"{label}原文为 7，各项之和为 （空白）" in body
    assert version.report.values()[CellKey(proactive, "rules", "new_made")] == 0


def test_values_replace_the_recognised_cells(region):
    data = SAMPLE.read_bytes()
    r = recognise_file(SAMPLE.name, data)
    key = CellKey(r.edition.table_of_kind("disclosure").code, "rules", "new_made")
    values = {**r.values, key: "5"}
    version = import_historical(
        r, organization=region[1], published_on=datetime.date(2021, 2, 3), original_name="a.txt",
        original_bytes=data, values=values,
    )  # fmt: skip
    assert version.report.values()[key] == 5


def test_on_time_from_the_original_date_in_the_lists_and_the_overview(region):
    district, zone = region
    import_sample(zone, published_on=datetime.date(2021, 1, 30))
    assert organization_reports(zone)[0]["on_time"] is True
    scope = OversightScope(frozenset({district.pk}), frozenset({district.pk, zone.pk}), {zone.pk: district.pk})
    row = next(r for r in overview_rows(scope, 2020, today=datetime.date(2026, 11, 1)) if r.organization == zone)
    assert row.timeliness.text == "按时发布"


def test_late_original_stays_late(region):
    _, zone = region
    import_sample(zone, published_on=datetime.date(2021, 2, 3))  # a department's deadline is 1月31日
    assert organization_reports(zone)[0]["on_time"] is False
    scope = OversightScope(frozenset({zone.pk}), frozenset({zone.pk}), {})
    assert overview_rows(scope, 2020)[0].timeliness.text == "逾期 3 天发布"


@pytest.mark.parametrize("published_on, text", [(datetime.date(2021, 2, 3), "逾期 3 天发布"), (None, "按时发布")])
def test_the_dashboard_and_report_page_take_timeliness_from_the_original_date(
    region, client, django_user_model, published_on, text
):
    from disclosure.models import Membership

    _, zone = region
    import_sample(zone, published_on=published_on or datetime.date(2021, 1, 30))
    user = django_user_model.objects.create_user("editor", password="x")
    Membership.objects.create(user=user, organization=zone, role=Membership.Role.EDITOR)
    client.force_login(user)
    dashboard = client.get(reverse("workspace:dashboard")).content.decode()
    row = dashboard[dashboard.index("2020年度报告") :]
    assert text in row[: row.index("</tr>")]
    assert f"（{text}）" in client.get(reverse("workspace:report", args=["hitech", 2020])).content.decode()


def test_figures_and_region_totals_include_it_as_a_publication_would(region):
    district, zone = region
    version = import_sample(zone)
    expected = {(f.table, f.row, f.column): f.value for f in version.figures.all() if f.value is not None}
    totals = {(t.table, t.row, t.column): t.value for t in RegionTotal.objects.filter(organization=district, year=2020)}
    assert totals == expected and expected
    assert not differences()  # the same totals as rebuilt from every current version's figures
    # The zone itself and the district above it.
    assert RegionTotal.objects.filter(organization=zone, year=2020).count() == len(expected)


def test_rendered_pdf_and_word_say_it_was_imported(region):
    version = import_sample(region[1])
    version.refresh_from_db()
    with default_storage.open(version.pdf.name) as f, pdfplumber.open(io.BytesIO(f.read())) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages[:1])
    assert "本报告由已发布的原文导入" in text and "2021年2月3日" in text
    with default_storage.open(version.docx.name) as f:
        paragraphs = [p.text for p in docx.Document(io.BytesIO(f.read())).paragraphs]
    assert "本报告由已发布的原文导入" in paragraphs
    assert paragraphs[-1] == "2021年2月3日"  # signed with the original's date, not today's


def test_next_year_carries_in_from_the_imported_report_as_from_one_filled_here(region):
    _, zone = region
    data = WORD_PASTED.read_bytes()
    r = recognise_file(WORD_PASTED.name, data)
    previous = import_historical(
        r, organization=zone, year=2021, published_on=None, original_name=WORD_PASTED.name, original_bytes=data
    )
    assert previous.published_at.date() == datetime.date(2022, 1, 25)  # from the page's PubDate
    nxt = actions.create_report(zone, 2022)
    table = nxt.format.table_of_kind("applications")
    carried = {c.code: nxt.values()[table.key(table.carried_in_row, c.code)] for c in table.applicant_columns}
    forward = {c.code: r.values[table.key(table.carried_forward_row, c.code)] for c in table.applicant_columns}
    assert carried == {k: v for k, v in forward.items()} and any(v for v in carried.values())
    stock = nxt.format.table_of_kind("disclosure")
    for key in (k for k in nxt.values() if k.table == stock.code and k.column == stock.stock.in_force):
        assert nxt.values()[key] == r.values[key]
    assert nxt.carried_in


# ---- refused, and nothing stored ---------------------------------------------------------------------


def test_the_same_file_twice_is_refused_and_nothing_more_stored(region):
    import_sample(region[1])
    before, files = counts(), stored_files()
    with pytest.raises(ImportRefused, match="已经导入过"):
        import_sample(region[1])
    assert counts() == before and stored_files() == files


def test_a_year_already_published_is_not_overwritten(region):
    _, zone = region
    report = factories.complete_report(zone, 2020)
    from disclosure.publishing import publish_report

    publish_report(report, None, require_approved=False)
    before, files = counts(), stored_files()
    with pytest.raises(ImportRefused, match="不以导入的原文覆盖") as refused:
        import_sample(zone)
    assert counts() == before and stored_files() == files
    # Said once: "在本系统中已有（已发布）", not "已在本系统中已发布".
    assert "在本系统中已有（已发布）" in str(refused.value) and "已在" not in str(refused.value)


def test_a_failure_after_the_file_was_written_leaves_nothing(region, monkeypatch):
    before, files = counts(), stored_files()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OriginalDocument.objects, "create", fail)
    with pytest.raises(RuntimeError):
        import_sample(region[1])
    assert counts() == before and stored_files() == files


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2018}, "只能作为文件附件保存"),
        ({"year": datetime.date.today().year}, "不能作为往年报告导入"),
        ({"published_on": datetime.date(2020, 12, 1)}, "早于2020年度结束"),
        ({"published_on": datetime.date.today() + datetime.timedelta(days=2)}, "晚于今天"),
        ({"published_on": None}, "请填写原文的发布日期"),
        ({"source_url": "javascript:alert(1)"}, "不是有效的 http"),
        ({"values": {"proactive.rules.new_made": "-3"}}, "单元格数值有误"),
        ({"values": {"proactive.nowhere.made": "3"}}, "表中没有单元格"),
        ({"organization": None}, "请选择报告所属的机关"),
    ],
)
def test_refused_with_a_message_and_nothing_stored(region, kwargs, message):
    data = SAMPLE.read_bytes()
    r = recognise_file(SAMPLE.name, data)
    given = {"organization": region[1], "published_on": datetime.date(2021, 2, 3), "original_name": "a.txt"}
    given = {**given, "original_bytes": data, **kwargs}
    before = counts()
    with pytest.raises(ImportRefused, match=message):
        import_historical(r, **given)
    assert counts() == before and stored_files() == []


# ---- the original on the public page -------------------------------------------------------------------


def test_original_downloads_as_an_attachment_never_rendered(region, client):
    _, zone = region
    data = WORD_PASTED.read_bytes()
    r = recognise_file(WORD_PASTED.name, data)
    import_historical(
        r, organization=zone, year=2021, published_on=None, original_name="年报.html", original_bytes=data
    )
    response = client.get(reverse("public:original", args=["hitech", 2021]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data
    page = client.get(reverse("public:report", args=["hitech", 2021])).content.decode()
    assert reverse("public:original", args=["hitech", 2021]) in page and "年报.html" in page
    # The page's script is in the file kept, never in what we show.
    assert "steal" not in page


def test_no_original_for_a_report_filled_here(region, client):
    _, zone = region
    from disclosure.publishing import publish_report

    publish_report(factories.complete_report(zone, 2021), None, require_approved=False)
    assert client.get(reverse("public:original", args=["hitech", 2021])).status_code == 404
    assert "原文件" not in client.get(reverse("public:report", args=["hitech", 2021])).content.decode()


def test_workspace_says_the_findings_are_the_originals(region, client, django_user_model):
    from disclosure.models import Membership

    _, zone = region
    version = import_sample(zone)
    user = django_user_model.objects.create_user("editor", password="x")
    Membership.objects.create(user=user, organization=zone, role=Membership.Role.EDITOR)
    client.force_login(user)
    page = client.get(reverse("workspace:report", args=["hitech", 2020])).content.decode()
    assert "本报告由已发布的原文导入" in page and "检查结果中的问题是原文中的问题" in page and URL in page
    assert version.content["findings"][0]["message"] in page


def test_a_draft_never_published_is_replaced_by_the_original_blanks_included(region):
    _, zone = region
    draft = factories.complete_report(zone, 2020)  # every cell 0, typed here before the import
    version = import_sample(zone)
    assert version.report.pk == draft.pk
    assert not version.report.cells.filter(table__in=["applications", "litigation"]).exists()
    imported = version.report.events.get(action=ReportEvent.Action.IMPORT)
    assert any(c["before"] == "0" and c["after"] == "" for c in imported.changes)
