"""The summed tables of a supervising office's subtree (issue 9, item 2) and the drill-down of one cell.

Published reports are summed from ``RegionTotal`` (kept by each publication, ``disclosure.regions``): a few
rows per root, whatever the number of agencies. Asked to, reports submitted or approved but not yet published
are counted too, from their current cells, computed here (for a report being corrected, its new figures
replace those of its published version). Only entered cells are summed; every total is derived from the
sums by the edition's own derivations (``formats.values.derive``), never summed separately. "/" is not a
number and adds nothing; a cell no counted report gives a number for, and some give "/", sums to "/" (a
规章 row of agencies that make none), not to a blank.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from .formats import NOT_APPLICABLE, CellKey, UnknownEdition, edition_for_year
from .formats.values import derive, format_value
from .models import AnnualReport, Cell, Organization, PublishedFigure, PublishedVersion, RegionTotal

PENDING = (AnnualReport.Status.SUBMITTED, AnnualReport.Status.APPROVED)


@dataclass
class Sums:
    edition: object
    year: int
    values: dict  # every CellKey of the edition -> Decimal or None (blank: nobody gave a number)
    counted: int = 0  # reports counted
    missing: list = field(default_factory=list)  # organizations of the subtree whose report is not


def _add(target, rows, sign=1):
    for table, row, column, value in rows:
        key = CellKey(table, row, column)
        target[key] = target.get(key, Decimal(0)) + sign * value


def _published_sums(scope, year):
    """The subtree's totals of its published figures, per cell key (from ``RegionTotal``)."""
    sums = {}
    published = (
        RegionTotal.objects.filter(organization_id__in=scope.root_ids, year=year)
        .values_list("table", "row", "column")
        .annotate(total=Sum("value"))
        .order_by()
    )
    _add(sums, published)
    return sums


def _pending(scope, year):
    return scope.within(AnnualReport.objects.with_publication().filter(year=year, status__in=PENDING))


def region_sums(scope, year, include_pending=False):
    """The subtree's summed tables for the year: published reports, and pending ones when asked."""
    edition = edition_for_year(year)
    sums = _published_sums(scope, year)
    if include_pending:
        pending = list(_pending(scope, year).values_list("pk", "organization_id", "ever_published"))
        pending_ids = [pk for pk, _, _ in pending]
        corrected = [pk for pk, _, ever in pending if ever]
        cells = (
            Cell.objects.filter(report_id__in=pending_ids, value__isnull=False)
            .values_list("table", "row", "column")
            .annotate(total=Sum("value"))
            .order_by()
        )
        _add(sums, cells)
        replaced = (
            PublishedFigure.objects.filter(
                version__report_id__in=corrected, version__number=F("version__report__version"), value__isnull=False
            )
            .values_list("table", "row", "column")
            .annotate(total=Sum("value"))
            .order_by()
        )
        _add(sums, replaced, sign=-1)
    entered = {spec.key: sums[spec.key] for spec in edition.entered_cells() if spec.key in sums}
    slashes = _current_slashes(scope, year)
    if include_pending:
        # a report being corrected: its new cells stand for its published figures
        slashes = (
            slashes
            - _keys(_current_figures_of(corrected))
            + _keys(Cell.objects.filter(report_id__in=pending_ids, not_applicable=True))
        )
    _put_slashes(entered, slashes)
    counted = _counted_reports(scope, year, include_pending)
    missing = scope.within(Organization.objects.all(), "pk").exclude(pk__in=counted.values("organization_id"))
    return Sums(
        edition=edition,
        year=year,
        values=derive(edition, entered),
        counted=counted.count(),
        missing=list(missing.order_by("name").only("pk", "name", "slug")),
    )


def public_sums(scope, year):
    """The summed tables the public sees (issue 9, item 6): the newest *ready* version of each report of the
    subtree, nothing else — never a draft, a submitted or an approved report's figures.

    ``RegionTotal`` follows the newest frozen version, which is public only once rendered; so the few current
    versions not ready yet (rendering, failed) are taken out again and their report's newest ready version,
    if any, put back. Who has not published is the public listing's to say (``public.listing.year_reports``)."""
    edition = edition_for_year(year)
    sums = _published_sums(scope, year)
    unready = list(
        scope.within(
            PublishedVersion.objects.filter(report__year=year, number=F("report__version")).exclude(render_state=READY),
            "report__organization_id",
        ).values_list("pk", "report_id")
    )
    if unready:
        ready = PublishedVersion.objects.filter(report_id__in=[r for _, r in unready], render_state=READY)
        newest = {}
        for pk, report_id in ready.order_by("report_id", "number").values_list("pk", "report_id"):
            newest[report_id] = pk  # ascending numbers: the last one kept is the newest
        _add(sums, _figure_sums([pk for pk, _ in unready]), sign=-1)
        _add(sums, _figure_sums(list(newest.values())))
    entered = {spec.key: sums[spec.key] for spec in edition.entered_cells() if sums.get(spec.key) is not None}
    slashes = _current_slashes(scope, year)
    if unready:
        unready_reports = [r for _, r in unready]
        slashes = (
            slashes
            - _keys(_current_figures_of(unready_reports))
            + _keys(PublishedFigure.objects.filter(version_id__in=list(newest.values()), not_applicable=True))
        )
    _put_slashes(entered, slashes)
    public = scope.within(
        AnnualReport.objects.filter(year=year).filter(
            Exists(PublishedVersion.objects.filter(report=OuterRef("pk"), render_state=READY))
        )
    )
    return Sums(edition=edition, year=year, values=derive(edition, entered), counted=public.count())


READY = PublishedVersion.RenderState.READY


def _keys(rows):
    """Counter({CellKey: how many of the figures or cells are of it})."""
    counted = rows.values_list("table", "row", "column").annotate(n=Count("pk")).order_by()
    return Counter({CellKey(table, row, column): n for table, row, column, n in counted})


def _current_figures_of(report_ids):
    """The "/" figures of the given reports' current published versions."""
    return PublishedFigure.objects.filter(
        version__report_id__in=report_ids, version__number=F("version__report__version"), not_applicable=True
    )


def _current_slashes(scope, year):
    """The cells some current published version of the subtree's year gives as "/": one query."""
    figures = PublishedFigure.objects.filter(
        version__report__year=year, version__number=F("version__report__version"), not_applicable=True
    )
    return _keys(scope.within(figures, "version__report__organization_id"))


def _put_slashes(entered, slashes):
    """ "/" in the cells no counted report gives a number for and some give "/" (``slashes``: a Counter)."""
    for key, count in slashes.items():
        if count > 0 and entered.get(key) is None:
            entered[key] = NOT_APPLICABLE


def _figure_sums(version_ids):
    return (
        PublishedFigure.objects.filter(version_id__in=version_ids, value__isnull=False)
        .values_list("table", "row", "column")
        .annotate(total=Sum("value"))
        .order_by()
    )


def _counted_reports(scope, year, include_pending):
    """The reports the sums count, as a query (used as a subquery: no list of ids goes to the database)."""
    counted = Q(ever_published=True) | Q(status__in=PENDING) if include_pending else Q(ever_published=True)
    return scope.within(AnnualReport.objects.with_publication().filter(counted, year=year))


@dataclass
class AgencyValue:
    organization: Organization
    value: Decimal
    pending: bool = False  # counted from its current cells, not a published version

    @property
    def printed(self):
        return format_value(self.value)


def drill_down(scope, year, key, include_pending=False):
    """Each agency's value of one cell, largest first: what the summed cell adds up."""
    edition = edition_for_year(year)
    pending = {}
    if include_pending:
        pending = {r.pk: r for r in _pending(scope, year).select_related("organization").prefetch_related("cells")}
    figures = scope.within(
        PublishedFigure.objects.filter(
            version__report__year=year,
            version__number=F("version__report__version"),
            table=key.table,
            row=key.row,
            column=key.column,
            value__isnull=False,
        )
        .exclude(version__report_id__in=list(pending))
        .select_related("version__report__organization"),
        "version__report__organization_id",
    )
    found = [AgencyValue(f.version.report.organization, f.value) for f in figures]
    for report in pending.values():
        value = derive(edition, report.entered_values()).get(key)
        if isinstance(value, Decimal):
            found.append(AgencyValue(report.organization, value, pending=True))
    return sorted(found, key=lambda item: (-item.value, item.organization.name))


def counted_reports(scope, year, include_pending=False):
    """How many reports the year's sums count."""
    return _counted_reports(scope, year, include_pending).count()


def last_year(scope, year, key, include_pending=False):
    """(the same cell's sum a year earlier, the reports it counts), or (None, None) where the earlier edition
    has no cell of that code (the 2019/2021 boundary: rows that mean the same keep their code) or no earlier
    format exists."""
    try:
        edition = edition_for_year(year - 1)
    except UnknownEdition:
        return None, None
    if edition.cell(key) is None:
        return None, None
    before = region_sums(scope, year - 1, include_pending=include_pending)
    return before.values.get(key), before.counted
