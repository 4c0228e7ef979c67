"""The editor's and reviewer's start pages: their organizations' reports, and the review queue."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ...models import AnnualReport, Organization
from ...permissions import roles_of
from ...workflow import FIRST_YEAR
from ..progress import deadline_of, startable_years
from .imports import importable_ids


@login_required
@require_safe
def dashboard(request):
    roles = roles_of(request)
    organizations = list(roles.visible(Organization.objects.select_related("parent")))
    reports = {}
    for report in roles.visible(AnnualReport.objects.with_publication().order_by("-year"), "organization_id"):
        reports.setdefault(report.organization_id, []).append(report)
    years = startable_years()
    importable = importable_ids(request)
    rows = []
    for org in organizations:
        access = roles.access(org.pk)
        mine = reports.get(org.pk, [])
        for report in mine:
            report.organization = org  # already loaded: no query per report
            report.due = deadline_of(org, report.year, report.first_published_at)
        started = {r.year for r in mine}
        can_start = [deadline_of(org, y) for y in years if access.can_edit and y not in started]
        can_import = importable is None or org.pk in importable
        rows.append(
            {"organization": org, "access": access, "reports": mine, "can_start": can_start, "can_import": can_import}
        )
    context = {"rows": rows, "is_admin": roles.is_admin, "oversees": roles.oversees, "oversight_year": years[0]}
    context["todo"] = to_do(rows)
    context.update(first_year=FIRST_YEAR, last_year=years[0])
    return render(request, "workspace/dashboard.html", context)


def to_do(rows):
    """What waits for the user, counted over the page's organizations (a reviewer of a district sees thirty
    cards): drafts to fill or fix (returned ones apart), years to start, reports to review and to publish."""
    Status = AnnualReport.Status
    todo = {"drafts": 0, "returned": 0, "to_start": 0, "to_review": 0, "to_publish": 0}
    for row in rows:
        access = row["access"]
        todo["to_start"] += len(row["can_start"])
        for report in row["reports"]:
            if access.can_edit and report.status == Status.DRAFT:
                todo["returned" if report.return_reason else "drafts"] += 1
            elif access.can_review and report.status == Status.SUBMITTED:
                todo["to_review"] += 1
            elif access.can_review and report.status == Status.APPROVED:
                todo["to_publish"] += 1
    return todo


@login_required
@require_safe
def review_queue(request):
    """Reports waiting for the requester as a reviewer: submitted ones, and approved ones not yet published."""
    roles = roles_of(request)
    waiting = (
        AnnualReport.objects.with_publication()
        .filter(status__in=[AnnualReport.Status.SUBMITTED, AnnualReport.Status.APPROVED])
        .select_related("organization")
    )
    ids = roles.reviewed_ids
    if ids is not None:
        waiting = waiting.filter(organization_id__in=ids)
    reports = list(waiting.order_by("status", "organization__name", "-year"))
    for report in reports:
        report.due = deadline_of(report.organization, report.year, report.first_published_at)
    return render(request, "workspace/review_queue.html", {"reports": reports})
