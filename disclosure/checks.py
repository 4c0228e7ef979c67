"""The consistency check (勾稽关系): report in, findings out.

Each rule of docs/official-format.md §6 is a small function over a ``CheckInput``; an edition lists the rule ids
that apply to it. The same rules run on a stored report (whose totals are derived, so the sum rules hold by
construction) and on an imported document (whose totals are as declared, so the sum rules catch the
errors people make in Word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .formats import NOT_APPLICABLE, CellKind
from .formats.values import format_value

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple = ()  # CellKeys involved
    section: str = ""  # a narrative field involved, if any

    @property
    def blocking(self):
        return self.severity == BLOCKING

    @property
    def key(self):
        """Stable identity of the finding, so that a written explanation stays attached to it."""
        where = ",".join(str(c) for c in self.cells) or self.section
        return f"{self.rule}:{where}"

    def as_dict(self):
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cells": [str(c) for c in self.cells],
            "section": self.section,
            "message": self.message,
        }


@dataclass
class CheckInput:
    edition: object
    year: int
    values: dict  # every cell, totals included
    texts: dict  # narrative field code -> text
    is_government: bool = False
    previous: CheckInput | None = None  # the same organization's report for year - 1


@dataclass
class Rule:
    id: str
    severity: str
    check: object
    description: str = ""


RULES = {}


def rule(rule_id, severity, description):
    def register(func):
        RULES[rule_id] = Rule(rule_id, severity, func, description)
        return func

    return register


def run_checks(report_input):
    findings = []
    for rule_id in report_input.edition.rules:
        r = RULES[rule_id]
        for message, cells, section in r.check(report_input):
            findings.append(Finding(r.id, r.severity, message, tuple(cells), section))
    return findings


def check_report(report):
    """The findings for a stored report, against its previous year's report where there is one."""
    return run_checks(input_for(report, with_previous=True))


def input_for(report, with_previous=False):
    previous = report.previous() if with_previous else None
    return CheckInput(
        edition=report.format,
        year=report.year,
        values=report.values(),
        texts=report.texts(),
        is_government=report.organization.kind == report.organization.Kind.GOVERNMENT,
        previous=input_for(previous) if previous else None,
    )


def has_blocking(findings):
    return any(f.blocking for f in findings)


# ---- helpers for messages -------------------------------------------------------------------------


def num(value):
    return format_value(value) if value is not None else "空白"


def is_number(value):
    return isinstance(value, Decimal)


def all_numbers(values, keys):
    return all(is_number(values[k]) for k in keys)


def difference(a, b):
    return format_value(abs(a - b))


def addition(values, keys, names):
    """ "予以公开 3 + 部分公开 1", leaving out zero terms when there are many."""
    terms = [(n, values[k]) for k, n in zip(keys, names, strict=True)]
    if len(terms) > 5:
        terms = [(n, v) for n, v in terms if v] or terms[:1]
    return " + ".join(f"{n} {num(v)}" for n, v in terms)


# ---- rules ---------------------------------------------------------------------------------------


OPTIONAL_SECTIONS = {"preface", "overview_summary"}


@rule("blank", BLOCKING, "空白单元格和空白章节：提交前须填写（没有数据填 0，不适用填“/”）")
def check_blanks(data):
    for table in data.edition.tables:
        blanks = [s for s in table.cells() if not s.derived and data.values.get(s.key) is None]
        if blanks:
            names = "、".join(s.label for s in blanks[:3])
            more = f"等 {len(blanks)} 个单元格" if len(blanks) > 3 else ""
            yield f"{table.label}：{names}{more}尚未填写", [s.key for s in blanks], ""
    for section in data.edition.text_sections():
        if section.code not in OPTIONAL_SECTIONS and not data.texts.get(section.code, "").strip():
            yield f"“{section.label}”尚未填写", [], section.code


def _declared_sums(data, table, pick):
    """Derived cells whose declared value differs from the sum of their addends."""
    for key, addends in table.derivations().items():
        if not pick(key) or not all_numbers(data.values, (key, *addends)):
            continue
        declared = data.values[key]
        computed = sum((data.values[a] for a in addends), Decimal(0))
        if declared != computed:
            yield key, addends, declared, computed


def _applications(data):
    return data.edition.table_of_kind("applications")


@rule("T3-sum", BLOCKING, "表三每一列：（七）总计 = （一）至（六）各项之和")
def check_results_total(data):
    table = _applications(data)
    total_row = table.row(table.results_total_row)
    for key, addends, declared, computed in _declared_sums(
        data, table, lambda k: k.row == table.results_total_row and k.column != table.total_column.code
    ):
        column = data.edition.cell(key).column_label
        names = [data.edition.cell(a).row_label for a in addends]
        yield (
            f"{column}列：{total_row.label}为 {num(declared)}，但各项之和 {addition(data.values, addends, names)}"
            f" = {num(computed)}，相差 {difference(declared, computed)}",
            [key, *addends],
            "",
        )


@rule("T3-balance", BLOCKING, "表三每一列：第一项 + 第二项 = 第三项（七）总计 + 第四项")
def check_balance(data):
    table = _applications(data)
    new, carried_in = table.row(table.new_row), table.row(table.carried_in_row)
    results, carried_forward = table.row(table.results_total_row), table.row(table.carried_forward_row)
    for column in table.columns:
        k = {row.code: table.key(row.code, column.code) for row in (new, carried_in, results, carried_forward)}
        if not all_numbers(data.values, k.values()):
            continue
        v = {code: data.values[key] for code, key in k.items()}
        received = v[new.code] + v[carried_in.code]
        handled = v[results.code] + v[carried_forward.code]
        if received != handled:
            yield (
                f"{column.label}列：{new.name} {num(v[new.code])} + {carried_in.name} {num(v[carried_in.code])}"
                f" = {num(received)}，但{results.name} {num(v[results.code])} + {carried_forward.name}"
                f" {num(v[carried_forward.code])} = {num(handled)}，相差 {difference(received, handled)}",
                list(k.values()),
                "",
            )


@rule("T3-total", BLOCKING, "表三每一行：总计 = 自然人 + 法人或其他组织各列")
def check_row_totals(data):
    table = _applications(data)
    total = table.total_column
    for key, addends, declared, computed in _declared_sums(data, table, lambda k: k.column == total.code):
        spec = data.edition.cell(key)
        names = [data.edition.cell(a).column_label for a in addends]
        yield (
            f"{spec.row_label}：{total.label} {num(declared)}，但 {addition(data.values, addends, names)}"
            f" = {num(computed)}，相差 {difference(declared, computed)}",
            [key, *addends],
            "",
        )


@rule("T4-sum", BLOCKING, "表四每一部分：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结")
def check_litigation_totals(data):
    table = data.edition.table_of_kind("litigation")
    for key, addends, declared, computed in _declared_sums(data, table, lambda k: True):
        spec = data.edition.cell(key)
        names = [data.edition.cell(a).column_label for a in addends]
        yield (
            f"{' '.join(spec.column_path)}：{spec.column_label} {num(declared)}，"
            f"但 {addition(data.values, addends, names)}"
            f" = {num(computed)}，相差 {difference(declared, computed)}",
            [key, *addends],
            "",
        )


@rule("X-carry", WARNING, "本年“上年结转”应等于上年报告的“结转下年度继续办理”")
def check_carry_over(data):
    if data.previous is None:
        return
    table, last = _applications(data), _applications(data.previous)
    carried_in, carried_forward = table.row(table.carried_in_row), last.row(last.carried_forward_row)
    for column in table.applicant_columns:
        key = table.key(carried_in.code, column.code)
        before = data.previous.values.get(last.key(carried_forward.code, column.code))
        now = data.values.get(key)
        if is_number(before) and is_number(now) and before != now:
            yield (
                f"{column.label}列：本年{carried_in.name} {num(now)}，但{data.previous.year}年报告"
                f"{carried_forward.name} {num(before)}，相差 {difference(now, before)}",
                [key],
                "",
            )


# The columns of table 二 that the stock rule reads (2021 edition codes).
STOCK_COLUMNS = ("made", "repealed", "in_force")


@rule("X-stock", WARNING, "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数")
def check_stock(data):
    if data.previous is None:
        return
    table = data.edition.table_of_kind("disclosure")
    group = next((g for g in table.groups if {c.code for c in g.columns} >= set(STOCK_COLUMNS)), None)
    if group is None:
        return
    for row in group.rows:
        key = {c: data.edition.cell((table.code, row.code, c)) for c in STOCK_COLUMNS}
        last = data.previous.values.get((table.code, row.code, "in_force"))
        now = {c: data.values.get(spec.key) for c, spec in key.items()}
        if not (is_number(last) and all(is_number(v) for v in now.values())):
            continue
        expected = last + now["made"] - now["repealed"]
        if expected != now["in_force"]:
            yield (
                f"{row.label}：{key['in_force'].column_label} {num(now['in_force'])}，但{data.previous.year}年"
                f" {num(last)} + {key['made'].column_label} {num(now['made'])} − {key['repealed'].column_label}"
                f" {num(now['repealed'])} = {num(expected)}，相差 {difference(expected, now['in_force'])}",
                [key["in_force"].key],
                "",
            )


@rule("N-fee", WARNING, "收取了费用（行政事业性收费金额大于 0）的，应在“六、其他需要报告的事项”中说明")
def check_fee_explained(data):
    other = data.texts.get("other_matters", "")
    for spec in data.edition.cell_specs():
        value = data.values.get(spec.key)
        if spec.kind is CellKind.MONEY and "收费" in spec.column_label + spec.row_label:
            if is_number(value) and value > 0 and "费" not in other:
                yield (
                    f"{spec.label}为 {num(value)}，但“六、其他需要报告的事项”未说明收费情况",
                    [spec.key],
                    "other_matters",
                )


# "受理政府信息公开申请12件", "收到…申请共计 5 件", "新收…申请 3 件"
APPLICATIONS_IN_TEXT = re.compile(r"(?:收到|受理|新收)[^。；;，,\d]{0,30}?申请[^。；;，,\d]{0,6}?(\d+)\s*件")
NO_APPLICATIONS_IN_TEXT = re.compile(r"(?:没有|未)收到[^。；;]{0,30}?申请")


@rule("N-text", WARNING, "正文中引用的数字应与表格一致")
def check_text_numbers(data):
    table = _applications(data)
    key = table.key(table.new_row, table.total_column.code)
    received = data.values.get(key)
    if not is_number(received):
        return
    new = table.row(table.new_row)
    for code, text in data.texts.items():
        quoted = [Decimal(m) for m in APPLICATIONS_IN_TEXT.findall(text)]
        if NO_APPLICATIONS_IN_TEXT.search(text):
            quoted.append(Decimal(0))
        for q in quoted:
            if q != received:
                yield (
                    f"正文提到收到申请 {num(q)} 件，但表三“{new.label}”总计为 {num(received)}",
                    [key],
                    code,
                )


YEAR_AT_START = re.compile(r"(?:^|[。\n])\s*((?:19|20)\d\d)年[，,]")


@rule("N-year", WARNING, "总体情况中写到的年份应是报告年度")
def check_text_year(data):
    for section in data.edition.part("overview").sections:
        for year in YEAR_AT_START.findall(data.texts.get(section.code, "")):
            if int(year) < data.year:
                yield f"“{section.label}”写的是“{year}年”，本报告是{data.year}年度", [], section.code


GOVERNMENT_OVERSIGHT_TOPICS = ("考核", "评议", "责任追究")


@rule("N-oversight", WARNING, "人民政府的报告在“监督保障”中还应报告工作考核、社会评议和责任追究结果情况")
def check_government_oversight(data):
    if not data.is_government:
        return
    text = data.texts.get("overview_oversight", "")
    missing = [t for t in GOVERNMENT_OVERSIGHT_TOPICS if t not in text]
    if text.strip() and missing:
        yield f"人民政府的“监督保障”应报告{'、'.join(missing)}情况", [], "overview_oversight"


__all__ = ["BLOCKING", "NOT_APPLICABLE", "WARNING", "Finding", "check_report", "run_checks"]
