"""The rules of checks.py run over a hand-built ``CheckInput``: the boundaries of each rule, where each
finding points, and the helpers the messages are built with.

No database (except where a stored report is the point): ``make mutation`` runs these against every
mutant of checks.py, and a rule body is only as pinned as the cases here and in test_checks.py.
"""

from decimal import Decimal

import pytest

from disclosure.checks import (
    BLOCKING,
    WARNING,
    CheckInput,
    Finding,
    addition,
    has_blocking,
    input_for,
    run_checks,
)
from disclosure.formats import NOT_APPLICABLE, CellKey, get_edition
from disclosure.formats.values import derive

from .factories import COMPLETE_TEXTS, complete_report, organization

A, L, P = "applications", "litigation", "proactive"
E2019, E2021 = get_edition("2019"), get_edition("2021")


def key(row, column, table=A):
    return CellKey(table, row, column)


def check_input(edition=E2021, year=2021, cells=None, texts=None, **kwargs):
    """Every entered cell 0 (or as given; None is blank), every section written (or as given)."""
    entered = {spec.key: Decimal(0) for spec in edition.entered_cells()}
    assert set(cells or {}) <= set(entered), "not an entered cell of the edition"
    entered.update({k: Decimal(v) if isinstance(v, int) else v for k, v in (cells or {}).items()})
    texts = {**COMPLETE_TEXTS, **(texts or {})} if texts is not None else dict(COMPLETE_TEXTS)
    return CheckInput(edition=edition, year=year, values=derive(edition, entered), texts=texts, **kwargs)


def found(data, rule_id):
    return [f for f in run_checks(data) if f.rule == rule_id]


def test_a_complete_zero_input_passes_every_rule_of_both_editions():
    assert run_checks(check_input()) == []
    assert run_checks(check_input(E2019, 2020)) == []


# ---- blank ------------------------------------------------------------------------------------------------


def blanks_of(cells):
    return {k: None for k in cells}


NEW = [key("new", c) for c in ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org")]


def test_three_blank_cells_are_named_all():
    [finding] = found(check_input(cells=blanks_of(NEW[:3])), "blank")
    assert finding.message == (
        "三、收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量 自然人、"
        "一、本年新收政府信息公开申请数量 商业企业、一、本年新收政府信息公开申请数量 科研机构尚未填写"
    )
    assert (finding.cells, finding.section) == (tuple(NEW[:3]), "")
    assert finding.blocking and finding.incomplete


def test_four_blank_cells_name_three_and_count_all():
    [finding] = found(check_input(cells=blanks_of(NEW)), "blank")
    assert finding.message == (
        "三、收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量 自然人、"
        "一、本年新收政府信息公开申请数量 商业企业、一、本年新收政府信息公开申请数量 科研机构"
        "等 4 个单元格尚未填写"
    )
    assert finding.cells == tuple(NEW)


def test_a_section_missing_from_the_texts_is_unfilled_and_an_optional_one_is_not():
    data = check_input()
    del data.texts["problems"]
    assert [(f.message, f.cells, f.section) for f in found(data, "blank")] == [
        ("“五、存在的主要问题及改进情况”尚未填写", (), "problems")
    ]
    assert found(check_input(texts={"problems": " \u3000\n"}), "blank") != []
    assert "preface" not in COMPLETE_TEXTS and found(check_input(), "blank") == []


# ---- sum rules: which totals each compares, and blanks ----------------------------------------------------


def rules_firing(declared):
    data = check_input(declared={k: Decimal(v) for k, v in declared.items()})
    return sorted((f.rule, f.cells[0], f.section) for f in run_checks(data))


def test_each_declared_application_total_is_compared_by_exactly_one_rule():
    assert rules_firing({key("results_total", "natural_person"): 1}) == [
        ("T3-sum", key("results_total", "natural_person"), "")
    ]
    assert rules_firing({key("new", "total"): 1}) == [("T3-total", key("new", "total"), "")]
    assert rules_firing({key("results_total", "total"): 1}) == [("T3-total", key("results_total", "total"), "")]


def test_a_declared_litigation_total_is_a_t4_finding_without_a_section():
    total = key("cases", "direct_suit_total", L)
    assert rules_firing({total: 1}) == [("T4-sum", total, "")]
    [finding] = found(check_input(declared={total: Decimal(1)}), "T4-sum")
    assert finding.message == (
        "行政诉讼 未经复议直接起诉：总计 1，但 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 0，相差 1"
    )


def test_a_total_not_declared_is_read_from_the_values():
    data = check_input()
    total = key("new", "total")
    data.values[total] = Decimal(9)  # a total the cells do not add up to, as no stored report has
    assert data.total(total) == Decimal(9)
    assert [f.rule for f in run_checks(data)] == ["T3-balance", "T3-total"]
    data.declared = {total: Decimal(0)}
    assert data.total(total) == Decimal(0)


def test_a_row_total_whose_cells_are_all_zero_names_one_of_them():
    [finding] = found(check_input(declared={key("new", "total"): Decimal(1)}), "T3-total")
    assert finding.message == "一、本年新收政府信息公开申请数量：总计 1，但 自然人 0 = 0，相差 1"


def test_a_declared_total_over_blank_cells_only_stands():
    cells = blanks_of(key("cases", f"reconsideration_{c}", L) for c in ("upheld", "corrected", "other", "pending"))
    data = check_input(cells=cells, declared={key("cases", "reconsideration_total", L): Decimal(4)})
    assert found(data, "T4-sum") == []


# ---- the message helpers ----------------------------------------------------------------------------------


def test_addition_leaves_out_zero_terms_only_beyond_five():
    values = {n: Decimal(v) for n, v in zip("abcdef", (1, 0, 2, 0, 3, 0), strict=True)}
    assert addition(values, "abcde", "ABCDE") == "A 1 + B 0 + C 2 + D 0 + E 3"
    assert addition(values, "abcdef", "ABCDEF") == "A 1 + C 2 + E 3"
    zeros = dict.fromkeys("abcdef", Decimal(0))
    assert addition(zeros, "abcdef", "ABCDEF") == "A 0"


def test_has_blocking_is_any_blocking_finding():
    warning, error = Finding("X-carry", WARNING, "w"), Finding("T3-sum", BLOCKING, "e")
    assert (has_blocking([]), has_blocking([warning]), has_blocking([warning, error])) == (False, False, True)


def test_a_finding_as_a_dict():
    finding = Finding("N-fee", WARNING, "说明", (key("new", "total"),), "other_matters")
    assert finding.as_dict() == {
        "rule": "N-fee",
        "severity": "warning",
        "cells": ["applications.new.total"],
        "section": "other_matters",
        "message": "说明",
    }


# ---- T3-balance -------------------------------------------------------------------------------------------


def test_the_balance_of_a_column_with_blanks_waits_but_later_columns_are_checked():
    cells = {key("new", "natural_person"): None, key("new", "commercial_enterprise"): 1}
    found_ = found(check_input(cells=cells), "T3-balance")
    assert [f.message.split("：")[0] for f in found_] == ["商业企业列", "总计列"]
    assert all(f.section == "" for f in found_)


# ---- X-carry and X-stock: against last year -------------------------------------------------------------


def test_carry_over_findings_point_at_this_years_cell_only():
    previous = check_input(cells={key("new", "natural_person"): 2, key("carried_forward", "natural_person"): 2})
    data = check_input(year=2022, previous=previous)
    [finding] = found(data, "X-carry")
    assert (finding.cells, finding.section, finding.blocking) == ((key("carried_in", "natural_person"),), "", False)
    assert finding.message == "自然人列：本年上年结转 0，但2021年报告结转下年度 2，相差 2"


def test_stock_skips_a_row_not_applicable_and_checks_the_next():
    made, in_force = key("rules", "made", P), key("rules", "in_force", P)
    docs = key("normative_documents", "in_force", P)
    previous = check_input(cells={docs: 5, in_force: 1})
    data = check_input(year=2022, previous=previous, cells={made: NOT_APPLICABLE, in_force: 3})
    [finding] = found(data, "X-stock")
    assert (finding.cells, finding.section) == ((docs,), "")
    assert finding.message.startswith("行政规范性文件：现行有效件数 0，但2021年 5 + ")
    assert finding.message.endswith("= 5，相差 5")


def test_the_2019_edition_has_no_stock_rule():
    previous = check_input(E2019, 2019, cells={key("rules", "published_total", P): 5})
    assert "X-stock" not in E2019.rules
    assert run_checks(check_input(E2019, 2020, previous=previous)) == []


# ---- narrative rules with a section missing from the texts ------------------------------------------------


FEE_NOTICES = {key("other_no_fee", "natural_person"): 1, key("new", "natural_person"): 1}


def test_fee_notices_with_part_six_missing_from_the_texts():
    data = check_input(cells=FEE_NOTICES)
    del data.texts["other_matters"]
    assert [(f.rule, f.section) for f in found(data, "N-fee")] == [("N-fee", "other_matters")]


def test_a_government_with_no_oversight_text_gets_only_the_blank_finding():
    data = check_input(is_government=True)
    del data.texts["overview_oversight"]
    assert [f.rule for f in run_checks(data)] == ["blank"]
    data.texts["overview_oversight"] = "开展考核、评议和责任追究。"
    assert run_checks(data) == []
    data.texts["overview_oversight"] = "开展考核。"
    assert [f.message for f in run_checks(data)] == ["人民政府的“监督保障”应报告评议、责任追究情况"]
    data.is_government = False
    assert run_checks(data) == []


def test_a_year_rule_with_an_overview_section_missing_from_the_texts():
    data = check_input()
    del data.texts["overview_platform"]
    assert [f.rule for f in run_checks(data)] == ["blank"]
    data.texts["overview_proactive"] = "2020年，主动公开。"
    assert [f.rule for f in run_checks(data)] == ["blank", "N-year"]


# ---- a stored report ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_input_for_reads_last_years_report_only_when_asked():
    org = organization()
    complete_report(org, 2021)
    report = complete_report(org, 2022)
    assert input_for(report).previous is None
    assert input_for(report, with_previous=True).previous.year == 2021


def test_a_findings_key_lists_its_cells_or_else_names_its_section():
    # Stored with each warning's explanation (WarningExplanation.finding_key): changing it orphans them.
    cells = (key("results_total", "natural_person"), key("granted", "natural_person"))
    assert Finding("T3-sum", BLOCKING, "m", cells, "problems").key == (
        "T3-sum:applications.results_total.natural_person,applications.granted.natural_person"
    )
    assert Finding("blank", BLOCKING, "m", (), "problems").key == "blank:problems"
