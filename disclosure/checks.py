"""The consistency check (勾稽关系): report in, findings out.

Each rule of docs/official-format.md §6 is a small function over a ``CheckInput``; an edition lists the rule
ids that apply to it. A stored report's totals are derived, so its sum rules hold by construction — except
for the totals an imported document declared: those that disagreed with the document's own cells are kept
with the report (``AnnualReport.declared_totals``) and the sum rules compare each of them with the sum of
the cells it adds up, until the cells are corrected (see ``declared_totals_after_save``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .formats import NOT_APPLICABLE, CellKey
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
    incomplete: bool = False  # something not filled in yet, rather than a figure that is wrong

    @property
    def blocking(self):
        return self.severity == BLOCKING

    @property
    def key(self):
        """Where the finding is: the same while the numbers change, so an explanation can be found again."""
        where = ",".join(str(c) for c in self.cells) or self.section
        return f"{self.rule}:{where}"

    @property
    def fingerprint(self):
        """What the finding says, numbers included: an explanation covers the finding it was written for."""
        return hashlib.sha256(f"{self.key}\n{self.message}".encode()).hexdigest()[:32]

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
    declared: dict = field(default_factory=dict)  # total CellKey -> the value an imported document declared

    def total(self, key):
        """A total as the report states it: as declared where a document declared it, else as computed."""
        return self.declared.get(key, self.values.get(key))


@dataclass
class Rule:
    id: str
    name: str  # what the pages call the rule: its id is for the code and the docs only
    severity: str
    check: object
    incomplete: bool = False


def run_checks(report_input):
    findings = []
    for rule_id in report_input.edition.rules:
        r = RULES[rule_id]
        for message, cells, section in r.check(report_input):
            findings.append(Finding(r.id, r.severity, message, tuple(cells), section, r.incomplete))
    return findings


def severity_rank(finding):
    """Errors first (figures that are wrong), then what is not filled in yet, then warnings."""
    if not finding.blocking:
        return 2
    return 1 if finding.incomplete else 0


def by_severity(findings):
    """The findings as the workspace lists them: by ``severity_rank``, each kind in the rules' order."""
    return sorted(findings, key=severity_rank)


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
        declared=stored_declared_totals(report),
    )


def stored_declared_totals(report):
    return {CellKey(*key.split(".")): Decimal(value) for key, value in report.declared_totals.items()}


def mismatched_totals(edition, values, declared):
    """The declared totals that differ from the totals computed from ``values``, as stored on the report."""
    totals = edition.derivations()
    return {str(k): str(v) for k, v in declared.items() if k in totals and v != values.get(k)}


def declared_totals_after_save(report, changed_cells):
    """The declared totals that still stand after a save changed ``changed_cells`` (CellKey strings).

    A declared total stops mattering once a save changes any of the cells it adds up (the editor has then
    worked on those cells and sees the system's total beside them), or once the report's own total equals it.
    """
    derivations, values = report.format.derivations(), report.values()
    kept = {}
    for key, value in stored_declared_totals(report).items():
        touched = any(str(a) in changed_cells for a in _leaf_addends(derivations, key))
        if not touched and value != values.get(key):
            kept[str(key)] = str(value)
    return kept


def _leaf_addends(derivations, key):
    for addend in derivations.get(key, ()):
        if addend in derivations:
            yield from _leaf_addends(derivations, addend)
        else:
            yield addend


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
    """ "予以公开 3 + 部分公开 空白", leaving out zero terms when there are many (blank terms stay)."""
    terms = [(n, values[k]) for k, n in zip(keys, names, strict=True)]
    if len(terms) > 5:
        terms = [(n, v) for n, v in terms if v != 0] or terms[:1]
    return " + ".join(f"{n} {num(v)}" for n, v in terms)


# ---- rules ---------------------------------------------------------------------------------------


def check_blanks(data):
    """Blank cells and empty sections: filled in before submission (0 for none, "/" for not applicable)."""
    for table in data.edition.tables:
        blanks = [s for s in table.cells() if not s.derived and data.values.get(s.key) is None]
        if blanks:
            names = "、".join(s.label for s in blanks[:3])
            more = f"等 {len(blanks)} 个单元格" if len(blanks) > 3 else ""
            yield f"{table.label}：{names}{more}尚未填写", [s.key for s in blanks], ""
    for section in data.edition.text_sections():
        if not section.optional and not data.texts.get(section.code, "").strip():
            yield f"“{section.label}”尚未填写", [], section.code


def _declared_sums(data, table, pick=None):
    """Totals whose stated value differs from the sum of the cells they add up.

    A total is compared with the cells it adds up as the report holds them (a total among them as
    computed), so each wrong declared total is one finding. Blank cells count as blank: a stated total
    above the sum of the filled cells may yet be explained by the blanks (the blank rule asks for them);
    one below it cannot, since no cell is negative, and neither can any difference when nothing is blank.
    """
    for key, addends in table.derivations().items():
        stated = data.total(key)
        if (pick and not pick(key)) or not is_number(stated):
            continue
        filled = [data.values[a] for a in addends if is_number(data.values[a])]
        computed = sum(filled, Decimal(0))
        blanks = len(addends) - len(filled)
        if stated < computed or (stated > computed and not blanks):
            yield key, addends, stated, computed


def _applications(data):
    return data.edition.table_of_kind("applications")


def check_results_total(data):
    """表三每一列：（七）总计 = （一）至（六）各项之和"""
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


def check_balance(data):
    """表三每一列：第一项 + 第二项 = 第三项（七）总计 + 第四项"""
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


def check_row_totals(data):
    """表三每一行：总计 = 自然人 + 法人或其他组织各列"""
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


def check_litigation_totals(data):
    """表四每一部分：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"""
    table = data.edition.table_of_kind("litigation")
    for key, addends, declared, computed in _declared_sums(data, table):
        spec = data.edition.cell(key)
        names = [data.edition.cell(a).column_label for a in addends]
        yield (
            f"{' '.join(spec.column_path)}：{spec.column_label} {num(declared)}，"
            f"但 {addition(data.values, addends, names)}"
            f" = {num(computed)}，相差 {difference(declared, computed)}",
            [key, *addends],
            "",
        )


def check_carry_over(data):
    """本年“上年结转”应等于上年报告的“结转下年度继续办理”"""
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


def check_stock(data):
    """现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数 (editions whose table 二 has a stock)."""
    table = data.edition.table_of_kind("disclosure")
    group = table.stock_group()
    if data.previous is None or group is None:
        return
    stock = table.stock
    for row in group.rows:
        columns = (stock.made, stock.repealed, stock.in_force)
        spec = {c: data.edition.cell(CellKey(table.code, row.code, c)) for c in columns}
        made, repealed, in_force = (data.values.get(s.key) for s in spec.values())
        last = data.previous.values.get(spec[stock.in_force].key)
        if not all(is_number(v) for v in (last, made, repealed, in_force)):
            continue
        expected = last + made - repealed
        if expected != in_force:
            yield (
                f"{row.label}：{spec[stock.in_force].column_label} {num(in_force)}，但{data.previous.year}年"
                f" {num(last)} + {spec[stock.made].column_label} {num(made)} − {spec[stock.repealed].column_label}"
                f" {num(repealed)} = {num(expected)}，相差 {difference(expected, in_force)}",
                [spec[stock.in_force].key],
                "",
            )


INFORMATION_FEE = "信息处理费"


def check_fee_explained(data):
    """Part 六 must mention the 信息处理费 when fee notices were sent (docs/official-format.md §6).

    Fee notices were sent when the 2021 table 三 row （六）2.申请人逾期未按收费通知要求缴纳费用 totals more
    than 0; then 六 must name the 信息处理费 (saying whether and how much was charged). Words such as 经费 or
    免费 are no statement about it, and table 二's 行政事业性收费 (fees of the agency's own line of
    business) has nothing to do with it. Without fee notices (0, blank, or the 2019 edition, which has no
    such row) the rule says nothing, even when 六 is silent about the fee: most offices charge none, and the
    field's help text asks for the statement. A finding that every such report would carry would only teach
    people to explain warnings away.
    """
    table = _applications(data)
    key = table.key(table.fee_lapsed_row, table.total_column.code)  # no such cell (None) without the row
    notices = data.values.get(key)
    section = next(s for s in data.edition.text_sections() if s.code == data.edition.fee_section)
    if is_number(notices) and notices > 0 and INFORMATION_FEE not in data.texts.get(section.code, ""):
        row = table.row(table.fee_lapsed_row)
        yield (
            f"表三“{row.label}”总计为 {num(notices)}，说明发出过收费通知，"
            f"但“{section.label}”未说明{INFORMATION_FEE}的收取情况",
            [key],
            section.code,
        )


# "受理政府信息公开申请12件", "收到…申请共计 5 件", "新收…申请 3 件"
APPLICATIONS_IN_TEXT = re.compile(r"(?:收到|受理|新收)[^。；;，,\d]{0,30}?申请[^。；;，,\d]{0,6}?(\d+)\s*件")
NO_APPLICATIONS_IN_TEXT = re.compile(r"(?:没有|未)收到[^。；;]{0,30}?申请")


def check_text_numbers(data):
    """正文中引用的数字应与表格一致"""
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


def check_text_year(data):
    """总体情况中写到的年份应是报告年度"""
    for section in data.edition.part(data.edition.overview_part).sections:
        for year in YEAR_AT_START.findall(data.texts.get(section.code, "")):
            if int(year) < data.year:
                yield f"“{section.label}”写的是“{year}年”，本报告是{data.year}年度", [], section.code


GOVERNMENT_OVERSIGHT_TOPICS = ("考核", "评议", "责任追究")


def check_government_oversight(data):
    """人民政府的报告在“监督保障”中还应报告工作考核、社会评议和责任追究结果情况"""
    if not data.is_government:
        return
    code = data.edition.oversight_section
    text = data.texts.get(code, "")
    missing = [t for t in GOVERNMENT_OVERSIGHT_TOPICS if t not in text]
    if text.strip() and missing:
        yield f"人民政府的“监督保障”应报告{'、'.join(missing)}情况", [], code


# Every rule by id; an edition lists the ids that apply to it (Edition.rules). A plain table rather than a
# registering decorator, so the rule bodies stay ordinary functions (mutation testing reaches them).
RULES = {
    r.id: r
    for r in (
        Rule("blank", "未填写内容", BLOCKING, check_blanks, incomplete=True),
        Rule("T3-sum", "办理结果总计", BLOCKING, check_results_total),
        Rule("T3-balance", "申请数量平衡", BLOCKING, check_balance),
        Rule("T3-total", "申请人总计", BLOCKING, check_row_totals),
        Rule("T4-sum", "复议诉讼总计", BLOCKING, check_litigation_totals),
        Rule("X-carry", "上年结转", WARNING, check_carry_over),
        Rule("X-stock", "现行有效件数", WARNING, check_stock),
        Rule("N-fee", "信息处理费说明", WARNING, check_fee_explained),
        Rule("N-text", "正文数字与表格一致", WARNING, check_text_numbers),
        Rule("N-year", "正文年度", WARNING, check_text_year),
        Rule("N-oversight", "监督保障内容", WARNING, check_government_oversight),
    )
}


def rule_name(rule_id):
    """The Chinese name of a rule, for the pages (the id itself for a rule no longer known)."""
    rule = RULES.get(rule_id)
    return rule.name if rule else rule_id


__all__ = ["BLOCKING", "NOT_APPLICABLE", "WARNING", "Finding", "check_report", "run_checks"]
