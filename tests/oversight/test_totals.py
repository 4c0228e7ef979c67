"""The summed tables of a subtree and the drill-down of a summed cell."""

import re
from decimal import Decimal

import pytest

from disclosure import actions, publishing, workflow
from disclosure.formats import edition_for_year
from disclosure.models import Membership
from tests import factories

YEAR = 2021
EDITION = edition_for_year(YEAR)
LITIGATION = EDITION.tables[-1]
# Two entered cells of table 四 that one of its totals adds up, and that total.
TOTAL, ADDENDS = next((k, a) for k, a in LITIGATION.derivations().items() if len(a) >= 2)
FIRST, SECOND = ADDENDS[0], ADDENDS[1]
SLASHABLE = next(s.key for s in EDITION.cell_specs() if s.allows_not_applicable and not s.derived)


def url_of(key, year=YEAR):
    return f"/workspace/oversight/{year}/totals/{key.table}/{key.row}/{key.column}/"


def summed(html, key):
    """The number a summed cell shows, read from its drill-down link ("" when the cell shows none)."""
    match = re.search(re.escape(f'href="{url_of(key)}') + r'[^"]*">([^<]*)</a>', html)
    return match.group(1) if match else ""


def publish(org, cells):
    report = factories.complete_report(org, YEAR, cells=cells)
    return publishing.publish_report(report, None, require_approved=False)


@pytest.fixture
def region(people):
    """A publishes 7 and 2, C publishes 5 and "/", D has submitted 100 (not published), B (elsewhere) 1000."""
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    d = factories.organization("agency-d", parent=people.district, name="测试区丁局")
    Membership.objects.create(user=people.editor_a, organization=d, role=Membership.Role.EDITOR)
    publish(people.a, {FIRST: 7, SECOND: 2, SLASHABLE: 3})
    publish(c, {FIRST: 5, SLASHABLE: "/"})
    workflow.submit_report(factories.complete_report(d, YEAR, cells={FIRST: 100}), people.editor_a)
    publish(people.b, {FIRST: 1000})
    people.c, people.d = c, d
    return people


def test_published_reports_are_summed_over_the_subtree(region, as_user):
    html = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/totals/").content.decode()
    assert summed(html, FIRST) == "12"
    assert summed(html, SECOND) == "2"
    assert summed(html, SLASHABLE) == "3"  # "/" is not a number: left out
    assert "仅计入已发布的报告" in html and "共 <strong>2</strong> 份" in html
    missing = html.split('class="mb-3 missing"', 1)[1].split("</details>", 1)[0]
    assert "测试区丁局" in missing and "测试区人民政府" in missing and "测试区甲局" not in missing
    for table in EDITION.tables:
        assert table.label in html  # the three tables, in the official layout


def test_a_total_is_derived_from_the_sums(region, as_user):
    html = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/totals/").content.decode()
    addends = [Decimal(summed(html, k) or 0) for k in ADDENDS]
    assert Decimal(summed(html, TOTAL)) == sum(addends) == Decimal(14)


def test_the_switch_counts_submitted_and_approved_reports_too(region, as_user):
    client = as_user(region.reviewer_parent)
    html = client.get(f"/workspace/oversight/{YEAR}/totals/?include=pending").content.decode()
    assert summed(html, FIRST) == "112"
    assert "共 <strong>3</strong> 份" in html
    assert "?include=pending" in html.split(url_of(FIRST), 1)[1][:20]  # the drill-down keeps the switch


def test_a_correction_under_review_replaces_its_published_figures_when_counted(region, as_user):
    report = region.c.reports.get()
    reopened = publishing.reopen_for_correction(report, None, "更正表四")
    actions.save_content(reopened, None, cells={FIRST: Decimal(50)})
    Membership.objects.create(user=region.editor_a, organization=region.c, role=Membership.Role.EDITOR)
    workflow.submit_report(reopened, region.editor_a)
    client = as_user(region.reviewer_parent)
    assert summed(client.get(f"/workspace/oversight/{YEAR}/totals/").content.decode(), FIRST) == "12"
    html = client.get(f"/workspace/oversight/{YEAR}/totals/?include=pending").content.decode()
    assert summed(html, FIRST) == str(7 + 50 + 100)


def test_the_drill_down_lists_each_agency_largest_first_with_links(region, as_user):
    client = as_user(region.reviewer_parent)
    html = client.get(url_of(FIRST)).content.decode()
    rows = re.findall(
        r'<tr data-org="([^"]+)"><th scope="row"><a href="([^"]+)">[^<]+</a>.*?<td[^>]*>([^<]*)</td>', html
    )
    assert rows == [("agency-a", "/workspace/agency-a/2021/", "7"), ("agency-c", "/workspace/agency-c/2021/", "5")]
    assert 'class="cell-total">12<' in html
    pending = client.get(url_of(FIRST) + "?include=pending").content.decode()
    assert re.findall(r'<tr data-org="([^"]+)"', pending) == ["agency-d", "agency-a", "agency-c"]
    derived = client.get(url_of(TOTAL)).content.decode()
    assert re.findall(r'<tr data-org="([^"]+)"', derived) == ["agency-a", "agency-c"]
    assert 'class="cell-total">14<' in derived


def test_an_unknown_cell_or_year_is_404(region, as_user):
    client = as_user(region.reviewer_parent)
    assert client.get(f"/workspace/oversight/{YEAR}/totals/nothing/here/at-all/").status_code == 404
    assert client.get("/workspace/oversight/1990/totals/").status_code == 404


def test_the_drill_down_compares_with_last_year(region, as_user):
    publish_year = 2020
    report = factories.complete_report(region.a, publish_year, cells={FIRST: 4})
    publishing.publish_report(report, None, require_approved=False)
    html = as_user(region.reviewer_parent).get(url_of(FIRST)).content.decode()
    assert 'class="last-year">4<' in html and 'class="change">+8<' in html
    # 2020 is of the earlier edition: a cell whose code it does not have compares with nothing
    older = edition_for_year(publish_year)
    assert older is not EDITION
    other = next(s.key for s in EDITION.cell_specs() if older.cell(s.key) is None)
    html = as_user(region.reviewer_parent).get(url_of(other)).content.decode()
    assert 'class="last-year">—<' in html and 'class="change">—<' in html


def shown_cells(html):
    """{CellKey: what the summed grid shows}, by the cells' positions in the layout."""
    from disclosure.formats.layout import layout

    body = html.split('class="report-body', 1)[1]
    tables = re.findall(r"<tbody>(.*?)</tbody>", body, re.S)
    found = {}
    for table, content in zip(EDITION.tables, tables, strict=False):
        shown = re.findall(r'<td[^>]*class="num[^"]*">(.*?)</td>', content)
        specs = [c.spec for row in layout(table).body for c in row if not c.header]
        found.update({spec.key: value for spec, value in zip(specs, shown, strict=True)})
    return found


# A second "/"-able cell, "/" in every published report of the fixture below (a 规章 row of agencies that
# make none).
SLASHED = next(s.key for s in EDITION.cell_specs() if s.allows_not_applicable and not s.derived and s.key != SLASHABLE)


@pytest.fixture
def slashed(region):
    """Both published reports say "/" in SLASHED; D's submitted report has its 0 there."""
    for org in (region.a, region.c):
        report = org.reports.get()
        reopened = publishing.reopen_for_correction(report, None, "改为不适用")
        actions.save_content(reopened, None, cells={SLASHED: "/"})
        publishing.publish_report(reopened, None, require_approved=False)
    return region


def test_a_cell_every_counted_report_says_is_not_applicable_shows_a_slash(slashed, as_user):
    from disclosure import sums

    client = as_user(slashed.reviewer_parent)
    html = client.get(f"/workspace/oversight/{YEAR}/totals/").content.decode()
    cells = shown_cells(html)
    assert cells[SLASHED] == "/" and summed(html, SLASHED) == ""  # no drill-down into a "/"
    assert summed(html, SLASHABLE) == "3"  # a number and a "/": the number
    pending = shown_cells(client.get(f"/workspace/oversight/{YEAR}/totals/?include=pending").content.decode())
    assert pending[SLASHED] != "/"  # D's submitted 0 is counted there
    scope = sums_scope(slashed)
    assert sums.region_sums(scope, YEAR).values[SLASHED] == "/"
    assert sums.region_sums(scope, YEAR, include_pending=True).values[SLASHED] == Decimal(0)


def test_a_correction_under_review_that_gives_a_number_replaces_its_slash_when_counted(slashed):
    from disclosure import sums

    report = slashed.c.reports.get()
    reopened = publishing.reopen_for_correction(report, None, "补充数字")
    actions.save_content(reopened, None, cells={SLASHED: Decimal(4)})
    Membership.objects.create(user=slashed.editor_a, organization=slashed.c, role=Membership.Role.EDITOR)
    workflow.submit_report(reopened, slashed.editor_a)
    scope = sums_scope(slashed)
    assert sums.region_sums(scope, YEAR).values[SLASHED] == "/"
    assert sums.region_sums(scope, YEAR, include_pending=True).values[SLASHED] == Decimal(4)


def sums_scope(people):
    from disclosure.permissions import OversightScope
    from disclosure.regions import parents_map, subtree_ids

    parents = parents_map()
    return OversightScope(
        frozenset([people.district.pk]), frozenset(subtree_ids([people.district.pk], parents)), parents
    )


def test_each_years_sum_in_the_drill_down_says_how_many_reports_it_counts(region, as_user):
    earlier = factories.complete_report(region.a, YEAR - 1, cells={FIRST: 4})
    publishing.publish_report(earlier, None, require_approved=False)
    client = as_user(region.reviewer_parent)
    html = client.get(url_of(FIRST)).content.decode()
    assert 'class="last-year">4</strong><span class="last-year-counted">（1 份报告）</span>' in html
    assert 'class="cell-total">12</strong><span class="counted">（2 份报告）</span>' in html
    pending = client.get(url_of(FIRST) + "?include=pending").content.decode()
    assert 'class="counted">（3 份报告）<' in pending
