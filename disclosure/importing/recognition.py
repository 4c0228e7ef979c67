"""Recognising a published report in a ``Source``: title, organization and year, edition, the narrative
parts by their headings and the three tables by their official labels (docs/official-format.md).

Every cell of the edition gets a status: ``matched`` (its row and column labels were found and its value
read), ``doubtful`` (placed by position or by a loose label, or a value the cell can't take) or
``not_found``. Blanks, "—" and "-" stay blank; "无" is read as 0 and noted.
"""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..formats import EDITIONS, NOT_APPLICABLE, UnknownEdition, edition_for_year
from ..formats.values import NUMBER, CellValueError, parse_cell, to_json_value
from .grid import expand_with_origins
from .readers import ImportRefused, Table
from .text import key, numbering, squeeze

MATCHED, DOUBTFUL, NOT_FOUND = "matched", "doubtful", "not_found"
STATUS_LABELS = {MATCHED: "已识别", DOUBTFUL: "存疑", NOT_FOUND: "未找到"}

_BLANKS = {"", "—", "——", "-", "--", "–", "－", "…", "……"}
_NONE = "无"
_HEADING_MAX = 40
NOT_A_REPORT = "未识别出政府信息公开工作年度报告：没有找到报告标题、各部分标题或表格"


@dataclass
class CellResult:
    status: str
    source: str = ""
    note: str = ""


@dataclass
class Recognition:
    title: str
    organization_name: str
    year: int | None
    edition: object
    texts: dict
    values: dict  # CellKey -> Decimal | "/" | None
    cells: dict  # CellKey -> CellResult
    unmatched_labels: list
    notes: list
    published: str = ""
    kind: str = ""
    found_parts: list = field(default_factory=list)
    signed: str = ""  # the date under the signature at the end, as written (2021年1月20日)
    title_year: int | None = None  # the year the title names, whatever year the recognition was asked for

    def count(self, status):
        return sum(1 for r in self.cells.values() if r.status == status)

    @property
    def total(self):
        return len(self.cells)

    def summary(self):
        matched, doubtful, missing = self.count(MATCHED), self.count(DOUBTFUL), self.count(NOT_FOUND)
        return f"单元格 {matched}/{self.total} 已识别，{doubtful} 存疑，{missing} 未找到"

    def document(self, organization=None):
        """The recognised report in the JSON document shape of disclosure/documents.py."""
        from ..documents import SCHEMA, table_rows

        edition = self.edition

        def section(spec):
            return {"code": spec.code, "label": spec.label, "text": self.texts.get(spec.code, "")}

        parts = []
        for number, part in enumerate(edition.parts, 1):
            out = {"number": number, "code": part.code, "label": part.label}
            if part.is_table:
                out["rows"] = table_rows(part.table, self.values)
            else:
                out["sections"] = [section(s) for s in part.sections]
            parts.append(out)
        return {
            "schema": SCHEMA,
            "title": self.title,
            "edition": {"code": edition.code, "name": edition.name, "document": edition.document},
            "organization": {"slug": organization.slug if organization else "", "name": self.organization_name},
            "year": self.year,
            "preface": section(edition.preface),
            "parts": parts,
        }


def recognise(source, year=None):
    """Recognise a report in ``source``; ``year`` overrides the year read from the title."""
    paragraphs = source.paragraphs()
    title, rest = _title(paragraphs, source.title)
    found_year = _year(title)
    year = year or found_year
    edition = _edition(year, source)
    notes = []
    if year is None:
        notes.append("标题中没有找到年度")
    organization_name = _organization_name(title, found_year)
    texts, found_parts = _narrative(edition, rest)
    signed = _signature(edition, texts, organization_name)
    values, cells, unmatched = _tables(edition, source.tables(), notes)
    if not _looks_like_report(title, found_parts, cells):
        raise ImportRefused(NOT_A_REPORT)
    return Recognition(
        title=title,
        organization_name=organization_name,
        year=year,
        edition=edition,
        texts=texts,
        values=values,
        cells=cells,
        unmatched_labels=unmatched,
        notes=notes,
        published=source.published,
        kind=source.kind,
        found_parts=found_parts,
        signed=signed,
        title_year=found_year,
    )


def _looks_like_report(title, found_parts, cells):
    """Whether anything of an annual report was found: a title naming a year and 报告, two part headings or
    one cell of the three tables. A report whose tables are all blank still has its title and headings; a
    file with none of these (a README renamed .txt) would otherwise be stored as an all-blank report."""
    titled = _year(title) is not None and "报告" in title
    return titled or len(found_parts) >= 2 or any(c.status != NOT_FOUND for c in cells.values())


# ---- title, organization, year, edition -----------------------------------------------------------


_TITLE_WINDOW = 20  # a page's navigation comes before the title; the title comes before the report


def _title(paragraphs, fallback):
    """The title and the lines after it. The first line (or two lines: titles are often split) near the top
    that names a year and ends with 报告; else the first lines up to one with 报告; else the page's <title>.
    Lines above the title (a site's navigation) are not part of the report."""
    window = paragraphs[:_TITLE_WINDOW]
    for span in (1, 2):
        for start in range(len(window) - span + 1):
            joined = "".join(squeeze(p) for p in window[start : start + span])
            if _looks_like_title(joined) and (span == 1 or not _looks_like_title(squeeze(window[start + 1]))):
                if re.match(r"20\d\d", joined) and start > 0 and _names_organization(squeeze(window[start - 1])):
                    joined = squeeze(window[start - 1]) + joined  # 某市统计局 / 2022年…年度报告
                return joined, paragraphs[start + span :]
    for end in range(min(3, len(paragraphs))):
        joined = "".join(squeeze(p) for p in paragraphs[: end + 1])
        if "报告" in joined and len(joined) <= 80:
            return joined, paragraphs[end + 1 :]
    return squeeze(fallback), paragraphs


def _names_organization(line):
    return 3 <= len(line) <= 40 and not re.search(r"[，。；：,.;:]|报告", line)


def _looks_like_title(text):
    return (
        len(text) <= 80
        and text.endswith("报告")
        and re.search(r"20\d\d\s*年", text) is not None
        and not re.search(r"[，。；]", text)
    )


def _year(title):
    match = re.search(r"(20\d\d)\s*年", title)
    return int(match.group(1)) if match else None


def _organization_name(title, year):
    if year is None:
        return ""
    name = title.split(str(year), 1)[0]
    return re.sub(r"(关于)?$", "", name).strip("《》 ")


def _edition(year, source):
    if year is not None:
        try:
            return edition_for_year(year)
        except UnknownEdition:
            pass
    # No usable year: the edition whose table labels the file shares most.
    words = {key(c.text) for t in source.tables() for row in t.rows for c in row}
    return max(EDITIONS.values(), key=lambda e: len(words & _edition_words(e)))


def _edition_words(edition):
    words = set()
    for table in edition.tables:
        for spec in table.cells():
            words |= {key(spec.row_label), key(spec.column_label)}
    return words


# ---- narrative ------------------------------------------------------------------------------------


def _narrative(edition, lines):
    """Texts by section code, from the paragraphs between the headings of the six parts."""
    texts, found = {}, []
    current = edition.preface.code
    part_index = -1
    buffer = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _part_heading(edition, line, part_index)
        consumed = 1
        if match is None and i + 1 < len(lines):
            match = _part_heading(edition, line + lines[i + 1], part_index)
            consumed = 2 if match is not None else 1
        if match is not None:
            part_index, part = match
            found.append(part.code)
            current = part.sections[0].code if part.sections else None
            i += consumed
            continue
        part = edition.parts[part_index] if part_index >= 0 else None
        section = _section_heading(part, line) if part is not None and len(part.sections) > 1 else None
        if section is not None:
            current = section.code
        elif current is not None:
            buffer.setdefault(current, []).append(line.strip())
        i += 1
    for code, chunk in buffer.items():
        texts[code] = "\n".join(chunk)
    return texts, found


def _part_heading(edition, line, after):
    text = squeeze(line)
    if len(text) > _HEADING_MAX or "。" in text:
        return None
    line_key = key(text)
    for index, part in enumerate(edition.parts):
        if index <= after:
            continue
        part_key = key(part.label)
        number = numbering(text)
        if line_key == part_key or (line_key.startswith(part_key) and len(line_key) - len(part_key) <= 2):
            if number in (None, index + 1):
                return index, part
    return None


def _section_heading(part, line):
    """A sub-heading of 一、总体情况: by its number (（四）平台建设情况 is the fourth) or by its label."""
    text = squeeze(line)
    if len(text) > 30 or "。" in text:
        return None
    headed = [s for s in part.sections if s.heading]
    number = numbering(text) if text.startswith(("（", "(")) else None
    line_key = key(text)
    for index, section in enumerate(headed, 1):
        section_key = key(section.label)
        if line_key in (section_key, section_key + "情况") or (number == index and len(line_key) >= 2):
            return section
    return None


_DATE_LINE = re.compile(r"^(20\d\d)年(\d{1,2})月(\d{1,2})日$")
_ORGANIZATION_END = re.compile(r"(局|委|办|府|院|会|区|室|处|中心|所|厅|部|署|站|队|馆|社|镇|街道)$")


def _signature(edition, texts, organization_name):
    """Take the signature (the organization, the date) off the end of the last section; return the date."""
    codes = [s.code for s in edition.text_sections() if texts.get(s.code)]
    if not codes:
        return ""
    lines = texts[codes[-1]].split("\n")
    if not _DATE_LINE.match(squeeze(lines[-1])):
        return ""
    signed = squeeze(lines.pop())
    if lines and _signed_by(squeeze(lines[-1]), organization_name):
        lines.pop()
    texts[codes[-1]] = "\n".join(lines)
    return signed


def _signed_by(line, organization_name):
    if organization_name and organization_name in line:
        return True
    return (
        4 <= len(line) <= 30 and not re.search(r"[，。；：,.;:]", line) and _ORGANIZATION_END.search(line) is not None
    )


# ---- tables ---------------------------------------------------------------------------------------


def read_value(spec, raw):
    """(value, status, note) of a cell's text."""
    text = squeeze(raw)
    if text in _BLANKS:
        return None, MATCHED, ""
    if text == _NONE:
        return Decimal(0), MATCHED, "原文为“无”，按 0 读取"
    try:
        return parse_cell(spec, text), MATCHED, ""
    except CellValueError as e:
        return None, DOUBTFUL, f"原文“{raw.strip()}”：{e}"


def is_value(raw):
    text = squeeze(raw)
    return text in _BLANKS or text in (_NONE, NOT_APPLICABLE, "／") or NUMBER.match(text) is not None


def _tables(edition, tables, notes):
    values, cells, unmatched = {}, {}, []
    for number, table in enumerate(tables, 1):
        if not isinstance(table, Table) or not table.rows:
            continue
        grid, origins = expand_with_origins(table)
        target = _classify(edition, grid)
        if target is None:
            notes.append(f"第{number}个表格不是年度报告的三张表之一，已略过")
            continue
        _read_table(edition, target, grid, origins, values, cells, unmatched)
    for spec in edition.cell_specs():
        cells.setdefault(spec.key, CellResult(NOT_FOUND))
        values.setdefault(spec.key, None)
    return values, cells, list(dict.fromkeys(unmatched))


@functools.cache
def _labels(table):
    words = {key(table.label), key(getattr(table, "content_label", "")), key(getattr(table, "corner_label", ""))}
    for spec in table.cells():
        words |= {key(spec.row_label), key(spec.column_label), *(key(p) for p in spec.row_path + spec.column_path)}
    words.discard("")
    return words


def _classify(edition, grid):
    words = {key(text) for row in grid for text in row if not is_value(text)}
    scores = [(len(words & _labels(t)), t) for t in edition.tables]
    best, table = max(scores, key=lambda pair: pair[0])
    return table if best >= 2 else None


def _row_labels(edition, table):
    """Loose key → row code, with the same row's wording in the other editions as a known variant."""
    codes = {spec.key.row for spec in table.cells()}
    labels = {}
    for other in (edition, *EDITIONS.values()):
        other_table = other.table_of_kind(table.kind)
        for spec in other_table.cells():
            if spec.key.row in codes and spec.row_label:
                labels.setdefault(key(spec.row_label), spec.key.row)
    return labels


def _columns_of(table, row_code):
    """The cells of a row, in the official order."""
    return _rows_of(table).get(row_code, [])


@functools.cache
def _rows_of(table):
    rows = {}
    for spec in table.cells():
        rows.setdefault(spec.key.row, []).append(spec)
    return rows


def _read_table(edition, table, grid, origins, values, cells, unmatched):
    row_labels = _row_labels(edition, table)
    known = _labels(table)
    headers = {}  # grid column -> header keys, top to bottom
    column_words = {key(spec.column_label) for spec in table.cells()} | {
        key(p) for spec in table.cells() for p in spec.column_path
    }
    single_row = table.kind == "litigation"
    for row, origin in zip(grid, origins, strict=True):
        row_code, label_at, loose = _find_row(row, row_labels)
        if row_code is not None and _is_header_row(row, label_at, column_words):
            row_code = None  # "其他" is a row of table 三 and the head of one of its columns
        if row_code is None and single_row and headers and all(is_value(t) for t in row):
            row_code, label_at = table.row.code, -1
        if row_code is None:
            _collect_header(row, headers, table, known, unmatched)
            continue
        specs = _columns_of(table, row_code)
        positions = [p for p in range(label_at + 1, len(row)) if row[p] != row[label_at] or label_at < 0]
        positions = [p for p in positions if is_value(row[p])]
        # A value cell merged across columns (colspan) is one value, placed under its first column.
        positions = [p for i, p in enumerate(positions) if i == 0 or origin[p] != origin[positions[i - 1]]]
        _place(specs, row, positions, headers, loose, values, cells)


def _is_header_row(row, label_at, column_words):
    """A row without a figure whose label is also a column heading, beside other column headings, is a
    header row (a row of a blank table has the one label only)."""
    if any(NUMBER.match(squeeze(t)) for t in row[label_at + 1 :]) or key(row[label_at]) not in column_words:
        return False
    return len({key(t) for t in row if key(t) in column_words}) >= 2


def _find_row(row, row_labels):
    """The row a grid row holds: its rightmost text cell that is a row label (the leaf under its heading)."""
    for index in range(len(row) - 1, -1, -1):
        text = row[index]
        if is_value(text):
            continue
        found = row_labels.get(key(text))
        if found:
            return found, _last_index(row, text), False
    for index in range(len(row) - 1, -1, -1):
        text_key = key(row[index])
        if len(text_key) >= 4 and not is_value(row[index]):
            loose = [code for label, code in row_labels.items() if _loosely(label, text_key)]
            if len(set(loose)) == 1:
                return loose[0], _last_index(row, row[index]), True
    return None, -1, False


def _loosely(label, text_key):
    return label.startswith(text_key) or text_key.startswith(label)


def _last_index(row, text):
    return max(i for i, t in enumerate(row) if t == text)


def _collect_header(row, headers, table, known, unmatched):
    if table.kind == "disclosure" and key(table.content_label) in {key(t) for t in row}:
        headers.clear()  # each block of table 二 has its own header row
    for position, text in enumerate(row):
        word = key(text)
        if not word or is_value(text):
            continue
        column = headers.setdefault(position, [])
        if word not in column:
            column.append(word)
        if word not in known:
            unmatched.append(squeeze(text))


def _header_match(specs, positions, headers):
    """Position → spec by the header words above each position; None unless every position is placed."""
    placed = {}
    for position in positions:
        words = headers.get(position, [])
        if not words:
            return None
        candidates = [s for s in specs if key(s.column_label) == words[-1]]
        if len(candidates) > 1:
            candidates = [s for s in candidates if s.column_path and key(s.column_path[-1]) in words]
        if len(candidates) != 1 or candidates[0] in placed.values():
            return None
        placed[position] = candidates[0]
    return placed


def _place(specs, row, positions, headers, loose, values, cells):
    placed = _header_match(specs, positions, headers)
    positional = placed is None
    if positional:
        placed = dict(zip(positions, specs, strict=False))
    exact = not loose and (not positional or len(positions) == len(specs))
    for position, spec in placed.items():
        value, status, note = read_value(spec, row[position])
        if not exact and status == MATCHED:
            status = DOUBTFUL
            note = note or ("按位置对应" if positional else "行标签与官方格式不完全一致")
        if loose and not note:
            note = "行标签与官方格式不完全一致"
        previous = cells.get(spec.key)
        if previous is not None and values.get(spec.key) != value:
            cells[spec.key] = CellResult(DOUBTFUL, row[position].strip(), "同一单元格在原文中出现两次，数值不同")
            continue
        values[spec.key] = value
        cells[spec.key] = CellResult(status, row[position].strip(), note)


def json_values(recognition):
    return {str(k): to_json_value(v) for k, v in recognition.values.items()}
