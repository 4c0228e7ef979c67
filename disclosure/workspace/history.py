"""A report's history as people read it: every event kind and status in Chinese (this is the one place that
names them for the workspace), grouped by day and, within a day, by the person who acted."""

from dataclasses import dataclass, field

from django.utils import timezone

from ..models import AnnualReport, ReportEvent

# Events on one page of the history (Django's Paginator).
EVENTS_PER_PAGE = 50

ACTION_LABELS = dict(ReportEvent.Action.choices)
STATUS_LABELS = dict(AnnualReport.Status.choices)
SELF_REVIEW = "本人审核"


def action_label(code):
    return ACTION_LABELS.get(code, "其他操作")


def status_label(code):
    """The Chinese name of a report status; never the stored code, even for one no longer in use."""
    return STATUS_LABELS.get(code, "其他状态")


def person_name(user):
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


@dataclass
class Entry:
    """One event as shown: what, when, the status change in words, and what it changed."""

    event: ReportEvent

    @property
    def label(self):
        return action_label(self.event.action)

    @property
    def status_change(self):
        """The status change in words: 草稿 → 待审核; → 草稿 for the first one; "" when it did not change."""
        before, after = self.event.from_status, self.event.to_status
        if not after or before == after:
            return ""
        return f"{status_label(before)} → {status_label(after)}" if before else f"→ {status_label(after)}"

    @property
    def self_review(self):
        return self.event.self_review


@dataclass
class PersonRun:
    """Consecutive events of one day by the same person."""

    name: str
    actor_id: int | None
    entries: list = field(default_factory=list)


@dataclass
class Day:
    date: object
    runs: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(run.entries) for run in self.runs)


def grouped(events):
    """Events (newest first) as days, each with runs of consecutive events by one person."""
    days = []
    for event in events:
        date = timezone.localdate(event.at)
        if not days or days[-1].date != date:
            days.append(Day(date))
        runs = days[-1].runs
        if not runs or runs[-1].actor_id != event.actor_id:
            runs.append(PersonRun(person_name(event.actor), event.actor_id))
        runs[-1].entries.append(Entry(event))
    return days
