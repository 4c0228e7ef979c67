"""The supervising office's year at a glance: every organization of its subtree, how far its report has got,
whether it is on time, and its findings (issue 9, item 1); and the findings of every report at once (item 4).

Everything is read in a fixed number of queries whatever the size of the subtree: the organizations and the
year's reports (their first publication, last event and last year's report's state as subqueries). Each
report's counts of errors and warnings are kept on the report with the state they were found for
(``check_key``); only reports whose content, or last year's report, changed since are checked again (their
cells and last year's read in three more queries, the checks run in memory) and their counts stored.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .checks import input_for, run_checks
from .formats import UnknownEdition
from .models import AnnualReport, Organization, ReportEvent

# The states the overview shows: the report's own status, split further where the office cares.
NOT_STARTED, RETURNED, CORRECTING = "not_started", "returned", "correcting"
Status = AnnualReport.Status
STATES = {
    NOT_STARTED: "未开始",
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "待审核",
    RETURNED: "已退回",
    Status.APPROVED: "已审核",
    Status.PUBLISHED: "已发布",
    CORRECTING: "更正中",
}


def state_of(report):
    if report is None:
        return NOT_STARTED
    if report.status == Status.PUBLISHED:
        return Status.PUBLISHED
    if report.ever_published:
        return CORRECTING  # reopened for a correction: the published version stays public meanwhile
    if report.status == Status.DRAFT and report.return_reason:
        return RETURNED
    return report.status


@dataclass
class Timeliness:
    deadline: datetime.date
    published_on: datetime.date | None
    today: datetime.date

    @property
    def days_late(self):
        """Days past the deadline: of the first publication, or of today while nothing is published."""
        return ((self.published_on or self.today) - self.deadline).days

    @property
    def overdue(self):
        return self.published_on is None and self.days_late > 0

    @property
    def text(self):
        late = self.days_late
        if self.published_on is not None:
            return "按时发布" if late <= 0 else f"逾期 {late} 天发布"
        if late > 0:
            return f"已逾期 {late} 天"
        return "今天截止" if late == 0 else f"还剩 {-late} 天"


@dataclass
class OverviewRow:
    organization: Organization
    depth: int
    parent: Organization | None
    report: AnnualReport | None
    state: str
    timeliness: Timeliness
    last_activity: datetime.datetime | None
    blocking: int = 0  # errors: figures or texts that are wrong
    warnings: int = 0
    incomplete: int = 0  # things not filled in yet (未填写): not errors

    @property
    def state_label(self):
        return STATES[self.state]

    @property
    def has_findings(self):
        return bool(self.blocking or self.warnings)


def tree_order(scope):
    """The subtree's organizations depth first (children by name), each with its depth: one query."""
    organizations = {o.pk: o for o in scope.within(Organization.objects.all(), "pk")}
    children = {}
    for org in sorted(organizations.values(), key=lambda o: o.name):
        children.setdefault(org.parent_id, []).append(org)
    ordered = []

    def visit(org, depth):
        ordered.append((org, depth))
        for child in children.get(org.pk, ()):
            visit(child, depth + 1)

    for root in sorted((organizations[pk] for pk in scope.root_ids), key=lambda o: o.name):
        visit(root, 0)
    return ordered


# What the overview reads of a report (``state_of``, ``check_key``, the stored counts).
OVERVIEW_FIELDS = (
    "organization_id",
    "year",
    "edition",
    "status",
    "version",
    "revision",
    "updated_at",
    "return_reason",
    "findings_key",
    "blocking_count",
    "warning_count",
    "incomplete_count",
)


def year_reports(organization_ids, year, organizations, cells=True):
    """{organization id: report} of the year, with ``ever_published``, ``first_published_at``,
    ``last_activity`` and last year's report's state (``previous_state``), cells loaded unless told not to;
    each report's organization is the given object (no query per report)."""
    last = ReportEvent.objects.filter(report=OuterRef("pk")).order_by("-at").values("at")[:1]
    previous = AnnualReport.objects.filter(organization_id=OuterRef("organization_id"), year=year - 1).order_by()
    reports = (
        AnnualReport.objects.with_publication()
        .filter(year=year, organization_id__in=organization_ids)
        .order_by()
        .annotate(
            last_activity=Subquery(last),
            previous_revision=Subquery(previous.values("revision")[:1]),
            previous_updated=Subquery(previous.values("updated_at")[:1]),
        )
    )
    if cells:
        reports = reports.prefetch_related("cells")
    else:  # the overview: the report's state, not its narrative (tens of kilobytes a report)
        reports = reports.only(*OVERVIEW_FIELDS)
    found = {}
    for report in reports:
        report.organization = organizations[report.organization_id]
        found[report.organization_id] = report
    return found


def findings_of(reports, year, organizations):
    """{organization id: findings} for the given reports (as ``checks.check_report`` finds them), checked
    against last year's reports, which are read all at once."""
    previous = AnnualReport.objects.filter(year=year - 1, organization_id__in=list(reports)).prefetch_related("cells")
    before = {}
    for report in previous:
        report.organization = organizations[report.organization_id]
        before[report.organization_id] = report
    found = {}
    for organization_id, report in reports.items():
        try:
            data = input_for(report)
        except UnknownEdition:
            continue
        last = before.get(organization_id)
        data.previous = input_for(last) if last is not None else None
        found[organization_id] = run_checks(data)
    return found


STORE_BATCH = 1000  # stale reports' counts stored per UPDATE


def check_key(report):
    """What a report's findings depend on: its content (every content save raises ``revision`` and moves
    ``updated_at``), its organization's kind, and last year's report (the rules that compare with it)."""
    return "|".join(
        str(part)
        for part in (
            report.revision,
            report.updated_at.isoformat(),
            report.organization.kind,
            report.previous_revision,
            report.previous_updated,
        )
    )


def stored_counts(report):
    """(errors, incomplete, warnings) stored on the report, or None when they are not of its current
    content (or were stored before the incomplete ones were counted apart)."""
    if not report.findings_key or report.findings_key != check_key(report) or report.incomplete_count is None:
        return None
    incomplete = report.incomplete_count
    return (report.blocking_count or 0) - incomplete, incomplete, report.warning_count or 0


def finding_counts(reports, year, organizations):
    """{organization id: (errors, incomplete, warnings)} of the given reports (loaded without cells): the
    stored counts where they are current, else checked now — the stale reports' cells and last year's read
    at once — and stored (an UPDATE of those three fields only, leaving ``updated_at`` alone: a save in
    between moves ``updated_at``, so a count stored for older content is never taken for current). Errors
    do not include what is merely not filled in yet (未填写), as on the report's own page."""
    counts, stale = {}, {}
    for organization_id, report in reports.items():
        found = stored_counts(report)
        if found is not None:
            counts[organization_id] = found
        else:
            stale[organization_id] = report
    if not stale:
        return counts
    loaded = {
        r.organization_id: r
        for r in AnnualReport.objects.filter(pk__in=[r.pk for r in stale.values()]).prefetch_related("cells")
    }
    for organization_id, report in loaded.items():
        report.organization = organizations[organization_id]
    found = findings_of(loaded, year, organizations)
    for organization_id, report in stale.items():
        findings = found.get(organization_id, [])
        blocking = sum(1 for f in findings if f.blocking)
        incomplete = sum(1 for f in findings if f.blocking and f.incomplete)
        counts[organization_id] = (blocking - incomplete, incomplete, len(findings) - blocking)
        report.findings_key = check_key(report)
        report.blocking_count, report.warning_count = blocking, len(findings) - blocking
        report.incomplete_count = incomplete
    AnnualReport.objects.bulk_update(
        stale.values(),
        ["findings_key", "blocking_count", "warning_count", "incomplete_count"],
        batch_size=STORE_BATCH,
    )
    return counts


def overview_rows(scope, year, today=None):
    """One row per organization of the subtree, in tree order."""
    today = today or timezone.localdate()
    ordered = tree_order(scope)
    organizations = {org.pk: org for org, _ in ordered}
    reports = year_reports(list(organizations), year, organizations, cells=False)
    counts = finding_counts(reports, year, organizations)
    rows = []
    for org, depth in ordered:
        report = reports.get(org.pk)
        published = getattr(report, "first_published_at", None)
        published_on = timezone.localtime(published).date() if published else None
        rows.append(
            OverviewRow(
                organization=org,
                depth=depth,
                parent=organizations.get(org.parent_id),
                report=report,
                state=state_of(report),
                timeliness=Timeliness(org.deadline(year), published_on, today),
                last_activity=getattr(report, "last_activity", None),
                blocking=counts.get(org.pk, (0, 0, 0))[0],
                incomplete=counts.get(org.pk, (0, 0, 0))[1],
                warnings=counts.get(org.pk, (0, 0, 0))[2],
            )
        )
    return rows


def state_counts(rows):
    """[(state, label, count)] in the order of ``STATES``, every state shown even at 0."""
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.state] += 1
    return [(state, STATES[state], counts[state]) for state in STATES]


SORTS = {
    "tree": ("按层级", None),
    "name": ("按名称", lambda r: r.organization.name),
    "state": ("按状态", lambda r: (list(STATES).index(r.state), r.organization.name)),
    "late": (
        "按逾期天数",
        lambda r: (-r.timeliness.days_late if not r.timeliness.published_on else 1, r.organization.name),
    ),
    "findings": ("按错误数", lambda r: (-r.blocking, -r.incomplete, -r.warnings, r.organization.name)),
}


TREE, FLAT = "tree", "flat"
VIEWS = {TREE: "树状", FLAT: "平铺"}


def filter_rows(rows, state="", kind="", overdue=False, findings="", q="", sort="tree"):
    """The rows a filter keeps, sorted as asked (tree order by default)."""
    q = q.strip().casefold()
    kept = [
        r
        for r in rows
        if (not state or r.state == state)
        and (not kind or r.organization.kind == kind)
        and (not overdue or r.timeliness.overdue)
        and (findings != "blocking" or r.blocking)
        and (findings != "any" or r.has_findings)
        and (not q or q in r.organization.name.casefold() or q in r.organization.short_name.casefold())
    ]
    key = SORTS.get(sort, SORTS["tree"])[1]
    return sorted(kept, key=key) if key else kept


# ---- every report's findings at once (item 4) --------------------------------------------------------------


@dataclass
class RegionFinding:
    organization: Organization
    report: object  # the AnnualReport, for the link to the cell where the finding is fixed
    part: object  # the edition's Part the finding is in
    finding: object  # checks.Finding
    editable: bool = False  # whether the viewer may edit the report now (the link says 去修改, else 查看)


def part_of(edition, finding):
    """The part a finding belongs to: its first cell's table, or its narrative field (the preface is edited
    with the overview part)."""
    if finding.cells:
        table = finding.cells[0].table
        return next(p for p in edition.parts if p.is_table and p.table.code == table)
    for part in edition.parts:
        if any(s.code == finding.section for s in part.sections):
            return part
    return edition.part(edition.overview_part)


def region_findings(scope, year):
    """Every finding of every report of the subtree for the year: errors first, then by agency."""
    organizations = {o.pk: o for o in scope.within(Organization.objects.all(), "pk")}
    reports = year_reports(list(organizations), year, organizations)
    found = []
    for organization_id, findings in findings_of(reports, year, organizations).items():
        report, organization = reports[organization_id], organizations[organization_id]
        report.organization = organization  # already loaded: the links need its slug, not another query
        for f in findings:
            found.append(RegionFinding(organization, report, part_of(report.format, f), f))
    found.sort(key=lambda r: (not r.finding.blocking, r.finding.incomplete, r.organization.name, r.finding.rule))
    return found
