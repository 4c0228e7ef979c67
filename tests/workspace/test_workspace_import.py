"""Bringing published reports in through the workspace (issue 10, items 3, 5, 6 and 7): upload → review (edit,
check) → confirm as a historical record or into the year's draft; a zip of many files; 补录往年报告."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disclosure.actions import _stock_in_force
from disclosure.documents import export_document
from disclosure.formats import CellKey, edition_for_year
from disclosure.importing import uploads
from disclosure.models import AnnualReport, OriginalDocument, PublishedVersion, ReportEvent
from disclosure.rendering import render_body
from tests import factories

LAST_YEAR = timezone.localdate().year - 1


def published_page(org, year, cells=None, texts=None, date=None, name=None):
    """The public HTML page of a report as an agency's site would publish it, with a PubDate meta tag; the
    report it came from is deleted again, so the year is free to import."""
    report = factories.complete_report(org, year, cells=cells, texts=texts)
    body = render_body(export_document(report))
    report.delete()
    meta = f'<meta name="PubDate" content="{date}">' if date else ""
    html = f"<html><head><meta charset='utf-8'>{meta}<title>{report.title}</title></head><body>{body}</body></html>"
    return SimpleUploadedFile(name or f"{org.slug}-{year}.html", html.encode("utf-8"), content_type="text/html")


def received(year):
    table = edition_for_year(year).table_of_kind("applications")
    return CellKey(table.code, table.carried_forward_row, table.applicant_columns[0].code)


def carried_in_key(year):
    table = edition_for_year(year).table_of_kind("applications")
    return CellKey(table.code, table.carried_in_row, table.applicant_columns[0].code)


def upload(client, file, query=""):
    response = client.post("/workspace/import/" + query, {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def stored_nothing():
    return not AnnualReport.objects.exists() and not OriginalDocument.objects.exists()


def form_data(page):
    """The review form's fields as the browser would post them (inputs, textareas, selected options)."""
    html = page.content.decode()
    form = html[html.index('id="review-form"') :]
    data = {}
    for tag in re.finditer(r"<input([^>]*)>", form):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1)))
        if attrs.get("type") not in ("submit", "file") and "name" in attrs:
            data[attrs["name"]] = _unescape(attrs.get("value", ""))
    for tag in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[tag.group(1)] = _unescape(tag.group(2).strip("\n"))
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        data[select.group(1)] = chosen.group(1) if chosen else ""
    return data


def _unescape(text):
    import html

    return html.unescape(text)


# ---- upload → review → edit → confirm ------------------------------------------------------------------


def test_it_shows_the_recognised_report_for_review_and_stores_nothing(people, client):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, LAST_YEAR - 1, date=f"{LAST_YEAR}-01-20"))
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "核对导入的报告" in html and "尚未保存任何内容" in html
    # Every cell has its status in words (the input's label) and a sign; the source text is beside it.
    cells = len(list(edition_for_year(LAST_YEAR - 1).cell_specs()))
    assert len(re.findall(r'aria-label="[^"]+（已识别；原文“0”）"', html)) == cells
    assert len(re.findall(r'<td[^>]* class="[^"]*rec-matched"', html)) == cells
    assert html.count('<span class="rec-sign" aria-hidden="true"') == cells
    assert "原文（识别所依据的文字）" in html
    data = form_data(page)
    assert data["organization"] == "agency-a" and data["year"] == str(LAST_YEAR - 1)
    assert data["published_on"] == f"{LAST_YEAR}-01-20"
    assert stored_nothing()


def test_it_checks_the_edited_values_and_imports_them_on_confirmation(people, client):
    client.force_login(people.editor_a)
    year = LAST_YEAR - 1
    url = upload(client, published_page(people.a, year, cells={received(year): 7}, date=f"{year + 1}-02-01"))
    data = form_data(client.get(url))
    assert data[str(received(year))] == "7"
    data[str(received(year))] = "abc"
    page = client.post(url, {**data, "action": "historical"})
    assert page.status_code == 200 and "尚未导入" in page.content.decode() or "填写有误" in page.content.decode()
    assert stored_nothing()
    data[str(received(year))] = "9"
    data["source_url"] = "https://www.example.gov.cn/art/1.html"
    checked = client.post(url, {**data, "action": "check"})
    assert stored_nothing()
    assert "检查结果" in checked.content.decode()
    response = client.post(url, {**data, "action": "historical"})
    assert response.status_code == 302 and response.url == f"/workspace/agency-a/{year}/"
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert report.values()[received(year)] == Decimal(9)
    version = PublishedVersion.objects.get(report=report)
    assert version.original.published_on.isoformat() == f"{year + 1}-02-01"
    assert version.original.source_url == "https://www.example.gov.cn/art/1.html"
    # The kept upload is gone once used: the review address no longer works.
    assert client.get(url).status_code == 302
    assert not default_storage.listdir(uploads.FOLDER)[1]


def test_it_keeps_blank_cells_blank_and_needs_the_publication_date(people, client):
    client.force_login(people.editor_a)
    year = LAST_YEAR - 1
    url = upload(client, published_page(people.a, year, cells={received(year): None}))
    data = form_data(client.get(url))
    assert data[str(received(year))] == "" and data["published_on"] == ""
    page = client.post(url, {**data, "action": "historical"})
    assert "补录往年报告须填写原发布日期" in page.content.decode()
    assert stored_nothing()
    data["published_on"] = f"{year + 1}-03-01"
    assert client.post(url, {**data, "action": "historical"}).status_code == 302
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert received(year) not in report.entered_values()


def test_it_refuses_a_year_before_the_national_format_or_not_yet_over(people, client):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, LAST_YEAR - 1, date=f"{LAST_YEAR}-01-20"))
    data = form_data(client.get(url))
    for year, message in ((2018, "只能作为文件附件保存"), (LAST_YEAR + 2, "尚未开始")):
        page = client.post(url, {**data, "year": str(year), "action": "historical"})
        assert message in page.content.decode()
    assert stored_nothing()


# ---- bad files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.html", b"", "文件为空"),
        ("junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40, "PDF"),
        ("junk.bin", bytes(range(256)) * 40, "不是可识别的文件"),
    ],
)
def test_it_refuses_bad_files_with_a_chinese_message_and_stores_nothing(people, client, name, content, message):
    client.force_login(people.editor_a)
    response = client.post("/workspace/import/", {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert message in response.content.decode()
    assert stored_nothing()
    assert not default_storage.exists(uploads.FOLDER) or not default_storage.listdir(uploads.FOLDER)[1]


def test_it_refuses_an_upload_over_the_limit_before_reading_it(people, client):
    client.force_login(people.editor_a)
    big = SimpleUploadedFile("big.html", b"<p>x</p>" * (uploads.MAX_UPLOAD_SIZE // 8 + 20_000))
    response = client.post("/workspace/import/", {"file": big})
    assert response.status_code == 413
    assert "上传的内容过大" in response.content.decode()
    assert stored_nothing() and not default_storage.exists(uploads.FOLDER)


def test_it_gives_the_kept_file_only_to_the_session_that_uploaded_it(people, client):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, LAST_YEAR - 1))
    client.force_login(people.reviewer_parent)
    response = client.get(url, follow=True)
    assert "找不到上传的文件" in response.content.decode()
    assert "测试区甲局" not in response.content.decode().split("找不到上传的文件")[0][-2000:]


def test_it_forgets_a_kept_file_after_its_lifetime(people, client, monkeypatch):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, LAST_YEAR - 1))
    later = timezone.now() + uploads.LIFETIME + timezone.timedelta(minutes=1)
    monkeypatch.setattr(uploads.timezone, "now", lambda: later)
    assert "找不到上传的文件" in client.get(url, follow=True).content.decode()
    uploads.sweep(later)
    assert not default_storage.listdir(uploads.FOLDER)[1]


# ---- into this year's draft --------------------------------------------------------------------------


def test_it_puts_the_reviewed_file_into_this_years_draft_through_the_draft_save(people, client):
    year = LAST_YEAR
    stock = next(iter(_stock_in_force(edition_for_year(year))))
    page = published_page(people.a, year, cells={carried_in_key(year): 5, stock: None}, name="typed-in-word.html")
    previous = factories.complete_report(people.a, year - 1, cells={received(year - 1): 4})
    client.force_login(people.editor_a)
    draft = client.post(f"/workspace/agency-a/{year}/start/")
    assert draft.status_code == 302
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert report.values()[carried_in_key(year)] == 4 and str(carried_in_key(year)) in report.carried_in
    url = upload(client, page)
    review = client.get(url)
    assert "导入到" in review.content.decode()
    data = form_data(review)
    response = client.post(url, {**data, "action": "draft"})
    assert response.status_code == 302 and response.url == f"/workspace/agency-a/{year}/"
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.values()[carried_in_key(year)] == 5
    assert str(carried_in_key(year)) not in report.carried_in  # changed by the import: no longer "carried in"
    # Blank in the file: the figure carried in from last year stays, still marked as carried in.
    assert report.values()[stock] == 0 and str(stock) in report.carried_in
    event = report.events.order_by("-id").first()
    assert event.action == ReportEvent.Action.IMPORT and "typed-in-word.html" in event.message
    assert event.actor == people.editor_a
    assert previous.versions.count() == 0 and not PublishedVersion.objects.filter(report=report).exists()


def test_it_does_not_offer_or_accept_the_draft_import_to_a_supervising_office(people, client):
    client.force_login(people.reviewer_parent)
    url = upload(client, published_page(people.a, LAST_YEAR))
    review = client.get(url)
    assert review.status_code == 200 and 'value="draft"' not in review.content.decode()
    response = client.post(url, {**form_data(review), "action": "draft"})
    assert response.status_code == 403
    assert stored_nothing()


def test_it_refuses_the_draft_import_into_a_submitted_report(people, client):
    from disclosure import workflow

    report = factories.complete_report(people.a, LAST_YEAR)
    workflow.submit_report(report, people.editor_a)
    client.force_login(people.editor_a)
    page = published_page(people.a, LAST_YEAR - 1)
    url = upload(client, page)
    data = {**form_data(client.get(url)), "year": str(LAST_YEAR), "action": "draft", "confirm_mismatch": "on"}
    response = client.post(url, data)
    assert response.status_code == 200 and "只有草稿可以修改" in response.content.decode()
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SUBMITTED


# ---- many files at once -------------------------------------------------------------------------------


def zipped(*files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_imports_a_zip_one_row_per_file(people, client):
    year = LAST_YEAR - 2
    complete = published_page(people.a, year, date=f"{year + 1}-01-15").read()
    undated = published_page(people.a, year - 1).read()
    archive = zipped(("a.html", complete), ("b.html", undated), ("junk.pdf", b"%PDF-1.4 nothing"))
    client.force_login(people.reviewer_parent)
    response = client.post("/workspace/import/batch/", {"files": SimpleUploadedFile("reports.zip", archive)})
    html = response.content.decode()
    assert response.status_code == 200 and "导入结果（3 个文件）" in html
    rows = re.findall(r'<tr class="outcome-(\w+)">(.*?)</tr>', html, re.S)
    outcomes = {re.search(r"reports\.zip › ([\w.]+)", row).group(1): outcome for outcome, row in rows}
    assert outcomes == {"a.html": "imported", "b.html": "needs_review", "junk.pdf": "failed"}
    failed = next(row for outcome, row in rows if outcome == "failed")
    assert "—" in failed and "测试区甲局" not in failed  # a failed file is never shown as data
    assert AnnualReport.objects.filter(organization=people.a, year=year).exists()
    assert not AnnualReport.objects.filter(organization=people.a, year=year - 1).exists()
    review_link = re.search(r'href="(/workspace/import/[\w-]{32}/\?org=agency-a)"', html).group(1)
    assert "原文（识别所依据的文字）" in client.get(review_link).content.decode()
    # The same zip again: the imported file is recognised by its hash and skipped.
    again = client.post("/workspace/import/batch/", {"files": SimpleUploadedFile("reports.zip", archive)})
    assert "已导入过，跳过" in again.content.decode()
    assert PublishedVersion.objects.count() == 1


def test_it_refuses_a_zip_with_paths_leaving_it_or_a_bomb(people, client):
    client.force_login(people.reviewer_parent)
    escaping = zipped(("../evil.html", b"<p>x</p>"))
    response = client.post("/workspace/import/batch/", {"files": SimpleUploadedFile("x.zip", escaping)})
    assert "指向压缩包之外" in response.content.decode()
    bomb = zipped(("big.txt", b"0" * (30 * 1024 * 1024)))
    response = client.post("/workspace/import/batch/", {"files": SimpleUploadedFile("bomb.zip", bomb)})
    assert "压缩炸弹" in response.content.decode()
    assert stored_nothing()


# ---- 补录往年报告 ------------------------------------------------------------------------------------


def test_it_offers_past_years_from_the_first_format_to_last_year(people, client):
    client.force_login(people.editor_a)
    assert "补录往年报告" in client.get("/workspace/").content.decode()
    html = client.get("/workspace/agency-a/past-years/").content.decode()
    years = [int(y) for y in re.findall(r'<th scope="row">(\d{4})年度</th>', html)]
    assert years == list(range(LAST_YEAR, 2018, -1))
    assert "只能作为文件附件保存" in html


@pytest.mark.parametrize(
    "year, refused",
    [
        (2018, "只能作为文件附件保存"),
        (2010, "只能作为文件附件保存"),
        (timezone.localdate().year + 1, "尚未开始"),
        (2019, None),
    ],
)
def test_the_server_starts_exactly_the_years_the_workspace_offers(people, client, year, refused):
    client.force_login(people.editor_a)
    response = client.post(f"/workspace/agency-a/{year}/start/", follow=True)
    exists = AnnualReport.objects.filter(organization=people.a, year=year).exists()
    if refused:
        assert not exists and refused in response.content.decode()
    else:
        assert exists


def test_it_marks_a_doubtful_cell_in_words_and_stores_the_edited_narrative(people, client):
    year = LAST_YEAR - 1
    page = published_page(people.a, year, date=f"{year + 1}-01-10")
    html = page.read().decode()
    applications = html.index(edition_for_year(year).table_of_kind("applications").label)
    first_value = re.compile(r"(<td[^>]*>)0(</td>)").search(html, applications)
    html = html[: first_value.start()] + first_value.group(1) + "1.5" + first_value.group(2) + html[first_value.end() :]
    client.force_login(people.editor_a)
    url = upload(client, SimpleUploadedFile("doubtful.html", html.encode()))
    review = client.get(url)
    content = review.content.decode()
    assert "存疑 1 个" in content
    assert re.search(r'aria-label="[^"]*（存疑：原文“1.5”', content)
    assert len(re.findall(r'<td[^>]* class="[^"]*rec-doubtful"', content)) == 1
    data = form_data(review)
    doubtful = next(name for name, value in data.items() if name.startswith("applications.") and value == "")
    data[doubtful] = "12"
    data["problems"] = "原文的问题，核对后改写。"
    assert client.post(url, {**data, "action": "historical"}).status_code == 302
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert report.problems == "原文的问题，核对后改写。"
    assert Decimal(12) in report.entered_values().values()


def test_it_stores_the_findings_the_review_showed(people, client):
    """A corrected cell's total is the sum of the cells as corrected, not the total as published; a total the
    original declared differently from its untouched cells is kept as declared (the original's problem)."""
    from disclosure.checks import check_report

    year = LAST_YEAR - 1
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, year, cells={received(year): 6}, date=f"{year + 1}-01-05"))
    data = {**form_data(client.get(url)), str(received(year)): "7"}
    shown = client.post(url, {**data, "action": "check"}).content.decode()
    shown_count = int(re.search(r"检查结果（(\d+) 条）", shown).group(1))
    assert client.post(url, {**data, "action": "historical"}).status_code == 302
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert len(check_report(report)) == shown_count == 2


def test_it_keeps_a_total_the_original_declared_differently_from_its_cells(people, client):
    year = LAST_YEAR - 1
    html = published_page(people.a, year, date=f"{year + 1}-01-05").read().decode()
    applications = html.index(edition_for_year(year).table_of_kind("applications").label)
    total = re.compile(r'(<td class="num derived">)0(</td>)').search(html, applications)
    html = html[: total.start()] + total.group(1) + "3" + total.group(2) + html[total.end() :]
    client.force_login(people.editor_a)
    url = upload(client, SimpleUploadedFile("declared.html", html.encode()))
    review = client.get(url).content.decode()
    assert "检查结果（1 条）" in review
    assert client.post(url, {**form_data(client.get(url)), "action": "historical"}).status_code == 302
    report = AnnualReport.objects.get(organization=people.a, year=year)
    assert list(report.declared_totals.values()) == ["3"]


def test_it_reads_the_file_again_when_the_year_changes_the_edition(people, client):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, 2021, date="2022-01-05"))
    data = form_data(client.get(url))
    assert data["edition"] == "2021"
    page = client.post(url, {**data, "year": "2020", "action": "check"})
    content = page.content.decode()
    assert "已按该格式从原文重新识别" in content
    assert form_data(page)["edition"] == "2019"


def test_it_reviews_a_word_file_without_taking_its_creation_date_for_the_publication(people, client):
    from tests.importing.test_round_trip import python_docx_of

    year = LAST_YEAR - 1
    report = factories.complete_report(people.a, year, cells={received(year): 3})
    document = export_document(report)
    report.delete()
    data = python_docx_of(document)
    client.force_login(people.editor_a)
    url = upload(client, SimpleUploadedFile("年报.docx", data))
    fields = form_data(client.get(url))
    assert fields[str(received(year))] == "3" and fields["published_on"] == ""
    fields["published_on"] = f"{year + 1}-01-30"
    assert client.post(url, {**fields, "action": "historical"}).status_code == 302
    original = OriginalDocument.objects.get()
    assert original.name == "年报.docx" and original.size == len(data)


# ---- the title against what the user chose (user test) ---------------------------------------------------


def test_the_titles_year_and_organization_win_over_the_linking_pages_hints(people, client):
    year = LAST_YEAR - 1
    client.force_login(people.admin)
    url = upload(client, published_page(people.a, year), query=f"?org=agency-b&year={year - 1}")
    page = client.get(url)
    data = form_data(page)
    assert (data["organization"], data["year"]) == ("agency-a", str(year))
    assert 'id="title-mismatch"' not in page.content.decode() and "confirm_mismatch" not in data


def test_a_hint_fills_what_the_title_does_not_name_with_a_warning(people, client):
    year = LAST_YEAR - 1
    gone = factories.organization("gone", name="已撤销丙局")
    file = published_page(gone, year)
    gone.delete()  # the title names an organization the system does not know
    client.force_login(people.admin)
    page = client.get(upload(client, file, query="?org=agency-b"))
    html = page.content.decode()
    assert form_data(page)["organization"] == "agency-b"
    assert "与所选机关（外区乙局）不一致" in html and "已撤销丙局" in html


def test_confirming_another_year_than_the_title_names_takes_an_explicit_checkbox(people, client):
    year = LAST_YEAR - 1  # and year - 1: the same edition (2021 format) from 2022 on
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, year, date=f"{year + 1}-01-20"))
    data = {**form_data(client.get(url)), "year": str(year - 1)}
    checked = client.post(url, {**data, "action": "check"}).content.decode()
    warning = re.search(r'id="title-mismatch".*?</div>', checked, re.S).group(0)
    assert f"{year}年度" in warning and f"与所选年度（{year - 1}年）不一致" in warning
    assert "原文标题与所选机关或年度不一致，我已核对，仍按所选内容导入" in checked
    refused = client.post(url, {**data, "action": "historical"}).content.decode()
    assert "请核对后勾选此项" in refused and "有 1 处填写有误" in refused
    assert stored_nothing()
    response = client.post(url, {**data, "confirm_mismatch": "on", "action": "historical"})
    assert response.status_code == 302
    assert AnnualReport.objects.get(organization=people.a).year == year - 1


def test_confirming_another_organization_than_the_title_names_takes_the_checkbox(people, client):
    year = LAST_YEAR - 1
    client.force_login(people.admin)
    url = upload(client, published_page(people.a, year, date=f"{year + 1}-01-20"))
    data = {**form_data(client.get(url)), "organization": "agency-b", "action": "historical"}
    refused = client.post(url, data).content.decode()
    assert "与所选机关（外区乙局）不一致" in refused and "请核对后勾选此项" in refused
    assert stored_nothing()
    assert client.post(url, {**data, "confirm_mismatch": "on"}).status_code == 302
    assert AnnualReport.objects.get().organization == people.b


def test_confirming_right_after_the_year_changed_the_edition_says_so_instead_of_0_errors(people, client):
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, 2021, date="2022-01-05"))
    data = {**form_data(client.get(url)), "year": "2020", "confirm_mismatch": "on", "action": "historical"}
    html = client.post(url, data).content.decode()
    assert "年度改为2020年后适用另一版格式，已按该格式重新识别原文，请核对后再确认导入" in html
    assert "填写有误" not in html and 'id="error-summary"' not in html
    assert stored_nothing()


def test_the_error_summary_lists_every_error_with_a_link_to_its_field(people, client):
    year = LAST_YEAR - 1
    client.force_login(people.editor_a)
    url = upload(client, published_page(people.a, year, date=f"{year + 1}-01-20"))
    data = form_data(client.get(url))
    preface = edition_for_year(year).preface
    data.update({str(received(year)): "abc", preface.code: "长" * (preface.max_length + 1), "action": "historical"})
    html = client.post(url, data).content.decode()
    summary = re.search(r'<section[^>]*id="error-summary".*?</section>', html, re.S).group(0)
    assert html.index('id="error-summary"') < html.index('id="review-form"')  # at the top, above the form
    assert "有 2 处填写有误" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert len(links) == 2
    for anchor, _ in links:
        assert f'id="{anchor}"' in html  # each link leads to its field
    assert {anchor for anchor, _ in links} == {f"id_{received(year)}", f"id_{preface.code}"}
    assert any(preface.label in text for _, text in links)
    assert stored_nothing()


NOT_A_REPORT_TEXT = "# disclosure\n\nA Django app.\n\n## Install\n\n\tpip install -r requirements.txt\n\nMIT licence.\n"


def test_it_refuses_a_file_that_is_not_a_report_and_keeps_the_links_preselection(people, client):
    client.force_login(people.editor_a)
    query = f"?org=agency-a&year={LAST_YEAR - 1}"
    file = SimpleUploadedFile("README.txt", NOT_A_REPORT_TEXT.encode())
    response = client.get(upload(client, file, query=query))
    assert response.status_code == 302 and response.url == f"/workspace/import/{query}"
    page = client.get(response.url).content.decode()
    assert "未识别出政府信息公开工作年度报告：没有找到报告标题、各部分标题或表格" in page
    assert f"测试区甲局 · {LAST_YEAR - 1}年度" in page
    assert stored_nothing()


def test_a_zip_row_of_a_file_that_is_not_a_report_fails(people, client):
    archive = zipped(("README.txt", NOT_A_REPORT_TEXT.encode()))
    client.force_login(people.reviewer_parent)
    response = client.post("/workspace/import/batch/", {"files": SimpleUploadedFile("x.zip", archive)})
    rows = re.findall(r'<tr class="outcome-(\w+)">(.*?)</tr>', response.content.decode(), re.S)
    assert [outcome for outcome, _ in rows] == ["failed"] and "未识别出政府信息公开工作年度报告" in rows[0][1]
    assert stored_nothing()
