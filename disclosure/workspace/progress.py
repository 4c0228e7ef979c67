"""How far a report has got: each part's state for the navigator, and the deadline."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .forms import cell_name

EMPTY, IN_PROGRESS, ERRORS, COMPLETE = "empty", "in_progress", "errors", "complete"
STATE_LABELS = {EMPTY: "未填写", IN_PROGRESS: "填写中", ERRORS: "有错误", COMPLETE: "已完成"}


@dataclass
class PartState:
    part: object
    state: str
    warnings: int = 0

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def code(self):
        return self.part.code


def part_sections(report, part):
    """The text sections edited on a part's page: the preface goes with 一、总体情况."""
    edition = report.format
    if part.code == edition.overview_part:
        return (edition.preface, *part.sections)
    return part.sections


def findings_of_part(report, part, findings):
    if part.is_table:
        return [f for f in findings if any(key.table == part.table.code for key in f.cells)]
    codes = {s.code for s in part_sections(report, part)}
    return [f for f in findings if f.section in codes and not f.cells]


def part_state(report, part, entered, findings):
    mine = findings_of_part(report, part, findings)
    errors = [f for f in mine if f.blocking and not f.incomplete]
    warnings = sum(1 for f in mine if not f.blocking)
    if part.is_table:
        specs = [s for s in part.table.cells() if not s.derived]
        filled = sum(1 for s in specs if entered.get(s.key) is not None)
        required = len(specs)
    else:
        sections = part_sections(report, part)
        filled = sum(1 for s in sections if getattr(report, s.code).strip())
        required_sections = [s for s in sections if not s.optional]
        required = len(required_sections)
        filled_required = sum(1 for s in required_sections if getattr(report, s.code).strip())
    if filled == 0:
        state = EMPTY
    elif errors:
        state = ERRORS
    elif (filled if part.is_table else filled_required) < required:
        state = IN_PROGRESS
    else:
        state = COMPLETE
    return PartState(part, state, warnings)


def part_states(report, entered, findings):
    return [part_state(report, part, entered, findings) for part in report.format.parts]


def reporting_year(today=None):
    """The year whose report is being written now: last year's (due in January or March)."""
    return (today or timezone.localdate()).year - 1


def startable_years(today=None):
    """Years a report can be started for: last year's (due soon or overdue) and this year's, which offices
    often begin before the year is out (the deadline is 1月31日 or 3月31日 after it)."""
    year = reporting_year(today)
    return [year, year + 1]


def past_years(today=None):
    """The years a report can be brought in for afterwards (补录往年报告): last year's, newest first, back to
    the first year of the national format. With ``startable_years`` they are every year
    ``workflow.check_report_year`` admits."""
    from ..workflow import FIRST_YEAR

    return list(range(reporting_year(today), FIRST_YEAR - 1, -1))


@dataclass
class Deadline:
    year: int
    date: datetime.date
    days_left: int
    published_on: datetime.date | None = None  # the first publication's date (an imported report's original's)

    @property
    def done(self):
        return self.published_on is not None

    @property
    def overdue(self):
        return not self.done and self.days_left < 0

    @property
    def late(self):
        """Published, but after the deadline."""
        return self.done and self.published_on > self.date

    @property
    def text(self):
        if self.done:
            late = (self.published_on - self.date).days
            return f"逾期 {late} 天发布" if late > 0 else "按时发布"
        if self.days_left < 0:
            return f"已逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天截止"
        return f"还剩 {self.days_left} 天"


def deadline_of(organization, year, published_at=None, today=None):
    """The deadline of a year's report, met or missed by its first publication (a correction in progress
    keeps it). ``published_at`` is that publication's time (``with_publication``'s ``first_published_at``):
    for a report imported as historical, its original's publication date, so an old report published late
    elsewhere shows as late here too."""
    date = organization.deadline(year)
    today = today or timezone.localdate()
    published_on = timezone.localtime(published_at).date() if published_at else None
    return Deadline(year, date, (date - today).days, published_on)


def finding_target(report, finding):
    """Where a finding is fixed: (the part's code, the id of its field on the part's page), or None.

    A figure's finding points at its first entered cell (a total cannot be typed over, its addends can), or
    at the total when it involves nothing else; a narrative finding at its text field.
    """
    edition = report.format
    if finding.cells:
        table = finding.cells[0].table
        part = next((p for p in edition.parts if p.is_table and p.table.code == table), None)
        if part is None:
            return None
        specs = [edition.cell(key) for key in finding.cells]
        entered = next((s for s in specs if s is not None and not s.derived), None)
        if entered is not None:
            return part.code, f"id_{cell_name(entered.key)}"
        return part.code, f"out-{cell_name(finding.cells[0])}"
    for part in edition.parts:
        if not part.is_table and finding.section in {s.code for s in part_sections(report, part)}:
            return part.code, f"id_{finding.section}"
    return None
