"""The year overview of a supervising office: who sees it, what each row says, filters, and its query bound."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosure import publishing, workflow
from disclosure.formats import edition_for_year
from disclosure.models import Membership
from tests import factories

WHO = ["anonymous", "editor_a", "editor_b", "reviewer_a", "reviewer_parent", "admin"]
# Only who oversees a subtree sees the pages: the district's reviewer and the superuser. The reviewer of agency A
# (no organization below it) and the editors get 404, as for any page they have no role on.
STATUS = {"anonymous": 302, "editor_a": 404, "editor_b": 404, "reviewer_a": 404, "reviewer_parent": 200, "admin": 200}


def person(people, who):
    return None if who == "anonymous" else getattr(people, who)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.mark.parametrize("who", WHO)
def test_the_year_less_address_leads_to_the_reporting_year(people, as_user, who):
    """(Every oversight page is in the permission matrix, tests/workspace/test_workspace_permissions.py.)"""
    response = as_user(person(people, who)).get("/workspace/oversight/")
    expected = STATUS[who]
    assert response.status_code == (302 if expected == 200 else expected)
    if expected == 200:
        assert response.url == f"/workspace/oversight/{timezone.localdate().year - 1}/"


@pytest.mark.parametrize("who", WHO[1:])
def test_the_dashboard_links_to_it_only_for_who_oversees(people, as_user, who):
    html = as_user(person(people, who)).get("/workspace/").content.decode()
    assert ("/workspace/oversight/" in html) == (STATUS[who] == 200)


@pytest.fixture
def region(people):
    """Agency A published on time, C published late, D returned, E submitted, F not started, G correcting."""
    district = people.district
    c, d, e, f, g = (
        factories.organization(slug, parent=district, name=f"测试区{name}")
        for slug, name in [
            ("agency-c", "丙局"),
            ("agency-d", "丁局"),
            ("agency-e", "戊局"),
            ("agency-f", "己局"),
            ("agency-g", "庚局"),
        ]
    )
    c.short_name = "丙"
    c.save()
    for org in (d, e):
        Membership.objects.create(user=people.editor_a, organization=org, role=Membership.Role.EDITOR)
    on_time, late = at(datetime.date(2022, 1, 10)), at(datetime.date(2022, 2, 5))
    publishing.publish_report(
        factories.complete_report(people.a, 2021), None, require_approved=False, published_at=on_time
    )
    publishing.publish_report(factories.complete_report(c, 2021), None, require_approved=False, published_at=late)
    returned = workflow.submit_report(factories.complete_report(d, 2021), people.editor_a)
    workflow.return_report(returned, people.reviewer_parent, "请核对表三")
    workflow.submit_report(factories.complete_report(e, 2021), people.editor_a)
    version = publishing.publish_report(factories.complete_report(g, 2021), None, require_approved=False)
    publishing.reopen_for_correction(version.report, None, "更正表四")
    return people


def rows_of(html):
    """{organization slug: the row's HTML}"""
    found = {}
    for chunk in html.split('<tr data-org="')[1:]:
        slug, rest = chunk.split('"', 1)
        found[slug] = rest.split("</tr>", 1)[0]
    return found


def test_every_organization_of_the_subtree_has_a_row_with_its_state(region, as_user):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/").content.decode()
    rows = rows_of(html)
    assert set(rows) == {"district", "agency-a", "agency-c", "agency-d", "agency-e", "agency-f", "agency-g"}
    assert "agency-b" not in rows  # another region
    expected = {
        "agency-a": ("已发布", "按时发布", "2022-01-10"),
        "agency-c": ("已发布", "逾期 5 天发布", "2022-02-05"),
        "agency-d": ("已退回", "已逾期", "—"),
        "agency-e": ("待审核", "已逾期", "—"),
        "agency-f": ("未开始", "已逾期", "—"),
        "agency-g": ("更正中", "天发布", timezone.localdate().isoformat()[:4]),
        "district": ("未开始", "已逾期", "—"),
    }
    for slug, words in expected.items():
        for word in words:
            assert word in rows[slug], (slug, word)
    overdue_days = (timezone.localdate() - datetime.date(2022, 1, 31)).days
    assert f"已逾期 {overdue_days} 天" in rows["agency-f"]
    assert "3月31日" in rows["district"] and "1月31日" in rows["agency-f"]
    assert 'href="/workspace/agency-a/2021/"' in rows["agency-a"]
    assert "/workspace/agency-f/" not in rows["agency-f"]  # nothing to open yet


def test_the_counts_per_state_include_not_started_and_correcting(region, as_user):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/").content.decode()
    for state, n in [
        ("not_started", 2),
        ("published", 2),
        ("returned", 1),
        ("submitted", 1),
        ("correcting", 1),
        ("draft", 0),
        ("approved", 0),
    ]:
        assert f'data-state="{state}">' in html
        link = html.split(f'data-state="{state}">', 1)[1].split("</a>", 1)[0]
        assert f"<strong>{n}</strong>" in link, (state, link)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("state=returned", {"agency-d"}),
        ("state=not_started", {"agency-f", "district"}),
        ("kind=government", {"district"}),
        ("overdue=on", {"agency-d", "agency-e", "agency-f", "district"}),
        ("q=丙", {"agency-c"}),
        ("q=庚局", {"agency-g"}),
        ("overdue=on&kind=department&q=己", {"agency-f"}),
    ],
)
def test_the_filters_keep_the_rows_they_name(region, as_user, query, expected):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/?" + query).content.decode()
    assert set(rows_of(html)) == expected


def new_applications(year=2021):
    """A cell of 一、本年新收: a number there alone breaks the balance rule (an error)."""
    table = edition_for_year(year).table_of_kind("applications")
    return table.key(table.new_row, table.applicant_columns[0].code)


def test_the_findings_filter_and_counts(region, as_user):
    """The counts are those of the report's findings page: errors, and apart from them what is not filled in
    yet (未填写), which is no error and is not kept by the 有错误 filter."""
    from disclosure import actions
    from disclosure.checks import check_report

    report = region.a.reports.get()
    blocking = sum(1 for f in check_report(report) if f.blocking)
    client = as_user(region.reviewer_parent)
    draft = factories.organization("agency-h", parent=region.district, name="测试区辛局")
    actions.create_report(draft, 2021)
    wrong = factories.organization("agency-i", parent=region.district, name="测试区壬局")
    factories.complete_report(wrong, 2021, cells={new_applications(): 3})
    html = client.get("/workspace/oversight/2021/?findings=blocking").content.decode()
    rows = rows_of(html)
    assert set(rows) == {"agency-i"}
    errors = [f for f in check_report(wrong.reports.get()) if f.blocking]
    assert errors and not any(f.incomplete for f in errors) and f">{len(errors)}</a>" in rows["agency-i"]
    assert blocking == 0
    row = rows_of(client.get("/workspace/oversight/2021/").content.decode())["agency-h"]
    blanks = [f for f in check_report(draft.reports.get()) if f.incomplete]
    assert blanks and all(f.blocking for f in blanks)
    assert 'findings-blocking">0<' in row and f'findings-incomplete">{len(blanks)} 处未填写<' in row


def test_counts_stored_before_the_incomplete_were_counted_apart_are_counted_again(region, as_user):
    from disclosure import actions
    from disclosure.models import AnnualReport

    draft = factories.organization("agency-h", parent=region.district, name="测试区辛局")
    report = actions.create_report(draft, 2021)
    client = as_user(region.reviewer_parent)
    client.get("/workspace/oversight/2021/")
    stored = AnnualReport.objects.get(pk=report.pk)
    assert stored.incomplete_count == stored.blocking_count > 0  # every blocking finding is a blank
    AnnualReport.objects.filter(pk=report.pk).update(incomplete_count=None)  # as stored by the earlier code
    row = rows_of(client.get("/workspace/oversight/2021/").content.decode())["agency-h"]
    assert 'findings-blocking">0<' in row and "处未填写" in row


def test_a_bad_filter_says_so_and_shows_everyone(region, as_user):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/?state=nonsense").content.decode()
    assert "筛选条件有误" in html and "状态" in html
    assert len(rows_of(html)) == 7


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def more_agencies(people, n, start=0):
    for i in range(start, start + n):
        org = factories.organization(f"extra-{i}", parent=people.district, name=f"追加机关{i}")
        report = factories.complete_report(org, 2021)
        factories.complete_report(org, 2020)
        if i % 2:
            publishing.publish_report(report, None, require_approved=False)


def test_the_overview_runs_the_same_queries_for_10_and_60_agencies(people, as_user):
    """The first view checks the reports and stores their counts; the next only reads them. Either way the
    number of queries does not grow with the agencies."""
    client = as_user(people.reviewer_parent)
    more_agencies(people, 10)
    first, again = queries(client, "/workspace/oversight/2021/"), queries(client, "/workspace/oversight/2021/")
    more_agencies(people, 50, start=10)
    assert queries(client, "/workspace/oversight/2021/") == first
    assert queries(client, "/workspace/oversight/2021/") == again < first


def test_stored_counts_follow_a_save_and_a_change_of_last_years_report(people, as_user):
    from disclosure import actions
    from disclosure.formats import edition_for_year

    client = as_user(people.reviewer_parent)
    report = factories.complete_report(people.a, 2021)
    last_year = factories.complete_report(people.a, 2020)
    assert 'findings-warnings">0<' in client.get("/workspace/oversight/2021/").content.decode()
    table = edition_for_year(2021).table_of_kind("applications")
    carried_forward = table.key(table.carried_forward_row, table.applicant_columns[0].code)
    actions.save_content(last_year, None, cells={carried_forward: Decimal(4)})  # X-carry now warns
    row = rows_of(client.get("/workspace/oversight/2021/").content.decode())["agency-a"]
    assert 'findings-warnings">1<' in row
    first = next(s for s in edition_for_year(2021).entered_cells() if s.key.table == table.code)
    actions.save_content(report, None, cells={first.key: None})  # a blank: not filled in, not an error
    row = rows_of(client.get("/workspace/oversight/2021/").content.decode())["agency-a"]
    assert 'findings-blocking">0<' in row and 'findings-incomplete">1 处未填写<' in row


def test_the_tree_view_indents_by_level_and_the_flat_view_names_the_parent(region, as_user):
    client = as_user(region.reviewer_parent)
    tree = rows_of(client.get("/workspace/oversight/2021/").content.decode())
    assert 'class="depth-1"' in tree["agency-a"] and 'class="depth-0"' in tree["district"]
    assert "上级：" not in tree["agency-a"]
    html = client.get("/workspace/oversight/2021/?view=flat&kind=department").content.decode()
    flat = rows_of(html)
    assert "depth-" not in flat["agency-a"] and "上级：测试区人民政府" in flat["agency-a"]
    assert list(flat) == sorted(flat, key=lambda slug: region.district.children.get(slug=slug).name)  # by name
    assert 'href="?kind=department&amp;view=tree"' in html  # the toggle keeps the filters
    assert '<input type="hidden" name="view" value="flat">' in html  # and filtering keeps the view


def test_a_sort_other_than_the_tree_is_not_indented(region, as_user):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/?sort=state").content.decode()
    assert "depth-" not in html.split("<tbody>")[1]


def test_a_long_overview_is_shown_page_by_page_keeping_the_filters(region, as_user, monkeypatch):
    from disclosure.workspace.views import oversight as views

    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 3)
    client = as_user(region.reviewer_parent)
    first = client.get("/workspace/oversight/2021/?sort=name").content.decode()
    second = client.get("/workspace/oversight/2021/?sort=name&page=2").content.decode()
    third = client.get("/workspace/oversight/2021/?sort=name&page=3").content.decode()
    pages = [list(rows_of(html)) for html in (first, second, third)]
    assert [len(p) for p in pages] == [3, 3, 1]
    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 100)
    assert sum(pages, []) == list(rows_of(client.get("/workspace/oversight/2021/?sort=name").content.decode()))
    assert "第 1 / 3 页" in first and 'href="?sort=name&amp;page=2"' in first


def test_an_empty_search_spans_every_column(region, as_user):
    html = as_user(region.reviewer_parent).get("/workspace/oversight/2021/?q=nobody-at-all").content.decode()
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    columns = head.count("<th ")
    assert columns == 10 and f'<td colspan="{columns}">没有符合条件的机关。</td>' in html


def test_the_deadline_shows_its_year(people, as_user):
    """2026's reports are due in January 2027: the year is said, not left to guess."""
    html = as_user(people.reviewer_parent).get("/workspace/oversight/2026/").content.decode()
    deadline = people.a.deadline(2026)
    assert deadline.year == 2027
    row = rows_of(html)["agency-a"]
    assert f'class="deadline">{deadline.year}年{deadline.month}月{deadline.day}日<' in row
