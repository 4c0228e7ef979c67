"""What a reviewer reads before approving: what changed against last year, and, for a correction, against
the published version it replaces.

Everything is compared as JSON documents (``documents.export_document`` for the report as it stands, the
frozen ``PublishedVersion.content`` for what was published), so the labels come from the format description
and a few rows are read whatever the size of the report: the previous year's report and its newest version,
and the replaced version.
"""

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from .formats import NOT_APPLICABLE, CellKey, get_edition
from .formats.values import format_value
from .models import AnnualReport
from .publishing import figures_of

# The largest changes shown at once; the rest are behind a "show all" disclosure.
TOP_CHANGES = 15


def document_figures(document):
    """{CellKey: Decimal or "/"} of a document's figures, totals included; blank cells are absent."""
    figures = {}
    for table, row, column, value in figures_of(document):
        figures[CellKey(table, row, column)] = value if value == NOT_APPLICABLE else Decimal(str(value))
    return figures


def document_texts(document):
    """{section code: (label, text)} of a document's narrative, the preface included, in the official order."""
    texts = {document["preface"]["code"]: (document["preface"]["label"], document["preface"]["text"])}
    for part in document["parts"]:
        for section in part.get("sections", []):
            texts[section["code"]] = (section["label"], section["text"])
    return texts


@dataclass(frozen=True)
class FigureChange:
    """One cell whose figure differs: its full label (row path and column path), before and after."""

    label: str
    before: object  # Decimal, "/" or None (blank)
    after: object

    @property
    def difference(self):
        """after − before when both are numbers, else None."""
        if isinstance(self.before, Decimal) and isinstance(self.after, Decimal):
            return self.after - self.before
        return None

    @property
    def magnitude(self):
        """How large the change is, for ordering: |after − before|, or the one number there is."""
        if self.difference is not None:
            return abs(self.difference)
        number = self.after if isinstance(self.after, Decimal) else self.before
        return abs(number) if isinstance(number, Decimal) else Decimal(0)

    @property
    def printed_before(self):
        return format_value(self.before) or "（空白）"

    @property
    def printed_after(self):
        return format_value(self.after) or "（空白）"

    @property
    def printed_difference(self):
        """+12, −3.5 (a real minus sign), or — when one side is not a number."""
        difference = self.difference
        if difference is None:
            return "—"
        return ("+" if difference > 0 else "−" if difference < 0 else "") + format_value(abs(difference))

    @property
    def direction(self):
        difference = self.difference
        if difference is None or difference == 0:
            return "other"
        return "up" if difference > 0 else "down"


def figure_changes(edition, before, after, *, comparable=None):
    """The entered cells of ``edition`` whose figure differs between the two {CellKey: value} maps, in the
    official order. Totals are left out: each follows from the cells it sums, and listing it would repeat
    their change. ``comparable`` (a format edition) keeps only the cells that edition has too: last year's
    report may be of the earlier edition, whose rows that mean the same keep their code."""
    changes = []
    for spec in edition.entered_cells():
        if comparable is not None and comparable.cell(spec.key) is None:
            continue
        old, new = before.get(spec.key), after.get(spec.key)
        if old != new:
            changes.append(FigureChange(spec.full_label, old, new))
    return changes


def largest_first(changes):
    """Largest absolute change first; equal ones keep the official order."""
    return sorted(changes, key=lambda change: -change.magnitude)


@dataclass(frozen=True)
class TextChange:
    """A narrative section that differs: the paragraphs taken out and those put in."""

    label: str
    removed: list
    added: list


def text_changes(before, after):
    """The narrative sections whose text differs between two ``document_texts`` maps, paragraph by paragraph."""
    changes = []
    for code, (label, new) in after.items():
        old = before.get(code, (label, ""))[1]
        if old.strip() == new.strip():
            continue
        old_lines, new_lines = _paragraphs(old), _paragraphs(new)
        removed, added = [], []
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                removed += old_lines[i1:i2]
                added += new_lines[j1:j2]
        changes.append(TextChange(label, removed, added))
    return changes


def _paragraphs(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass
class Comparison:
    """Figures (and for a correction, narrative sections) that differ from a reference document."""

    title: str  # what the report is compared with, e.g. "2020年度报告第1版（已发布）"
    changes: list = field(default_factory=list)  # of FigureChange, in display order
    texts: list = field(default_factory=list)  # of TextChange
    note: str = ""  # why nothing could be compared, or a caution about the reference

    @property
    def top(self):
        return self.changes[:TOP_CHANGES]

    @property
    def rest(self):
        return self.changes[TOP_CHANGES:]


def against_last_year(report, document):
    """This report's figures against last year's: the previous year's newest published version, or — when
    it was never published here — that report as it stands (where carried-in figures came from). Largest
    changes first. Two queries."""
    previous = (
        AnnualReport.objects.filter(organization_id=report.organization_id, year=report.year - 1)
        .select_related("organization")
        .first()
    )
    last_year = report.year - 1
    if previous is None:
        return Comparison(title=f"{last_year}年度报告", note=f"系统中没有{last_year}年度报告，无法与上年比较。")
    version = previous.versions.order_by("-number").only("number", "content").first()
    if version is not None:
        reference, title, note = version.content, f"{last_year}年度报告第{version.number}版（已发布）", ""
    else:
        from .documents import export_document

        reference, title = export_document(previous, findings=[]), f"{last_year}年度报告（尚未发布）"
        note = f"{last_year}年度报告尚未发布，以其现有数字比较。"
    changes = figure_changes(
        report.format,
        document_figures(reference),
        document_figures(document),
        comparable=get_edition(reference["edition"]["code"]),
    )
    return Comparison(title=title, changes=largest_first(changes), note=note)


def replaced_version(report):
    """The published version a correction replaces: the newest one while the corrected report is not yet
    published, the one before it once it is. None for a report never corrected. One query."""
    if report.status == AnnualReport.Status.PUBLISHED:
        if report.version < 2:
            return None
        return report.versions.filter(number=report.version - 1).first()
    return report.versions.order_by("-number").first()


def against_replaced(report, document):
    """For a correction: the figures and narrative sections that differ from the version it replaces, in the
    official order; None when the report corrects nothing. (A published report's document is its newest
    version's: nothing is edited while it is published.)"""
    version = replaced_version(report)
    if version is None:
        return None
    changes = figure_changes(report.format, document_figures(version.content), document_figures(document))
    texts = text_changes(document_texts(version.content), document_texts(document))
    return Comparison(title=f"已发布的第{version.number}版", changes=changes, texts=texts)
