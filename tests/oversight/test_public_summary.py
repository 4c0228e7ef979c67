"""The public region summary /reports/<org>/<year>/summary/: a government's subtree summed from public versions
only, who has published and who has not, its 404s and its page cache."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure import actions, publishing, workflow
from disclosure.formats import edition_for_year
from disclosure.models import Membership, PublishedVersion
from disclosure.public import pagecache
from tests import factories

YEAR = 2021
EDITION = edition_for_year(YEAR)
LITIGATION = EDITION.tables[-1]
TOTAL, ADDENDS = next((k, a) for k, a in LITIGATION.derivations().items() if len(a) >= 2)
FIRST, SECOND = ADDENDS[0], ADDENDS[1]
URL = f"/reports/district/{YEAR}/summary/"
READY = PublishedVersion.RenderState.READY
# Figures no public page may ever show: they belong to reports that are not (or not yet) public.
SECRET = (987651, 987652, 987653, 987654, 987655)


@pytest.fixture(autouse=True)
def instant_rendering(monkeypatch):
    """A version becomes ready at once (as the worker would make it), without rendering its files."""

    def ready(version_id):
        PublishedVersion.objects.filter(pk=version_id).update(render_state=READY)
        pagecache.invalidate()

    monkeypatch.setattr(publishing, "schedule_render", ready)


def publish(org, cells):
    return publishing.publish_report(factories.complete_report(org, YEAR, cells=cells), None, require_approved=False)


def figure(html, key):
    """The number the summed grid shows in a cell, found by the cell's position in the layout."""
    return _cells(html).get(key, "")


def _cells(html):
    from disclosure.formats.layout import layout

    found = {}
    body = html.split('class="report-body region-summary"', 1)[1].split("</div>\n<h2", 1)[0]
    tables = re.findall(r"<tbody>(.*?)</tbody>", body, re.S)
    for table, content in zip(EDITION.tables, tables, strict=True):
        shown = re.findall(r'<td[^>]*class="num[^"]*">([^<]*)</td>', content)
        specs = [c.spec for row in layout(table).body for c in row if not c.header]
        found.update({spec.key: value for spec, value in zip(specs, shown, strict=True)})
    return found


@pytest.fixture
def region(people):
    """A (below the district) publishes 7 and 2; C publishes 5; D's report is submitted, E's approved, F's a
    draft, all with secret figures; B, in another region, publishes 1000."""
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    d = factories.organization("agency-d", parent=people.district, name="测试区丁局")
    e = factories.organization("agency-e", parent=people.district, name="测试区戊局")
    f = factories.organization("agency-f", parent=people.district, name="测试区己局")
    Membership.objects.create(user=people.editor_a, organization=d, role=Membership.Role.EDITOR)
    Membership.objects.create(user=people.editor_a, organization=e, role=Membership.Role.EDITOR)
    publish(people.a, {FIRST: 7, SECOND: 2})
    publish(c, {FIRST: 5})
    workflow.submit_report(factories.complete_report(d, YEAR, cells={FIRST: SECRET[0]}), people.editor_a)
    submitted = workflow.submit_report(factories.complete_report(e, YEAR, cells={FIRST: SECRET[1]}), people.editor_a)
    workflow.approve_report(submitted, people.admin)
    factories.complete_report(f, YEAR, cells={FIRST: SECRET[2]})
    publish(people.b, {FIRST: 1000})
    people.c = c
    return people


def assert_no_secret(html):
    for number in SECRET:
        assert str(number) not in html and f"{number:,}" not in html


def test_it_sums_the_published_reports_of_the_subtree_only(region, client):
    html = client.get(URL).content.decode()
    assert figure(html, FIRST) == "12"
    assert figure(html, SECOND) == "2"
    assert figure(html, TOTAL) == "14"  # derived from the sums
    assert "根据已发布的 2 份报告汇总" in html
    assert "1000" not in html  # B is in another region
    assert_no_secret(html)
    for part in EDITION.parts:
        if part.is_table:
            assert part.label in html


def test_it_never_shows_a_figure_that_is_not_public(region, client):
    """A correction being edited, then published but not rendered yet: the public keeps the ready version."""
    report = region.c.reports.get()
    reopened = publishing.reopen_for_correction(report, None, "更正表四")
    actions.save_content(reopened, None, cells={FIRST: Decimal(SECRET[3])})
    html = client.get(URL).content.decode()
    assert figure(html, FIRST) == "12" and "根据已发布的 2 份报告汇总" in html
    assert_no_secret(html)
    # Published as version 2, still rendering: its figures are not public yet.
    reopened.refresh_from_db()
    publishing.publish_report(reopened, None, require_approved=False)
    PublishedVersion.objects.filter(report=reopened, number=2).update(
        render_state=PublishedVersion.RenderState.RENDERING
    )
    pagecache.invalidate()
    html = client.get(URL).content.decode()
    assert figure(html, FIRST) == "12"
    assert_no_secret(html)
    # A first version that failed to render: not counted at all.
    g = factories.organization("agency-g", parent=region.district, name="测试区庚局")
    version = publish(g, {FIRST: SECRET[4]})
    PublishedVersion.objects.filter(pk=version.pk).update(render_state=PublishedVersion.RenderState.FAILED)
    pagecache.invalidate()
    html = client.get(URL).content.decode()
    assert "根据已发布的 2 份报告汇总" in html and figure(html, FIRST) == "12"
    assert_no_secret(html)
    # Once ready, the correction replaces version 1.
    PublishedVersion.objects.filter(report=reopened, number=2).update(render_state=READY)
    pagecache.invalidate()
    html = client.get(URL).content.decode()
    assert figure(html, FIRST) == str(7 + SECRET[3])


def test_it_lists_who_has_published_and_who_is_late(region, client):
    html = client.get(URL).content.decode()
    published = html.split('id="published"', 1)[1].split('id="unpublished"', 1)[0]
    unpublished = html.split('id="unpublished"', 1)[1]
    assert f'href="/reports/agency-a/{YEAR}/"' in published and "测试区丙局" in published
    for name in ("测试区丁局", "测试区戊局", "测试区己局", "测试区人民政府"):
        assert name in unpublished and name not in published
    assert "逾期未发布" in unpublished  # 2021's deadlines passed long ago
    assert "外区乙局" not in html


@pytest.mark.parametrize(
    "url",
    [
        f"/reports/agency-a/{YEAR}/summary/",  # nothing below it
        f"/reports/district/{YEAR + 1}/summary/",  # nothing published for that year
        "/reports/district/1990/summary/",  # no format for that year
        f"/reports/nobody/{YEAR}/summary/",
    ],
)
def test_it_is_404_where_there_is_no_public_summary(region, client, url):
    assert client.get(url).status_code == 404


def test_it_is_404_until_something_of_the_subtree_is_public(people, client):
    factories.complete_report(people.a, YEAR, cells={FIRST: SECRET[0]})
    assert client.get(URL).status_code == 404
    publish(people.b, {FIRST: 3})  # another region's publication changes nothing here
    assert client.get(URL).status_code == 404


def test_the_organization_and_year_pages_link_to_it(region, client):
    assert URL in client.get("/reports/district/").content.decode()
    assert "/summary/" not in client.get("/reports/agency-a/").content.decode()
    year_page = client.get(f"/years/{YEAR}/").content.decode()
    assert URL in year_page and f"/reports/agency-a/{YEAR}/summary/" not in year_page


def test_it_is_cached_until_the_next_publication(region, client):
    first = client.get(URL)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL)
    assert again.content == first.content
    assert len(queries) == 1  # the publication generation only
    publish(factories.organization("agency-h", parent=region.district, name="测试区辛局"), {FIRST: 30})
    assert figure(client.get(URL).content.decode(), FIRST) == "42"


def test_it_runs_the_same_queries_for_2_and_12_published_agencies(region, client):
    def queries():
        pagecache.invalidate()  # not from the cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        publish(factories.organization(f"more-{n}", parent=region.district, name=f"测试区增{n}局"), {FIRST: 1})
    assert queries() == few <= 10


SLASHABLE = [s.key for s in EDITION.cell_specs() if s.allows_not_applicable and not s.derived][:2]


def test_a_cell_every_public_report_says_is_not_applicable_shows_a_slash(people, client):
    """ "/" where each public report says "/", the number where any gives one — not a blank either way."""
    all_slash, mixed = SLASHABLE
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    publish(people.a, {all_slash: "/", mixed: 3})
    publish(c, {all_slash: "/", mixed: "/"})
    html = client.get(URL).content.decode()
    assert figure(html, all_slash) == "/" and figure(html, mixed) == "3"
