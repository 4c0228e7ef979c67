"""Every report of the subtree checked at once: one table, errors first, filterable by rule."""

import re

import pytest

from disclosure.checks import check_report
from disclosure.formats import edition_for_year
from tests import factories

YEAR = 2021
EDITION = edition_for_year(YEAR)
APPLICATIONS = EDITION.tables[1]
NEW_APPLICATIONS = next(s.key for s in APPLICATIONS.cells() if not s.derived)
URL = f"/workspace/oversight/{YEAR}/findings/"


@pytest.fixture
def region(people):
    """A's report has an unbalanced table 三 (an error); C's states the wrong year (a warning); B is elsewhere."""
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    people.wrong = factories.complete_report(people.a, YEAR, cells={NEW_APPLICATIONS: 7})
    people.warned = factories.complete_report(c, YEAR, texts={"overview_summary": "2019年，本机关……"})
    factories.complete_report(people.b, YEAR, cells={NEW_APPLICATIONS: 7})
    return people


def rows(html):
    return re.findall(r'<tr data-org="([^"]+)" data-rule="([^"]+)" data-severity="([^"]+)">', html)


def test_every_finding_of_the_subtree_is_listed_errors_first(region, as_user):
    html = as_user(region.reviewer_parent).get(URL).content.decode()
    found = rows(html)
    expected = len(check_report(region.wrong)) + len(check_report(region.warned))
    assert len(found) == expected > 1
    assert {org for org, _, _ in found} == {"agency-a", "agency-c"}  # not agency B, another region
    severities = [s for _, _, s in found]
    assert severities == sorted(severities)  # "blocking" < "warning"
    assert ("agency-a", "blocking") in {(o, s) for o, _, s in found}
    assert ("agency-c", "warning") in {(o, s) for o, _, s in found}
    for finding in check_report(region.wrong):
        assert finding.message in html
    table_part = next(p for p in EDITION.parts if p.is_table and p.table is APPLICATIONS)
    assert f'href="/workspace/agency-a/{YEAR}/part/{table_part.code}/"' in html
    # each finding also links to the cell (or text) of that agency's report where it is fixed
    assert f'href="/workspace/agency-a/{YEAR}/part/{table_part.code}/#id_' in html


def test_the_rule_filter_keeps_one_rule(region, as_user):
    client = as_user(region.reviewer_parent)
    warning_rule = next(f.rule for f in check_report(region.warned) if not f.blocking)
    found = rows(client.get(URL + "?rule=" + warning_rule).content.decode())
    assert found and all(rule == warning_rule for _, rule, _ in found)
    html = client.get(URL + "?rule=nonsense").content.decode()
    assert "没有规则“nonsense”的检查结果，已显示全部" in html
    assert len(rows(html)) > len(found)


def test_every_rule_is_named_in_chinese(region, as_user):
    from disclosure.checks import RULES

    factories.organization("agency-h", parent=region.district, name="测试区辛局")
    from disclosure import actions

    actions.create_report(region.district.children.get(slug="agency-h"), YEAR)  # blanks: the "blank" rule
    html = as_user(region.reviewer_parent).get(URL).content.decode()
    shown = {rule for _, rule, _ in rows(html)}
    assert "blank" in shown and len(shown) > 2
    for rule in shown:
        assert f'<td class="small rule-name">{RULES[rule].name}</td>' in html
        assert f'<option value="{rule}">{RULES[rule].name}</option>' in html
    visible = re.sub(r"<[^>]*>", " ", html)  # the text, without the codes kept in attributes
    for rule in RULES:
        assert not re.search(rf"(?<![\w-]){re.escape(rule)}(?![\w-])", visible), rule
    for rule in RULES.values():
        assert re.fullmatch(r"[\u4e00-\u9fff]+", rule.name), rule.id  # a Chinese name, no code


def test_the_link_to_a_finding_says_edit_only_to_who_may_edit(region, as_user):
    reviewer = as_user(region.reviewer_parent).get(URL).content.decode()
    assert 'class="finding-fix">查看<' in reviewer and "去修改" not in reviewer
    from disclosure.models import Membership

    Membership.objects.create(user=region.reviewer_parent, organization=region.a, role=Membership.Role.EDITOR)
    both = as_user(region.reviewer_parent).get(URL).content.decode()
    a_rows = [chunk for chunk in both.split('<tr data-org="')[1:] if chunk.startswith("agency-a")]
    assert a_rows and all('class="finding-fix">去修改<' in chunk for chunk in a_rows)
    c_rows = [chunk for chunk in both.split('<tr data-org="')[1:] if chunk.startswith("agency-c")]
    assert c_rows and all("去修改" not in chunk for chunk in c_rows)


def test_a_reports_own_findings_page_says_view_to_its_reviewer(region, as_user):
    url = f"/workspace/agency-a/{YEAR}/findings/"
    assert 'class="finding-fix">查看<' in as_user(region.reviewer_parent).get(url).content.decode()
    assert 'class="finding-fix">去修改<' in as_user(region.editor_a).get(url).content.decode()
