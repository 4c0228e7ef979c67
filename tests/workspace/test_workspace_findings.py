"""Findings in the workspace: explanations cover the numbers they were written for, declared totals of an
import stay findings, and over-long texts are refused with their limit."""

import html as html_lib
import re
from decimal import Decimal

import pytest

from disclosure import workflow
from disclosure.checks import check_report
from disclosure.formats import CellKey
from disclosure.formats.values import NUMBER_PATTERN
from disclosure.models import AnnualReport
from tests import factories

pytestmark = pytest.mark.django_db

R = "/workspace/agency-a/2021/"
CARRY = "X-carry:applications.carried_in.natural_person"


def html(response):
    return html_lib.unescape(response.content.decode())


def key(row, column, table="applications"):
    return CellKey(table, row, column)


def carry_over_report(people, carried_in):
    """A 2021 report whose 上年结转 disagrees with 2020's 结转下年度 (a warning, X-carry)."""
    factories.complete_report(
        people.a, 2020, cells={key("new", "natural_person"): 2, key("carried_forward", "natural_person"): 2}
    )
    return factories.complete_report(
        people.a,
        2021,
        cells={key("carried_in", "natural_person"): carried_in, key("granted", "natural_person"): carried_in},
    )


def carry_finding(report):
    return next(f for f in check_report(report) if f.key == CARRY)


def set_carried_in(report, value):
    from disclosure import actions

    cells = {key("carried_in", "natural_person"): Decimal(value), key("granted", "natural_person"): Decimal(value)}
    actions.save_content(report, None, cells=cells)
    report.refresh_from_db()


def test_an_explanation_stops_counting_when_the_numbers_change(people, as_user):
    report = carry_over_report(people, 1)
    client = as_user(people.editor_a)
    finding = carry_finding(report)
    assert finding.message == "自然人列：本年上年结转 1，但2020年报告结转下年度 2，相差 1"
    client.post(R + "findings/", {"finding": CARRY, "fingerprint": finding.fingerprint, "text": "上年数据有误。"})
    assert workflow.submission_problems(report, check_report(report)) == []

    set_carried_in(report, 52)
    assert carry_finding(report).message == "自然人列：本年上年结转 52，但2020年报告结转下年度 2，相差 50"
    assert workflow.submission_problems(report, check_report(report)) == ["还有 1 条警告未填写说明"]
    page = re.sub(r"<[^>]+>", "", html(client.get(R + "findings/")))
    assert "此前的说明（针对“自然人列：本年上年结转 1，但2020年报告结转下年度 2，相差 1”）：上年数据有误。" in page
    assert "数字已变化，原说明不再有效：请确认或重写。" in page
    assert "确认或重写说明" in page
    assert "数字已变化，说明须重新确认" in html(client.get(R))
    assert "1 条警告未填写说明" in html(client.post(R + "submit/", follow=True))

    # Confirming the same text for the new numbers counts again.
    finding = carry_finding(report)
    client.post(R + "findings/", {"finding": CARRY, "fingerprint": finding.fingerprint, "text": "上年数据有误。"})
    explanation = report.explanations.get()
    assert explanation.covers(finding) and explanation.finding_message == finding.message
    assert workflow.submission_problems(report, check_report(report)) == []
    assert report.events.filter(action="explain").count() == 2


def test_an_explanation_posted_for_numbers_that_changed_meanwhile_is_refused(people, as_user):
    report = carry_over_report(people, 1)
    old = carry_finding(report)
    set_carried_in(report, 3)
    client = as_user(people.editor_a)
    response = client.post(
        R + "findings/", {"finding": CARRY, "fingerprint": old.fingerprint, "text": "笔误"}, follow=True
    )
    assert "说明未保存：该警告的内容已变化，现为“自然人列：本年上年结转 3，但2020年报告结转下年度 2，相差 1”" in html(
        response
    )
    assert not report.explanations.exists()


def test_an_explanation_for_a_warning_that_went_away_is_refused(people, as_user):
    report = carry_over_report(people, 1)
    client = as_user(people.editor_a)
    response = client.post(R + "findings/", {"finding": "X-carry:nowhere", "text": "说明"}, follow=True)
    assert "说明未保存：该警告已不存在（数据可能已修改）" in html(response)
    assert not report.explanations.exists()


@pytest.mark.parametrize("length, saved", [(2000, True), (2001, False)])
def test_an_overlong_explanation_says_it_is_too_long(people, as_user, length, saved):
    report = carry_over_report(people, 1)
    response = as_user(people.editor_a).post(R + "findings/", {"finding": CARRY, "text": "说" * length}, follow=True)
    assert report.explanations.exists() is saved
    assert ("说明太长：最多 2000 字，现为 2001 字" in html(response)) is not saved


def test_an_empty_explanation_asks_for_one(people, as_user):
    report = carry_over_report(people, 1)
    response = as_user(people.editor_a).post(R + "findings/", {"finding": CARRY, "text": "  "}, follow=True)
    assert "请填写说明" in html(response)
    assert not report.explanations.exists()


@pytest.mark.parametrize("length, returned", [(2000, True), (2001, False)])
def test_an_overlong_return_reason_says_it_is_too_long(people, as_user, length, returned):
    report = factories.complete_report(people.a, 2021)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.SUBMITTED)
    response = as_user(people.reviewer_a).post(R + "return/", {"reason": "因" * length}, follow=True)
    report.refresh_from_db()
    assert (report.status == "draft") is returned
    assert ("退回原因太长：最多 2000 字，现为 2001 字" in html(response)) is not returned


def test_an_empty_return_reason_asks_for_one(people, as_user):
    report = factories.complete_report(people.a, 2021)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.SUBMITTED)
    response = as_user(people.reviewer_a).post(R + "return/", {"reason": ""}, follow=True)
    assert "请填写退回原因" in html(response)


@pytest.mark.parametrize("length, saved", [(20_000, True), (20_001, False)])
def test_a_narrative_section_has_a_length_limit_in_the_form(people, as_user, length, saved):
    report = factories.complete_report(people.a, 2021)
    data = {"revision": report.revision, "problems": "问" * length}
    response = as_user(people.editor_a).post(R + "part/problems/", data, follow=True)
    report.refresh_from_db()
    assert (len(report.problems) == length) is saved
    # The summary names the field once, then says how long the text is and may be.
    message = f"五、存在的主要问题及改进情况：太长：共 {length} 字，最多 20000 字"
    assert (message in html(response)) is not saved
    assert "”太长" not in html(response)
    assert 'maxlength="20000"' not in html(response)  # the browser must not cut a pasted text short
    assert 'data-max-length="20000"' in html(response)  # part.js counts against it instead


def test_the_fee_help_asks_part_six_about_the_information_fee(people, as_user):
    factories.complete_report(people.a, 2021)
    page = html(as_user(people.editor_a).get(R + "part/other/"))
    assert "说明是否收取信息处理费、收取多少" in page


def test_the_grid_carries_the_servers_number_grammar(people, as_user):
    factories.complete_report(people.a, 2021)
    page = html(as_user(people.editor_a).get(R + "part/applications/"))
    assert f'data-number="{NUMBER_PATTERN}"' in page
    proactive = html(as_user(people.editor_a).get(R + "part/proactive/"))
    assert "不适用的填“/”" in proactive and "不适用的填“/”" not in page


def test_declared_totals_of_an_import_are_findings_in_the_workspace(people, as_user):
    report = factories.complete_report(people.a, 2021)
    report.declared_totals = {"litigation.cases.reconsideration_total": "3"}
    report.save()
    client = as_user(people.editor_a)
    message = "行政复议：总计 3，但 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 0，相差 3"
    assert message in html(client.get(R + "findings/"))
    assert message in html(client.get(R + "part/litigation/"))
    assert "报告还不能提交" in html(client.post(R + "submit/", follow=True))


def declared_report(people):
    report = factories.complete_report(people.a, 2021)
    report.declared_totals = {"litigation.cases.reconsideration_total": "3"}
    report.save()
    return report


def test_an_editor_takes_the_computed_sum_for_a_wrong_declared_total(people, as_user):
    report = declared_report(people)
    client = as_user(people.editor_a)
    assert "以各项之和为准" in html(client.get(R + "findings/"))
    page = html(client.post(R + "findings/", {"accept_total": "litigation.cases.reconsideration_total"}, follow=True))
    assert "已采用计算的合计" in page and "总计 3，但" not in page
    report.refresh_from_db()
    assert report.declared_totals == {}
    event = report.events.first()
    assert event.actor == people.editor_a
    assert event.changes == [
        {
            "field": "declared:litigation.cases.reconsideration_total",
            "label": "导入的合计：行政复议 总计",
            "before": "3",
            "after": "0",
        }
    ]


def test_a_reviewer_cannot_take_the_computed_sum_for_the_editor(people, as_user):
    report = declared_report(people)
    client = as_user(people.reviewer_a)
    assert "以各项之和为准" not in html(client.get(R + "findings/"))
    response = client.post(R + "findings/", {"accept_total": "litigation.cases.reconsideration_total"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.declared_totals == {"litigation.cases.reconsideration_total": "3"}


def test_taking_the_computed_sum_twice_says_it_is_done_already(people, as_user):
    report = declared_report(people)
    workflow.accept_computed_total(report, people.editor_a, "litigation.cases.reconsideration_total")
    with pytest.raises(workflow.ActionError) as refused:
        workflow.accept_computed_total(report, people.editor_a, "litigation.cases.reconsideration_total")
    assert str(refused.value) == "该合计已不是导入文件中申报的数字（可能已经处理）"


def test_the_computed_sum_is_taken_only_in_a_draft(people):
    report = declared_report(people)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.SUBMITTED)
    with pytest.raises(workflow.ActionError, match="只有草稿可以修改"):
        workflow.accept_computed_total(report, people.editor_a, "litigation.cases.reconsideration_total")


def test_a_refused_explanation_comes_back_in_its_box(people, as_user):
    carry_over_report(people, 1)
    client = as_user(people.editor_a)
    response = client.post(R + "findings/", {"finding": CARRY, "text": "说" * 2001}, follow=True)
    assert "说明太长" in html(response) and "说" * 2001 in html(response)
    assert "说" * 2001 not in html(client.get(R + "findings/"))  # shown once


def errors_after_blanks(people):
    """A 2021 report with seven empty sections (未填写, found first by the rules) and one wrong figure (错误)."""
    return factories.complete_report(
        people.a, 2021, cells={key("new", "natural_person"): 2}, texts=dict.fromkeys(factories.COMPLETE_TEXTS, "")
    )


def test_errors_are_listed_before_what_is_not_filled_in(people, as_user):
    errors_after_blanks(people)
    client = as_user(people.editor_a)
    for page in (html(client.get(R)), html(client.get(R + "findings/"))):
        first_error, first_blank = page.index("finding-error"), page.index("finding-incomplete")
        assert first_error < first_blank
    overview = html(client.get(R))
    short_list = overview[overview.index("提交前还需处理") : overview.index("提交审核</button>")]
    assert short_list.index("相差") < short_list.index("尚未填写")
    # The short list shows five problems, then a link to all of them.
    assert re.search(r'<a href="/workspace/agency-a/2021/findings/">……共 \d+ 项，查看全部</a>', short_list)


def test_the_refusal_to_submit_names_errors_first(people, as_user):
    errors_after_blanks(people)
    response = as_user(people.editor_a).post(R + "submit/", follow=True)
    refusal = re.search(r"报告还不能提交：([^；<]*)", html(response)).group(1)
    assert "相差" in refusal and "尚未填写" not in refusal
