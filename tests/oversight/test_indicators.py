"""Indicators and prompts of a supervising office: the five-year chart of applications received, the shares of
the results, the 纠错率, and the prompts for sudden changes — for the subtree and for each agency."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure import indicators, publishing
from disclosure.formats import edition_for_year
from disclosure.permissions import OversightScope
from disclosure.regions import parents_map, subtree_ids
from tests import factories

YEAR = 2021


def keys(year=YEAR):
    """The cells the indicators read, named by the edition (never spelt here)."""
    edition = edition_for_year(year)
    applications, litigation = edition.table_of_kind("applications"), edition.table_of_kind("litigation")
    natural = applications.applicant_columns[0].code
    outcomes = {row.name: row for row, _ in applications.outcome_keys()}
    first_leaf = {name: next(r for r, _ in row.walk() if r.is_leaf) for name, row in outcomes.items()}
    recon = litigation.reconsideration
    direct, after = litigation.lawsuits
    return {
        "new": applications.key(applications.new_row, natural),
        "outcome": {name: applications.key(leaf.code, natural) for name, leaf in first_leaf.items()},
        "recon_corrected": litigation.corrected_key(recon),
        "recon_upheld": litigation.key(recon, recon.columns[0]),
        "direct_corrected": litigation.corrected_key(direct),
        "after_upheld": litigation.key(after, after.columns[0]),
    }


def consistent(year, received, granted=None, partly=0, refused=0, recon=(0, 0), suits=(0, 0, 0)):
    """Cells of a consistent report: ``received`` applications, all decided (予以公开 takes the rest)."""
    k = keys(year)
    names = list(k["outcome"])
    granted = received - partly - refused if granted is None else granted
    corrected, upheld = recon
    direct_corrected, after_upheld, _ = suits
    return {
        k["new"]: received,
        k["outcome"][names[0]]: granted,
        k["outcome"][names[1]]: partly,
        k["outcome"][names[2]]: refused,
        k["recon_corrected"]: corrected,
        k["recon_upheld"]: upheld,
        k["direct_corrected"]: direct_corrected,
        k["after_upheld"]: after_upheld,
    }


def publish(org, year, **figures):
    report = factories.complete_report(org, year, cells=consistent(year, **figures))
    return publishing.publish_report(report, None, require_approved=False)


@pytest.fixture
def region(people):
    """Agency A: 2019–2021 published (4, 5, 20: a jump); C: 0, 0, 0 (three years without an application);
    D: 6 then 0 in 2021 (fell to zero); B is outside the district."""
    district = people.district
    people.c = factories.organization("agency-c", parent=district, name="测试区丙局")
    people.d = factories.organization("agency-d", parent=district, name="测试区丁局")
    for year, received in ((2019, 4), (2020, 5)):
        publish(people.a, year, received=received)
    publish(people.a, YEAR, received=20, partly=4, refused=1, recon=(1, 3), suits=(1, 1, 0))
    for year in (2019, 2020, YEAR):
        publish(people.c, year, received=0)
    publish(people.d, 2020, received=6)
    publish(people.d, YEAR, received=0)
    publish(people.b, YEAR, received=100)
    return people


def district_scope(people):
    parents = parents_map()
    return OversightScope(
        frozenset([people.district.pk]), frozenset(subtree_ids([people.district.pk], parents)), parents
    )


def test_the_subtree_indicators_sum_published_reports_by_year(region):
    found = indicators.region_indicators(district_scope(region), YEAR)
    assert [(v.year, v.printed) for v in found.received] == [
        (2017, "—"),
        (2018, "—"),
        (2019, "4"),
        (2020, "11"),
        (2021, "20"),
    ]  # 外区乙局's 100 is another region's
    shares = {s.label: (s.printed, s.percent) for s in found.shares}
    assert list(shares) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert shares["予以公开"] == ("15", "75.0%") and shares["部分公开"] == ("4", "20.0%")
    assert shares["不予公开"] == ("1", "5.0%") and shares["无法提供"] == ("0", "0.0%")
    recon, suits = found.rates
    assert (recon.label, recon.percent, recon.counts) == ("行政复议", "25.0%", "1 / 4")
    assert (suits.label, suits.percent, suits.counts) == ("行政诉讼", "50.0%", "1 / 2")


@pytest.mark.parametrize("year", [2020, YEAR])  # the 2019 edition's （六） is one row, the 2021 one's three
def test_the_shares_make_up_the_results_total(people, year):
    """Every row （七）总计 adds up has its share, 其他处理 included: the shares sum to the total and to 100%."""
    edition = edition_for_year(year)
    applications = edition.table_of_kind("applications")
    natural = applications.applicant_columns[0].code
    leaves = [r for r, _ in applications.row(applications.results_row).walk() if r.is_leaf and not r.derived]
    cells = {k: v for k, v in consistent(year, received=0).items() if k.table != applications.code}
    cells.update({applications.key(leaf.code, natural): i + 1 for i, leaf in enumerate(leaves)})
    cells[keys(year)["new"]] = sum(range(1, len(leaves) + 1))  # received = decided: the balance holds
    publishing.publish_report(factories.complete_report(people.a, year, cells=cells), None, require_approved=False)
    found = indicators.agency_indicators(people.a, year)
    total = Decimal(sum(range(1, len(leaves) + 1)))
    assert found.results_total == total
    assert sum(s.value for s in found.shares) == total
    assert sum(Decimal(s.percent.rstrip("%")) for s in found.shares) == pytest.approx(Decimal(100), abs=Decimal("0.5"))
    other = applications.row(applications.results_row).children[-2]  # （六）, just above （七）总计
    share = next(s for s in found.shares if s.label == other.name)
    assert share.value == sum(i + 1 for i, leaf in enumerate(leaves) if any(leaf is r for r, _ in other.walk()))
    assert share.label == "其他处理"


def test_each_years_figure_says_how_many_reports_it_covers(region, as_user):
    found = indicators.region_indicators(district_scope(region), YEAR)
    assert [(v.year, v.reports) for v in found.received] == [(2017, 0), (2018, 0), (2019, 2), (2020, 3), (2021, 3)]
    html = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/indicators/").content.decode()
    assert html.count('class="chart-label chart-note"') == 5 and ">3 份报告</text>" in html
    assert "2021年<br>" in html and 'coverage">（3 份报告）</span>' in html
    agency = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/indicators/agency-a/")
    assert "份报告" not in agency.content.decode()  # one agency's figure is its one report's


def test_a_rate_with_no_case_is_a_dash():
    rate = indicators.Rate("行政复议", Decimal(0), Decimal(0))
    assert rate.percent == "—" and rate.fraction is None


def test_prompts_name_jumps_falls_to_zero_and_three_empty_years(region):
    prompts = indicators.region_prompts(district_scope(region), YEAR)
    found = {(p.organization.slug, p.kind): p.text for p in prompts}
    assert set(found) == {
        ("agency-a", "jump"),  # 5 -> 20, and 行政复议 0 -> 4 is no jump (nothing to compare with)
        ("agency-c", "zero_years"),
        ("agency-d", "to_zero"),
    }
    assert found[("agency-a", "jump")] == "本年新收（总计）由上年 5 增至 20（4.0 倍）"
    assert found[("agency-d", "to_zero")] == "本年新收（总计）由上年 6 降为 0"
    assert found[("agency-c", "zero_years")] == "本年新收（总计）连续 3 年为 0"


def test_exactly_threefold_is_no_jump_and_two_empty_years_are_no_prompt(people):
    publish(people.a, 2020, received=5)
    publish(people.a, YEAR, received=15)
    c = factories.organization("agency-c", parent=people.district)
    publish(c, 2020, received=0)
    publish(c, YEAR, received=0)
    assert indicators.region_prompts(district_scope(people), YEAR) == []


def test_changes_among_small_figures_are_no_prompt(people):
    publish(people.a, 2020, received=1)
    publish(people.a, YEAR, received=4)  # more than threefold, but four applications are no news
    c = factories.organization("agency-c", parent=people.district)
    publish(c, 2020, received=4)
    publish(c, YEAR, received=0)
    d = factories.organization("agency-d", parent=people.district)
    publish(d, 2020, received=1)
    publish(d, YEAR, received=5)
    prompts = indicators.region_prompts(district_scope(people), YEAR)
    assert [(p.organization.slug, p.kind) for p in prompts] == [("agency-d", "jump")]


def test_the_indicators_page_draws_svg_with_text_and_lists_the_prompts(region, as_user):
    response = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/indicators/")
    html = response.content.decode()
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert ' style="' not in html  # the CSP forbids style attributes
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for id_ in labelled:
            assert f'id="{id_}"' in svg  # every chart's name is its own <title> (and <desc>)
    assert "2020年 11（3 份报告）；2021年 20（3 份报告）" in html
    assert html.count('class="chart-bar') == 5
    assert 'data-org="agency-d" data-kind="to_zero"' in html
    assert f'href="/workspace/oversight/{YEAR}/indicators/agency-a/"' in html


def test_the_agency_view_shows_its_own_figures(region, as_user):
    html = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/indicators/agency-a/").content.decode()
    assert re.findall(r'<td data-year="(\d+)">([^<]+)</td>', html) == [
        ("2017", "—"),
        ("2018", "—"),
        ("2019", "4"),
        ("2020", "5"),
        ("2021", "20"),
    ]
    assert "4.0 倍" in html and 'data-kind="jump"' in html
    assert "25.0%" in html


def test_an_agency_without_a_published_report_says_so(region, as_user):
    factories.organization("agency-e", parent=region.district, name="测试区戊局")
    html = as_user(region.reviewer_parent).get(f"/workspace/oversight/{YEAR}/indicators/agency-e/").content.decode()
    assert "没有已发布的报告" in html and "无法计算构成" in html
    assert html.count('class="rate-percent">—<') == 2


def test_an_agency_outside_the_subtree_is_404(region, as_user):
    client = as_user(region.reviewer_parent)
    assert client.get(f"/workspace/oversight/{YEAR}/indicators/agency-b/").status_code == 404
    assert client.get(f"/workspace/oversight/{YEAR}/indicators/nobody/").status_code == 404
    assert as_user(region.admin).get(f"/workspace/oversight/{YEAR}/indicators/agency-b/").status_code == 200


def test_a_year_without_a_format_is_404(region, as_user):
    assert as_user(region.reviewer_parent).get("/workspace/oversight/2017/indicators/").status_code == 404


def test_the_overview_and_the_drill_down_link_to_each_agency(region, as_user):
    client = as_user(region.reviewer_parent)
    link = f'href="/workspace/oversight/{YEAR}/indicators/agency-a/"'
    assert link in client.get(f"/workspace/oversight/{YEAR}/").content.decode()
    cell = keys()["new"]
    total = edition_for_year(YEAR).table_of_kind("applications").received_key()
    assert cell.row == total.row
    drill = client.get(f"/workspace/oversight/{YEAR}/totals/{total.table}/{total.row}/{total.column}/")
    assert link in drill.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_indicators_page_runs_the_same_queries_for_few_and_many_agencies(people, as_user):
    client = as_user(people.reviewer_parent)
    url = f"/workspace/oversight/{YEAR}/indicators/"
    for i in range(3):
        org = factories.organization(f"x-{i}", parent=people.district)
        publish(org, 2020, received=1)
        publish(org, YEAR, received=9)
    few = queries(client, url)
    for i in range(3, 12):
        org = factories.organization(f"x-{i}", parent=people.district)
        publish(org, 2020, received=1)
        publish(org, YEAR, received=9)
    assert queries(client, url) == few
