"""Each consistency rule: a passing case, a failing case, and the message with the actual numbers."""

from decimal import Decimal

import pytest

from disclosure import actions
from disclosure.checks import RULES, check_report, input_for, run_checks
from disclosure.formats import NOT_APPLICABLE, CellKey, get_edition

from .factories import complete_report, organization

pytestmark = pytest.mark.django_db

A = "applications"


def key(row, column, table=A):
    return CellKey(table, row, column)


def findings_of(report, rule_id):
    return [f for f in check_report(report) if f.rule == rule_id]


def declared(report, changes):
    """The report's findings when a document declared these totals (possibly wrong)."""
    data = input_for(report, with_previous=True)
    data.declared = {k: Decimal(v) for k, v in changes.items()}
    return run_checks(data)


@pytest.fixture
def agency():
    return organization("agency")


def test_a_complete_zero_report_passes_every_rule(agency):
    assert check_report(complete_report(agency)) == []


def test_every_rule_of_each_edition_is_registered():
    from disclosure.formats import EDITIONS

    for edition in EDITIONS.values():
        assert set(edition.rules) <= set(RULES)


def test_blank_cells_and_sections_block_submission(agency):
    from disclosure import actions

    report = actions.create_report(agency, 2021)
    blanks = findings_of(report, "blank")
    assert all(f.blocking for f in blanks)
    table3 = next(f for f in blanks if f.cells and f.cells[0].table == A)
    assert len(table3.cells) == 24 * 6
    assert table3.message.startswith("三、收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量 自然人")
    assert "等 144 个单元格尚未填写" in table3.message
    assert any(f.section == "problems" and f.message == "“五、存在的主要问题及改进情况”尚未填写" for f in blanks)
    assert not any(f.section == "preface" for f in blanks)


def test_not_applicable_counts_as_filled(agency):
    cells = {key("rules", c, "proactive"): NOT_APPLICABLE for c in ("made", "repealed", "in_force")}
    assert findings_of(complete_report(agency, cells=cells), "blank") == []


def test_balance_holds_when_received_equals_handled(agency):
    cells = {
        key("new", "natural_person"): 3,
        key("carried_in", "natural_person"): 1,
        key("granted", "natural_person"): 2,
        key("carried_forward", "natural_person"): 2,
    }
    assert findings_of(complete_report(agency, cells=cells), "T3-balance") == []


def test_balance_fails_with_the_equation_and_the_numbers(agency):
    cells = {
        key("new", "natural_person"): 3,
        key("carried_in", "natural_person"): 1,
        key("granted", "natural_person"): 2,
        key("carried_forward", "natural_person"): 1,
    }
    found = findings_of(complete_report(agency, cells=cells), "T3-balance")
    assert [f.message for f in found] == [
        "自然人列：本年新收 3 + 上年结转 1 = 4，但办理结果总计 2 + 结转下年度 1 = 3，相差 1",
        "总计列：本年新收 3 + 上年结转 1 = 4，但办理结果总计 2 + 结转下年度 1 = 3，相差 1",
    ]
    assert all(f.blocking for f in found)
    assert key("new", "natural_person") in found[0].cells


def test_results_total_must_be_the_sum_of_the_result_rows(agency):
    report = complete_report(agency, cells={key("granted", "natural_person"): 2, key("new", "natural_person"): 2})
    assert [f for f in declared(report, {}) if f.rule == "T3-sum"] == []
    found = [f for f in declared(report, {key("results_total", "natural_person"): 5}) if f.rule == "T3-sum"]
    assert [f.message for f in found] == ["自然人列：（七）总计为 5，但各项之和 （一）予以公开 2 = 2，相差 3"]
    assert found[0].blocking


def test_row_total_must_be_the_sum_of_the_applicant_columns(agency):
    report = complete_report(agency, cells={key("new", "natural_person"): 2, key("new", "other_org"): 1})
    found = [f for f in declared(report, {key("new", "total"): 4}) if f.rule == "T3-total"]
    assert [f.message for f in found] == ["一、本年新收政府信息公开申请数量：总计 4，但 自然人 2 + 其他 1 = 3，相差 1"]


def test_litigation_totals_must_add_up(agency):
    upheld = key("cases", "reconsideration_upheld", "litigation")
    report = complete_report(agency, cells={upheld: 2})
    assert [f for f in declared(report, {}) if f.rule == "T4-sum"] == []
    found = [
        f for f in declared(report, {key("cases", "reconsideration_total", "litigation"): 1}) if f.rule == "T4-sum"
    ]
    assert [f.message for f in found] == [
        "行政复议：总计 1，但 结果维持 2 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 2，相差 1"
    ]


def test_carry_over_compares_with_last_years_carried_forward(agency):
    complete_report(agency, 2021, cells={key("new", "natural_person"): 2, key("carried_forward", "natural_person"): 2})
    ok = complete_report(organization("other"), 2022)
    assert findings_of(ok, "X-carry") == []
    report = complete_report(
        agency, 2022, cells={key("carried_in", "natural_person"): 1, key("granted", "natural_person"): 1}
    )
    found = findings_of(report, "X-carry")
    assert [f.message for f in found] == ["自然人列：本年上年结转 1，但2021年报告结转下年度 2，相差 1"]
    assert not found[0].blocking


def test_carry_over_passes_across_editions_when_figures_match(agency):
    complete_report(agency, 2020, cells={key("new", "natural_person"): 1, key("carried_forward", "natural_person"): 1})
    report = complete_report(
        agency, 2021, cells={key("carried_in", "natural_person"): 1, key("granted", "natural_person"): 1}
    )
    assert findings_of(report, "X-carry") == []


def test_stock_of_documents_in_force(agency):
    doc = lambda c: key("normative_documents", c, "proactive")  # noqa: E731
    complete_report(agency, 2021, cells={doc("in_force"): 5})
    good = complete_report(organization("b"), 2022)
    assert findings_of(good, "X-stock") == []
    report = complete_report(agency, 2022, cells={doc("made"): 2, doc("repealed"): 1, doc("in_force"): 7})
    found = findings_of(report, "X-stock")
    assert [f.message for f in found] == [
        "行政规范性文件：现行有效件数 7，但2021年 5 + 本年制发件数 2 − 本年废止件数 1 = 6，相差 1"
    ]
    assert not found[0].blocking


FEE_LAPSED = {key("other_no_fee", "natural_person"): 1, key("new", "natural_person"): 1}
FEE_MESSAGE = (
    "表三“2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请”总计为 {n}，"
    "说明发出过收费通知，但“六、其他需要报告的事项”未说明信息处理费的收取情况"
)


def test_fee_notices_require_part_six_to_mention_the_information_fee(agency):
    report = complete_report(agency, 2021, cells=FEE_LAPSED, texts={"other_matters": "本年度免费提供信息，经费充足。"})
    found = findings_of(report, "N-fee")
    assert [f.message for f in found] == [FEE_MESSAGE.format(n=1)]
    assert found[0].cells == (key("other_no_fee", "total"),)
    assert found[0].section == "other_matters"
    assert not found[0].blocking


def test_mentioning_the_information_fee_satisfies_the_fee_rule(agency):
    texts = {"other_matters": "本年度未收取信息处理费。"}
    assert findings_of(complete_report(agency, 2021, cells=FEE_LAPSED, texts=texts), "N-fee") == []


def test_no_fee_notices_no_fee_finding_even_when_part_six_is_silent(agency):
    # Zero notices (the boundary: 0 is not > 0) and table 二's 行政事业性收费 do not ask for a statement.
    fee = key("fees", "fee_amount", "proactive")
    report = complete_report(agency, 2021, cells={fee: Decimal("96171.6")}, texts={"other_matters": "无。"})
    assert findings_of(report, "N-fee") == []


def test_the_2019_edition_has_no_fee_notice_row(agency):
    assert get_edition("2019").table_of_kind("applications").fee_lapsed_row == ""
    assert findings_of(complete_report(agency, 2020, texts={"other_matters": "无。"}), "N-fee") == []


def test_blank_fee_notices_say_nothing(agency):
    from disclosure import actions

    report = actions.create_report(agency, 2021)
    assert findings_of(report, "N-fee") == []


def test_numbers_in_the_text_must_match_the_tables(agency):
    cells = {key("new", "natural_person"): 4, key("granted", "natural_person"): 4}
    ok = complete_report(agency, 2021, cells=cells, texts={"overview_on_request": "本年共收到政府信息公开申请4件。"})
    assert findings_of(ok, "N-text") == []
    report = complete_report(
        organization("b"), 2021, cells=cells, texts={"overview_on_request": "本年共受理政府信息公开申请5件。"}
    )
    found = findings_of(report, "N-text")
    assert [f.message for f in found] == ["正文提到收到申请 5 件，但表三“一、本年新收政府信息公开申请数量”总计为 4"]
    assert found[0].section == "overview_on_request"


def test_no_applications_in_the_text_means_zero(agency):
    text = {"overview_on_request": "本年没有收到政府信息公开申请。"}
    assert findings_of(complete_report(agency, texts=text), "N-text") == []
    report = complete_report(
        organization("b"), cells={key("new", "natural_person"): 1, key("granted", "natural_person"): 1}, texts=text
    )
    assert len(findings_of(report, "N-text")) == 1


def test_a_past_year_in_the_overview_is_flagged(agency):
    ok = complete_report(agency, 2020, texts={"overview_proactive": "2020年，主动公开信息829条。"})
    assert findings_of(ok, "N-year") == []
    report = complete_report(organization("b"), 2020, texts={"overview_proactive": "2019年，主动公开信息829条。"})
    assert [f.message for f in findings_of(report, "N-year")] == ["“（一）主动公开”写的是“2019年”，本报告是2020年度"]


def test_a_government_must_report_assessment_review_and_accountability():
    from disclosure.models import Organization

    gov = organization("gov", kind=Organization.Kind.GOVERNMENT)
    report = complete_report(gov, texts={"overview_oversight": "开展工作考核。"})
    assert [f.message for f in findings_of(report, "N-oversight")] == ["人民政府的“监督保障”应报告评议、责任追究情况"]
    full = complete_report(
        organization("gov2", kind=Organization.Kind.GOVERNMENT),
        texts={"overview_oversight": "开展工作考核、社会评议，无责任追究情况。"},
    )
    assert findings_of(full, "N-oversight") == []
    assert findings_of(complete_report(organization("dept")), "N-oversight") == []


# ---- declared totals (an imported document's) and blanks ------------------------------------------------


def test_a_declared_total_above_the_filled_cells_may_be_explained_by_blanks(agency):
    from disclosure import actions

    report = actions.create_report(agency, 2021)
    actions.save_content(report, None, cells={key("granted", "natural_person"): Decimal(2)})
    total = key("results_total", "natural_person")
    assert [f for f in declared(report, {total: 5}) if f.rule == "T3-sum"] == []


def test_a_declared_total_below_the_filled_cells_is_wrong_whatever_the_blanks(agency):
    from disclosure import actions

    report = actions.create_report(agency, 2021)
    actions.save_content(report, None, cells={key("granted", "natural_person"): Decimal(2)})
    found = [f for f in declared(report, {key("results_total", "natural_person"): 1}) if f.rule == "T3-sum"]
    assert len(found) == 1
    assert found[0].message.startswith("自然人列：（七）总计为 1，但各项之和 （一）予以公开 2 + （二）部分公开")
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 空白" in found[0].message
    assert found[0].message.endswith("= 2，相差 1")


def test_a_declared_total_equal_to_the_filled_cells_with_blanks_passes(agency):
    from disclosure import actions

    report = actions.create_report(agency, 2021)
    actions.save_content(report, None, cells={key("granted", "natural_person"): Decimal(2)})
    assert [f for f in declared(report, {key("results_total", "natural_person"): 2}) if f.rule == "T3-sum"] == []


def test_a_declared_row_total_is_compared_with_the_applicant_columns(agency):
    report = complete_report(agency, cells={key("new", "natural_person"): 2, key("granted", "natural_person"): 2})
    assert [f for f in declared(report, {key("new", "total"): 2}) if f.rule == "T3-total"] == []
    found = [f for f in declared(report, {key("new", "total"): 3}) if f.rule == "T3-total"]
    assert [f.message for f in found] == ["一、本年新收政府信息公开申请数量：总计 3，但 自然人 2 = 2，相差 1"]
    assert found[0].cells[0] == key("new", "total")
    assert [f for f in declared(report, {key("new", "total"): 1}) if f.rule == "T3-total"] != []


def test_a_declared_litigation_total_with_blank_outcomes(agency):
    from disclosure import actions

    upheld = key("cases", "reconsideration_upheld", "litigation")
    total = key("cases", "reconsideration_total", "litigation")
    report = actions.create_report(agency, 2021)
    actions.save_content(report, None, cells={upheld: Decimal(3)})
    assert [f for f in declared(report, {total: 4}) if f.rule == "T4-sum"] == []
    assert [f.message for f in declared(report, {total: 2}) if f.rule == "T4-sum"] == [
        "行政复议：总计 2，但 结果维持 3 + 结果纠正 空白 + 其他结果 空白 + 尚未审结 空白 = 3，相差 1"
    ]


def test_a_stored_declared_total_is_a_finding_of_the_report(agency):
    report = complete_report(agency)
    report.declared_totals = {"litigation.cases.reconsideration_total": "1"}
    report.save()
    found = findings_of(report, "T4-sum")
    assert [f.message for f in found] == [
        "行政复议：总计 1，但 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 0，相差 1"
    ]


def test_a_declared_total_is_forgotten_once_its_cells_are_saved(agency):
    from disclosure import actions

    report = complete_report(agency)
    report.declared_totals = {
        "litigation.cases.reconsideration_total": "1",
        "litigation.cases.direct_suit_total": "1",
        "applications.results_total.total": "3",
    }
    report.save()
    # Changing an outcome of 行政复议 drops that block's declared total, not the others.
    actions_cells = {key("cases", "reconsideration_other", "litigation"): Decimal(0)}

    actions.save_content(report, None, cells=actions_cells)  # unchanged value: nothing saved, nothing dropped
    report.refresh_from_db()
    assert len(report.declared_totals) == 3
    actions.save_content(report, None, cells={key("cases", "reconsideration_other", "litigation"): Decimal(2)})
    report.refresh_from_db()
    assert report.declared_totals == {
        "litigation.cases.direct_suit_total": "1",
        "applications.results_total.total": "3",
    }
    # A leaf of the （七）总计 row's 总计 (a total of totals) counts as one of its cells.
    actions.save_content(report, None, cells={key("granted", "research_institution"): Decimal(1)})
    report.refresh_from_db()
    assert report.declared_totals == {"litigation.cases.direct_suit_total": "1"}


def test_a_declared_total_the_cells_come_to_agree_with_is_dropped_on_save(agency):
    from disclosure import actions

    report = complete_report(agency)
    report.declared_totals = {"litigation.cases.direct_suit_total": "2"}
    report.save()
    actions.save_content(report, None, texts={"problems": "改写。"})
    report.refresh_from_db()
    assert report.declared_totals == {"litigation.cases.direct_suit_total": "2"}
    # The cells change elsewhere... the total of 未经复议直接起诉 is only dropped through its own cells:
    actions.save_content(report, None, cells={key("cases", "direct_suit_upheld", "litigation"): Decimal(2)})
    report.refresh_from_db()
    assert report.declared_totals == {}
    assert findings_of(report, "T4-sum") == []


def test_mismatched_totals_keep_only_totals_that_differ():
    from disclosure.checks import mismatched_totals

    e = get_edition("2021")
    total, upheld = (
        key("cases", "reconsideration_total", "litigation"),
        key("cases", "reconsideration_upheld", "litigation"),
    )
    values = {total: Decimal(2), upheld: Decimal(2)}
    assert mismatched_totals(e, values, {total: Decimal(2)}) == {}
    assert mismatched_totals(e, values, {total: Decimal(3)}) == {str(total): "3"}
    assert mismatched_totals(e, values, {upheld: Decimal(3)}) == {}  # not a total: never declared


def test_findings_are_fingerprinted_by_their_numbers(agency):
    from disclosure.checks import Finding

    a = Finding("X-carry", "warning", "相差 1", (key("carried_in", "natural_person"),))
    b = Finding("X-carry", "warning", "相差 50", (key("carried_in", "natural_person"),))
    assert a.key == b.key == "X-carry:applications.carried_in.natural_person"
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == Finding("X-carry", "warning", "相差 1", a.cells).fingerprint
    assert len(a.fingerprint) == 32
    assert Finding("N-year", "warning", "m", section="preface").key == "N-year:preface"


def test_blank_findings_are_marked_incomplete(agency):
    from disclosure import actions

    found = check_report(actions.create_report(agency, 2021))
    assert {f.rule for f in found if f.incomplete} == {"blank"}
    assert all(f.blocking for f in found if f.incomplete)


def test_a_declared_total_that_agrees_is_dropped_at_the_next_save(agency):
    report = complete_report(agency)
    report.declared_totals = {"litigation.cases.direct_suit_total": "0", "litigation.cases.reconsideration_total": "5"}
    report.save()
    actions.save_content(report, None, texts={"problems": "改写。"})
    report.refresh_from_db()
    assert report.declared_totals == {"litigation.cases.reconsideration_total": "5"}
