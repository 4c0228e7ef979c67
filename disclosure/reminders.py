"""Reminders (issue 9, item 7): the supervising office e-mails the editors of agencies whose report of the year is
not published and whose deadline is near or past.

Each reminder sent is a ``Reminder`` row — who sent it, when, to which addresses — written in the same transaction
as the sending, so a failed sending leaves no record and a record always means a message went out. At most one
reminder per agency, year and day: the database refuses a second (``one_reminder_per_day``), whoever sends it.
"""

import smtplib
from dataclasses import dataclass, field

from django.core.mail import BadHeaderError, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import AnnualReport, Membership, Organization, Reminder
from .oversight import CORRECTING, NOT_STARTED, RETURNED, STATES, state_of

# An agency may be reminded from this many days before its deadline on (and any time after it).
REMIND_BEFORE_DAYS = 14
MAX_PER_REQUEST = 1000  # organizations one sending may name


# The states in which the next step is the editors' (a report submitted or approved waits for its reviewer).
EDITORS_TURN = frozenset({NOT_STARTED, AnnualReport.Status.DRAFT, RETURNED, CORRECTING})


def due(state, deadline, published, today):
    """Whether an agency is to be reminded: its editors' turn, nothing published yet, the deadline near or
    past."""
    return state in EDITORS_TURN and not published and (deadline - today).days <= REMIND_BEFORE_DAYS


def can_remind(row):
    """Whether the overview offers a reminder for the row (``due``)."""
    return due(row.state, row.timeliness.deadline, row.timeliness.published_on is not None, row.timeliness.today)


def mark_rows(rows, year):
    """Give each overview row ``last_reminder`` (when its latest reminder was sent), ``no_email`` (due, but no
    editor has an address to write to) and ``remindable`` (a box to tick: due, not reminded today, someone
    to write to): two queries."""
    last = dict(
        Reminder.objects.filter(year=year, organization_id__in=[r.organization.pk for r in rows])
        .values("organization_id")
        .annotate(last=Max("sent_at"))
        .values_list("organization_id", "last")
        .order_by()
    )
    today = timezone.localdate()
    due_ids = [r.organization.pk for r in rows if can_remind(r)]
    addressed = editor_addresses(due_ids) if due_ids else {}
    for row in rows:
        row.last_reminder = last.get(row.organization.pk)
        reminded_today = row.last_reminder is not None and timezone.localdate(row.last_reminder) == today
        row.no_email = can_remind(row) and not addressed.get(row.organization.pk)
        row.remindable = can_remind(row) and not reminded_today and not row.no_email
    return rows


@dataclass
class Outcome:
    sent: list = field(default_factory=list)  # (organization, [addresses])
    already: list = field(default_factory=list)  # reminded today already
    no_email: list = field(default_factory=list)  # no editor with an e-mail address
    not_due: list = field(default_factory=list)  # published, or the deadline still far
    failed: list = field(default_factory=list)  # (organization, reason)
    outside: int = 0  # named organizations not in the sender's subtree (or unknown): ignored


def send_reminders(scope, year, organization_ids, sender, link_for, today=None):
    """Remind the editors of the named organizations of ``scope`` about their report of ``year``.

    ``link_for(organization, report)`` gives the absolute address the message points to."""
    today = today or timezone.localdate()
    chosen = set(organization_ids)
    inside = chosen & scope.ids
    outcome = Outcome(outside=len(chosen - inside))
    reports = {
        r.organization_id: r
        for r in AnnualReport.objects.with_publication().filter(year=year, organization_id__in=inside)
    }
    addresses = editor_addresses(inside)
    reminded = set(
        Reminder.objects.filter(year=year, sent_on=today, organization_id__in=inside).values_list(
            "organization_id", flat=True
        )
    )
    for org in Organization.objects.filter(pk__in=inside).order_by("name"):
        report = reports.get(org.pk)
        published = report is not None and report.ever_published
        if not due(state_of(report), org.deadline(year), published, today):
            outcome.not_due.append(org)
        elif org.pk in reminded:
            outcome.already.append(org)
        elif not addresses.get(org.pk):
            outcome.no_email.append(org)
        else:
            _send_one(outcome, org, year, report, addresses[org.pk], sender, link_for(org, report), today)
    return outcome


def editor_addresses(organization_ids):
    """{organization id: sorted e-mail addresses of its active editors that have one}."""
    found = {}
    editors = Membership.objects.filter(
        organization_id__in=organization_ids, role=Membership.Role.EDITOR, user__is_active=True
    ).exclude(user__email="")
    for organization_id, email in editors.values_list("organization_id", "user__email"):
        found.setdefault(organization_id, set()).add(email)
    return {pk: sorted(emails) for pk, emails in found.items()}


def _send_one(outcome, org, year, report, recipients, sender, link, today):
    try:
        with transaction.atomic():
            Reminder.objects.create(
                organization=org,
                year=year,
                sent_by=sender,
                sent_at=timezone.now(),
                sent_on=today,
                recipients=", ".join(recipients),
            )
            subject, body = message(org, year, report, link, sender, today)
            send_mail(subject, body, None, recipients)
    except IntegrityError:  # a colleague reminded the same agency a moment ago
        outcome.already.append(org)
    except (smtplib.SMTPException, OSError, BadHeaderError) as error:
        outcome.failed.append((org, str(error) or error.__class__.__name__))
    else:
        outcome.sent.append((org, recipients))


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def message(org, year, report, link, sender, today):
    """The reminder's subject and body, in Chinese."""
    deadline = org.deadline(year)
    days = (today - deadline).days
    if days > 0:
        when = f"已逾期 {days} 天"
    elif days == 0:
        when = "今天截止"
    else:
        when = f"距截止还有 {-days} 天"
    who = (sender.get_full_name() or sender.get_username()) if sender is not None else "政务公开办"
    subject = f"【催报提醒】请尽快发布{org.name}{year}年度政府信息公开工作年度报告"
    body = (
        f"{org.name}：\n\n"
        f"贵单位{year}年度政府信息公开工作年度报告尚未发布。依照《中华人民共和国政府信息公开条例》第四十九条，"
        f"应于{_date(deadline)}前向社会公布（{when}）。目前状态：{STATES[state_of(report)]}。\n\n"
        f"请登录工作台填报、提交或处理：\n{link}\n\n"
        f"本邮件由{who}通过政府信息公开工作年度报告系统发送，请勿直接回复。\n"
    )
    return subject, body
