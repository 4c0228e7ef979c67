"""The report's workflow: who may move it from which state to which, and the edits done in the workspace.

草稿 draft → 待审核 submitted → (退回 or 撤回 → draft) → 已审核 approved → 已发布 published.

Each function checks the actor's role and the report's state, runs in a transaction with the report row
locked, and records a ReportEvent with the from/to status. Views, the admin and commands call these.
The transactions are ``with transaction.atomic()`` blocks rather than decorators: mutmut (``make mutation``)
does not mutate decorated functions, and these bodies are what the mutation score must cover.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import actions, publishing
from .actions import ActionError
from .checks import by_severity, check_report
from .formats import EDITIONS, CellKey
from .formats.values import format_value
from .models import AnnualReport, ReportEvent, WarningExplanation
from .permissions import access_for

Status = AnnualReport.Status


class NotAllowed(ActionError):
    """The actor has no role that allows the action (the view answers 403)."""


# action -> (states it may start from, the state it leads to, who may do it)
TRANSITIONS = {
    "submit": ((Status.DRAFT,), Status.SUBMITTED, "edit"),
    # The editor takes a submitted report back (a mistake seen after submitting) until it is approved.
    "withdraw": ((Status.SUBMITTED,), Status.DRAFT, "edit"),
    "return": ((Status.SUBMITTED, Status.APPROVED), Status.DRAFT, "review"),
    "approve": ((Status.SUBMITTED,), Status.APPROVED, "review"),
    "publish": ((Status.APPROVED,), Status.PUBLISHED, "review"),
    # A published report reopened for a correction; the public keeps the current version until the next one.
    "correct": ((Status.PUBLISHED,), Status.DRAFT, "edit"),
}

ROLE_NAMES = {"edit": "填报人", "review": "审核人"}
ACTION_NAMES = {
    "submit": "提交审核",
    "withdraw": "撤回",
    "return": "退回",
    "approve": "审核通过",
    "publish": "发布",
    "correct": "更正",
}


def allowed_actions(report, access):
    """The transitions the given access may take from the report's current state (for showing buttons)."""
    return [
        name for name, (sources, _, role) in TRANSITIONS.items() if report.status in sources and _has_role(access, role)
    ]


def _has_role(access, role):
    return access.can_edit if role == "edit" else access.can_review


def _require_role(report, actor, role):
    if not _has_role(access_for(actor, report.organization), role):
        raise NotAllowed(f"只有本机关的{ROLE_NAMES[role]}可以进行此操作")


def _lock(report, actor, name):
    """Lock the report row, check role and state; return the fresh report and the state it leaves."""
    sources, _, role = TRANSITIONS[name]
    _require_role(report, actor, role)
    locked = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    if locked.status not in sources:
        raise ActionError(f"报告当前状态为“{locked.get_status_display()}”，不能{ACTION_NAMES[name]}")
    return locked, locked.status


def _move(report, actor, name, action, *, message="", fields=()):
    from_status, to_status = report.status, TRANSITIONS[name][1]
    report.status = to_status
    report.save(update_fields=["status", "updated_at", *fields])
    return actions.record(report, actor, action, from_status=from_status, to_status=to_status, message=message)


def submission_problems(report, findings):
    """Why the report cannot be submitted yet: blocking findings, and warnings without an explanation that
    covers them (one written for the same numbers; see WarningExplanation)."""
    problems = [f.message for f in by_severity(findings) if f.blocking]
    explained = set(report.explanations.values_list("finding_key", "fingerprint"))
    unexplained = [f for f in findings if not f.blocking and (f.key, f.fingerprint) not in explained]
    if unexplained:
        problems.append(f"还有 {len(unexplained)} 条警告未填写说明")
    return problems


def submit_report(report, actor):
    with transaction.atomic():
        report, _ = _lock(report, actor, "submit")
        problems = submission_problems(report, check_report(report))
        if problems:
            raise ActionError("报告还不能提交：" + "；".join(problems[:3]) + ("等" if len(problems) > 3 else ""))
        report.return_reason = ""
        _move(report, actor, "submit", ReportEvent.Action.SUBMIT, fields=["return_reason"])
        return report


def withdraw_report(report, actor):
    with transaction.atomic():
        report, _ = _lock(report, actor, "withdraw")
        _move(report, actor, "withdraw", ReportEvent.Action.WITHDRAW)
        return report


def return_report(report, actor, reason):
    with transaction.atomic():
        reason = actions.required_text(reason, "退回原因")
        report, _ = _lock(report, actor, "return")
        report.return_reason = reason
        _move(report, actor, "return", ReportEvent.Action.RETURN, message=reason, fields=["return_reason"])
        return report


def approve_report(report, actor):
    """Submitted → approved, by a reviewer. Someone who is also an editor there may approve what they wrote
    or submitted themselves (small offices have one person for both); the approval is then recorded as
    本人审核 (``ReportEvent.self_review``)."""
    with transaction.atomic():
        report, _ = _lock(report, actor, "approve")
        event = _move(report, actor, "approve", ReportEvent.Action.APPROVE)
        if is_own_work(report, actor):
            event.self_review = True
            event.save(update_fields=["self_review"])
        return report


# What an author does to a report's content or sends it to review with.
AUTHORING = (
    ReportEvent.Action.CREATE,
    ReportEvent.Action.SAVE,
    ReportEvent.Action.IMPORT,
    ReportEvent.Action.EXPLAIN,
    ReportEvent.Action.SUBMIT,
)


def is_own_work(report, actor):
    """Whether ``actor`` wrote or submitted the report since it was last published (or ever, if never): an
    approval by them is a self-review. Two small queries."""
    if actor is None or not actor.pk:
        return False
    events = report.events.all()
    last_publication = events.filter(action=ReportEvent.Action.PUBLISH).order_by("-at", "-id").first()
    if last_publication is not None:
        events = events.filter(id__gt=last_publication.id)
    return events.filter(actor=actor, action__in=AUTHORING).exists()


def publish(report, actor):
    """Approved → published, by a reviewer. Locking the row, checking its state, freezing the version and
    queueing its rendering are ``disclosure.publishing``'s, shared with the admin and the commands."""
    _require_role(report, actor, TRANSITIONS["publish"][2])
    return publishing.publish_report(report, actor)


def retry_render(report, actor):
    """Render the newest version again after its rendering failed; reviewers only, recorded."""
    _require_role(report, actor, "review")
    return publishing.retry_render(report, actor)


def correct_report(report, actor, note):
    """Published → draft for a correction, with the 更正说明 that the next version will show. Like
    ``publish``: the role is checked here, the row locked and its state checked in ``disclosure.publishing``."""
    _require_role(report, actor, TRANSITIONS["correct"][2])
    return publishing.reopen_for_correction(report, actor, note)


# ---- edits by editors -------------------------------------------------------------------------------


# The first year of the national format: earlier reports were free-form and can't be kept as tables.
FIRST_YEAR = min(edition.first_year for edition in EDITIONS.values())


def pre_edition_message(year):
    return (
        f"{year}年度早于{FIRST_YEAR}年启用的统一格式，不能在系统中填报或导入；"
        "此前的自由格式报告只能作为文件附件保存：可在“补录往年报告”页面上传原文文件"
    )


def check_report_year(year, today=None):
    """Refuse a year no report can be written for: before the first edition, or not begun yet. The workspace
    offers exactly the other years (``progress.startable_years`` and ``progress.past_years``)."""
    if year < FIRST_YEAR:
        raise ActionError(pre_edition_message(year))
    if year > (today or timezone.localdate()).year:
        raise ActionError(f"{year}年尚未开始，不能填报该年度的报告")


class ReportExists(ActionError):
    """The year's report has been started already (by a colleague, or by the first click of a double-click)."""


def start_report(organization, year, actor):
    """Start this year's draft (carrying in last year's figures) — editors only, once per year."""
    with transaction.atomic():
        if not access_for(actor, organization).can_edit:
            raise NotAllowed("只有本机关的填报人可以开始填报")
        if _started(organization, year):
            raise ReportExists(f"{year}年度报告已经存在")
        check_report_year(year)
        try:
            with transaction.atomic():  # a savepoint: the transaction stays usable if the insert loses a race
                return actions.create_report(organization, year, actor)
        except IntegrityError:
            # Two requests at once (a double-click): the other one created it between our check and our insert.
            if _started(organization, year):
                raise ReportExists(f"{year}年度报告已经存在") from None
            raise


def _started(organization, year):
    return AnnualReport.objects.filter(organization=organization, year=year).exists()


def save_part(report, actor, *, texts=None, cells=None, expected_revision=None):
    """An editor saves one part of a draft; raises EditConflict when someone saved in between."""
    _require_role(report, actor, "edit")
    return actions.save_content(report, actor, texts=texts, cells=cells, expected_revision=expected_revision)


def import_into_draft(organization, year, actor, *, texts, cells, declared, source_name):
    """An editor makes a reviewed upload the content of the year's draft (starting it when there is none yet,
    with last year's figures carried in first). Saved like a part, so the history lists every changed cell
    and carried-in marks of changed cells go (a blank in the file leaves a carried-in figure as it is); the
    totals the file declared differently from its own cells are kept, as ``documents.import_document`` keeps
    them. Returns (report, changes)."""
    with transaction.atomic():
        if not access_for(actor, organization).can_edit:
            raise NotAllowed("只有本机关的填报人可以导入到草稿")
        report = AnnualReport.objects.filter(organization=organization, year=year).first()
        if report is None:
            report = start_report(organization, year, actor)
        # A blank in the file does not wipe what was carried in from last year's report (the file's author
        # typed this year's figures, not last year's); a figure in the file replaces it like any save.
        cells = {k: v for k, v in cells.items() if v is not None or str(k) not in report.carried_in}
        texts = {k: v for k, v in texts.items() if v.strip() or k not in report.carried_in}
        message = f"从文件“{source_name}”导入"
        report, changes = actions.save_content(
            report, actor, texts=texts, cells=cells, action=ReportEvent.Action.IMPORT, message=message
        )
        report.declared_totals = {str(k): str(v) for k, v in declared.items()}
        report.save(update_fields=["declared_totals"])
        return report, changes


def accept_computed_total(report, actor, cell_key):
    """An editor confirms the cells behind a total that an imported document declared differently: the
    declared figure is dropped and the system's sum stands. Recorded in the history with both figures."""
    with transaction.atomic():
        _require_role(report, actor, "edit")
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if report.status != Status.DRAFT:
            raise ActionError(f"报告当前状态为“{report.get_status_display()}”，只有草稿可以修改")
        declared = report.declared_totals.get(cell_key)
        if declared is None:
            raise ActionError("该合计已不是导入文件中申报的数字（可能已经处理）")
        spec = report.format.cell(CellKey(*cell_key.split(".")))
        computed = format_value(report.values()[spec.key])
        report.declared_totals = {k: v for k, v in report.declared_totals.items() if k != cell_key}
        report.save(update_fields=["declared_totals", "updated_at"])
        change = {"field": f"declared:{cell_key}", "label": f"导入的合计：{spec.label}", "before": declared}
        actions.record(report, actor, ReportEvent.Action.SAVE, changes=[{**change, "after": computed}])
        return report


def explain_warning(report, actor, finding, text):
    """Write (or rewrite) the explanation of a warning; recorded in the history."""
    with transaction.atomic():
        _require_role(report, actor, "edit")
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if report.status != Status.DRAFT:
            raise ActionError(f"报告当前状态为“{report.get_status_display()}”，只有草稿可以修改")
        if finding.blocking:
            raise ActionError("错误须修改数据，不能以说明代替")
        text = actions.required_text(text, "说明")
        existing = WarningExplanation.objects.filter(report=report, finding_key=finding.key).first()
        before = existing.text if existing else ""
        if existing and existing.text == text and existing.covers(finding):
            return existing
        explanation, _ = WarningExplanation.objects.update_or_create(
            report=report,
            finding_key=finding.key,
            defaults={
                "text": text,
                "author": actor,
                "fingerprint": finding.fingerprint,
                "finding_message": finding.message,
            },
        )
        change = {"field": f"explanation:{finding.key}", "label": f"警告说明：{finding.message}", "before": before}
        actions.record(report, actor, ReportEvent.Action.EXPLAIN, changes=[{**change, "after": text}])
        return explanation
