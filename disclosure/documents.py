"""The JSON document of a report: what ``export_report`` writes, ``import_report`` reads and the public
``.json`` serves. Self-describing: every part, row and column carries its official label beside its code.
"""

import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import actions
from .checks import check_report, mismatched_totals, stored_declared_totals
from .formats import CellKey, UnknownEdition, get_edition
from .formats.values import CellValueError, derive, parse_cell, to_json_value
from .models import AnnualReport, Organization, ReportEvent

SCHEMA = "gov-info-disclosure-annual-report/1"


# ---- export ---------------------------------------------------------------------------------------


def export_document(report, findings=None):
    edition = report.format
    values = report.values()
    texts = report.texts()
    org = report.organization
    if findings is None:
        findings = check_report(report)
    return {
        "schema": SCHEMA,
        "title": report.title,
        "edition": {"code": edition.code, "name": edition.name, "document": edition.document},
        "organization": {
            "slug": org.slug,
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind,
            "kind_label": org.get_kind_display(),
            "parent": org.parent.slug if org.parent else None,
        },
        "year": report.year,
        "version": report.version,
        "status": report.status,
        "status_label": report.get_status_display(),
        "correction_note": report.correction_note,
        "preface": _section(edition.preface, texts),
        "parts": [_part(part, number, texts, values) for number, part in enumerate(edition.parts, 1)],
        "findings": [f.as_dict() for f in findings],
    }


def _section(section, texts):
    return {"code": section.code, "label": section.label, "text": texts[section.code]}


def _part(part, number, texts, values):
    out = {"number": number, "code": part.code, "label": part.label}
    if part.is_table:
        out["rows"] = table_rows(part.table, values)
    else:
        out["sections"] = [_section(s, texts) for s in part.sections]
    return out


def table_rows(table, values):
    """The table as rows of cells, in the official order, each with its labels."""
    rows = {}
    for spec in table.cells():
        row = rows.setdefault(
            spec.key.row, {"code": spec.key.row, "label": spec.row_label, "path": list(spec.row_path), "cells": []}
        )
        cell = {"column": spec.key.column, "label": spec.column_label, "path": list(spec.column_path)}
        cell["value"] = to_json_value(values.get(spec.key))
        if spec.derived:
            cell["derived"] = True
        row["cells"].append(cell)
    return list(rows.values())


def dumps(document):
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ---- import ---------------------------------------------------------------------------------------


class DocumentError(Exception):
    """The document can't be imported; ``errors`` say where and why, in Chinese."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


def loads(text):
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise DocumentError([f"第 {e.lineno} 行第 {e.colno} 列：不是有效的 JSON（{e.msg}）"]) from None
    except RecursionError:
        raise DocumentError(["文件：嵌套层次过深，不是年度报告文档"]) from None
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits (int_max_str_digits).
        raise DocumentError(["文件：含有位数过多的整数，不是年度报告文档"]) from None
    errors = [f"{where}：{problem}" for where, problem in _unstorable_strings(document)]
    if errors:
        raise DocumentError(errors)
    return document


def _unstorable_strings(document):
    """Strings the database cannot store: the NUL character, and lone surrogates (not UTF-8 at all)."""
    stack = [("文件", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for name, item in value.items():
                stack.append((f"{where} › {_printable(name)}", item))
                stack.append((where, name))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str):
            if "\x00" in value:
                yield where, "含有空字符（\\u0000）"
            elif _has_lone_surrogate(value):
                yield where, "含有无效的 Unicode 字符（单独的代理码位）"


def _has_lone_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(name):
    return name.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


class _Reader:
    """Walks a document, collecting every error with the place it was found."""

    def __init__(self):
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}：{message}")

    def get(self, obj, name, kind, where):
        if not isinstance(obj, dict):
            self.error(where, "应为对象")
            return None
        if name not in obj:
            self.error(where, f"缺少“{name}”")
            return None
        value = obj[name]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.error(f"{where} › {name}", f"类型不对（应为{_KIND_NAMES.get(kind, kind)}）")
            return None
        return value

    def label(self, obj, expected, where):
        actual = obj.get("label") if isinstance(obj, dict) else None
        if actual != expected:
            self.error(where, f"标签“{actual}”与官方格式“{expected}”不符")


_KIND_NAMES = {str: "文字", int: "整数", list: "列表", dict: "对象"}


def read_document(document):
    """Validate a document against its edition; return (organization, year, texts, cells) or raise."""
    r = _Reader()
    if not isinstance(document, dict):
        raise DocumentError(["文件：应为 JSON 对象"])
    if document.get("schema") != SCHEMA:
        r.error("schema", f"应为“{SCHEMA}”")
    organization = _read_organization(r, document)
    year = _read_year(r, document)
    edition = _read_edition(r, document, year)
    if edition is None:
        raise DocumentError(r.errors)
    texts, cells = _read_content(r, document, edition)
    if r.errors:
        raise DocumentError(r.errors)
    return organization, year, edition, texts, cells


def _read_year(r, document):
    """The report year; a year that has not begun yet is refused, as the workspace refuses to start it."""
    year = r.get(document, "year", int, "文件")
    if year is not None and year > timezone.localdate().year:
        r.error("文件 › year", f"{year}年尚未开始，不能导入该年度的报告")
        return None
    return year


def _read_organization(r, document):
    org = r.get(document, "organization", dict, "文件")
    slug = r.get(org, "slug", str, "organization") if org else None
    if slug is None:
        return None
    found = Organization.objects.filter(slug=slug).first()
    if found is None:
        r.error("organization › slug", f"系统中没有网址标识为“{slug}”的机关")
    return found


def _read_edition(r, document, year):
    info = r.get(document, "edition", dict, "文件")
    code = r.get(info, "code", str, "edition") if info else None
    if code is None:
        return None
    try:
        edition = get_edition(code)
    except UnknownEdition as e:
        r.error("edition › code", str(e))
        return None
    if year is not None and not edition.covers(year):
        r.error("edition › code", f"{year}年度的报告不适用“{edition.name}”格式")
    return edition


def _read_content(r, document, edition):
    texts, cells = {}, {}
    preface = r.get(document, "preface", dict, "文件")
    if preface is not None:
        _read_section(r, preface, edition.preface, "preface", texts)
    parts = r.get(document, "parts", list, "文件")
    if parts is None:
        return texts, cells
    if len(parts) != len(edition.parts):
        r.error("parts", f"应有 {len(edition.parts)} 个部分，文件中有 {len(parts)} 个")
        return texts, cells
    for index, (part, spec) in enumerate(zip(parts, edition.parts, strict=True)):
        where = f"parts[{index}]（{spec.label}）"
        r.label(part, spec.label, where)
        if spec.is_table:
            _read_table(r, part, spec.table, edition, where, cells)
        else:
            sections = r.get(part, "sections", list, where) or []
            if len(sections) != len(spec.sections):
                r.error(where, f"应有 {len(spec.sections)} 节，文件中有 {len(sections)} 节")
                continue
            for i, (section, section_spec) in enumerate(zip(sections, spec.sections, strict=True)):
                _read_section(r, section, section_spec, f"{where} › sections[{i}]", texts)
    return texts, cells


def _read_section(r, obj, spec, where, texts):
    r.label(obj, spec.label, where)
    text = r.get(obj, "text", str, where)
    if text is not None and len(text) > spec.max_length:
        r.error(where, f"“{spec.label}”太长：最多 {spec.max_length} 字，现为 {len(text)} 字")
    elif text is not None:
        texts[spec.code] = text


def _read_table(r, part, table, edition, where, cells):
    rows = r.get(part, "rows", list, where)
    if rows is None:
        return
    if not rows:
        r.error(f"{where} › rows", "表格没有任何行（没有数据的单元格应填 0）")
    for i, row in enumerate(rows):
        row_where = f"{where} › rows[{i}]"
        row_code = r.get(row, "code", str, row_where)
        row_cells = r.get(row, "cells", list, row_where)
        if row_code is None or row_cells is None:
            continue
        for j, cell in enumerate(row_cells):
            _read_cell(r, cell, table, row_code, row, edition, f"{row_where} › cells[{j}]", cells)


def _read_cell(r, cell, table, row_code, row, edition, where, cells):
    column = r.get(cell, "column", str, where)
    if column is None:
        return
    spec = edition.cell(CellKey(table.code, row_code, column))
    if spec is None:
        r.error(where, f"表中没有行“{row_code}”、列“{column}”")
        return
    place = f"{where}（{spec.label}）"
    r.label(row, spec.row_label, f"{place} 行")
    r.label(cell, spec.column_label, f"{place} 列")
    if "value" not in cell:
        r.error(place, "缺少“value”")
        return
    try:
        value = parse_cell(spec, cell["value"])
    except CellValueError as e:
        r.error(place, str(e))
        return
    if spec.key in cells and cells[spec.key] != value:
        r.error(place, "同一单元格在文件中出现两次，数值不同")
        return
    cells[spec.key] = value


@transaction.atomic
def import_document(document, actor=None):
    """Create or update the draft from a document. Returns (report, created, changes, findings).

    Totals in the document are not stored as cells (they are derived). Those that disagree with the
    document's own cells are kept with the report as its declared totals, replacing any kept from an
    earlier import, and stay findings of the report until its cells are corrected (checks.py). ``changes``
    lists the changed texts and cells, then the declared totals that changed; empty means nothing changed.
    The findings are the stored report's, as ``check_report`` gives them.
    """
    organization, year, edition, texts, cells = read_document(document)
    entered = {spec.key: cells.get(spec.key) for spec in edition.entered_cells()}
    declared = {key: v for key, v in cells.items() if edition.cell(key).derived and isinstance(v, Decimal)}
    mismatched = mismatched_totals(edition, derive(edition, entered), declared)
    report = AnnualReport.objects.filter(organization=organization, year=year).first()
    created = report is None
    if created:
        report = actions.create_report(organization, year, actor)
    if not created and report.status != AnnualReport.Status.DRAFT:
        if _same_content(report, texts, entered, mismatched):
            return report, False, [], check_report(report)
        raise DocumentError([f"{report.title}当前状态为“{report.get_status_display()}”，只能导入到草稿"])
    report, changes = actions.save_content(report, actor, texts=texts, cells=entered, action=ReportEvent.Action.IMPORT)
    changes = changes + _declared_changes(report, edition, mismatched)
    report.declared_totals = mismatched
    report.save(update_fields=["declared_totals"])
    return report, created, changes, check_report(report)


def _same_content(report, texts, entered, mismatched):
    same_texts = report.texts() == {**report.texts(), **texts}
    same_cells = report.entered_values() == {k: v for k, v in entered.items() if v is not None}
    return same_texts and same_cells and report.declared_totals == mismatched


def _declared_changes(report, edition, mismatched):
    """The declared totals the import adds or drops, as changes (``before``/``after`` as declared)."""
    before = {str(k): str(v) for k, v in stored_declared_totals(report).items()}
    changed = sorted(set(before.items()) ^ set(mismatched.items()))
    return [
        {
            "field": f"declared:{key}",
            "label": f"{edition.cell(CellKey(*key.split('.'))).label}（文件声明的合计）",
            "before": before.get(key, ""),
            "after": mismatched.get(key, ""),
        }
        for key in dict(changed)
    ]
