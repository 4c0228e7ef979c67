"""Indicators and prompts of a supervising office (issue 9, item 3): for its subtree and for each agency, the
applications received over the last five years (with how many reports each year's figure covers), the shares
of the results (予以公开 … 其他处理: every row （七）总计 adds up), the 纠错率 of 行政复议 and 行政诉讼
(结果纠正 ÷ 总计); and prompts — not findings — for agencies whose key figures jump more than threefold or fall
to zero against last year, or that received no application three years running.

Every cell is named by the edition's description (``formats``): a year's cells are read under its own
edition, and years compare by code. The subtree's figures come from ``RegionTotal`` and an agency's from its
current published version (``PublishedFigure``), a fixed number of queries whatever the number of agencies.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from .formats import UnknownEdition, edition_for_year
from .formats.values import derive, format_value
from .models import AnnualReport, Organization, PublishedFigure, RegionTotal

YEARS_SHOWN = 5
JUMP = 3  # a figure more than this many times last year's is prompted
# A change is prompted only when one of the two years reaches this: 1 → 4 or 3 → 0 is chance, not news.
MIN_FIGURE = 5
ZERO_YEARS = 3  # no application this many years running is prompted


def edition_or_none(year):
    try:
        return edition_for_year(year)
    except UnknownEdition:
        return None


def _tables(edition):
    return edition.table_of_kind("applications"), edition.table_of_kind("litigation")


# ---- reading the figures ----------------------------------------------------------------------------------


def _by_year(rows, editions):
    """{year: every value of the year's edition}, derived from the entered cells (totals from the sums)."""
    entered = defaultdict(dict)
    for year, table, row, column, value in rows:
        key = (table, row, column)
        edition = editions[year]
        spec = edition.cell(key) if edition else None
        if spec is not None and not spec.derived and value is not None:
            entered[year][spec.key] = value
    return {year: derive(editions[year], cells) for year, cells in entered.items()}


def _table_codes(editions):
    return {t.code for e in editions.values() if e for t in _tables(e)}


def region_values(scope, years):
    """The subtree's summed values per year (published reports), from the region totals: one query."""
    editions = {year: edition_or_none(year) for year in years}
    rows = (
        RegionTotal.objects.filter(organization_id__in=scope.root_ids, year__in=years, table__in=_table_codes(editions))
        .values_list("year", "table", "row", "column", "value")
        .order_by()
    )
    summed = defaultdict(Decimal)
    for year, table, row, column, value in rows:  # several roots (a superuser's): add their totals up
        summed[(year, table, row, column)] += value
    return _by_year(((*key, value) for key, value in summed.items()), editions)


def region_report_counts(scope, years):
    """{year: the subtree's published reports}, those the year's summed figures cover: one query. A year
    still being published sits beside complete ones, and the reader must see which is which."""
    counted = scope.within(AnnualReport.objects.with_publication().filter(ever_published=True, year__in=years))
    return dict(counted.order_by().values("year").annotate(n=Count("pk")).values_list("year", "n"))


def _current_figures():
    """The figures of each report's current published version."""
    return PublishedFigure.objects.filter(version__number=F("version__report__version"))


def agency_values(organization, years):
    """An agency's values per year, from its current published versions: one query."""
    editions = {year: edition_or_none(year) for year in years}
    rows = (
        _current_figures()
        .filter(
            version__report__organization=organization,
            version__report__year__in=years,
            table__in=_table_codes(editions),
        )
        .values_list("version__report__year", "table", "row", "column", "value")
    )
    return _by_year(rows, editions)


# ---- the indicators ----------------------------------------------------------------------------------------


def percent(part, whole):
    """ "37.5%", or "—" when there is nothing to divide by."""
    if not whole:
        return "—"
    return f"{(Decimal(100) * part / whole).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass
class YearValue:
    year: int
    value: Decimal | None  # None: no published figure (or no format) that year
    reports: int | None = None  # the published reports the figure covers (a subtree's), None: one agency's

    @property
    def printed(self):
        return "—" if self.value is None else format_value(self.value)

    @property
    def coverage(self):
        """ "（22 份报告）" beside a subtree's figure, "" for one agency's."""
        return "" if self.reports is None else reports_note(self.reports)


def reports_note(count):
    return f"（{count} 份报告）"


@dataclass
class Share:
    label: str
    value: Decimal
    whole: Decimal

    @property
    def printed(self):
        return format_value(self.value)

    @property
    def percent(self):
        return percent(self.value, self.whole)

    @property
    def fraction(self):
        return float(self.value / self.whole) if self.whole else 0.0


@dataclass
class Rate:
    label: str
    corrected: Decimal
    total: Decimal

    @property
    def percent(self):
        return percent(self.corrected, self.total)

    @property
    def fraction(self):
        return float(self.corrected / self.total) if self.total else None

    @property
    def counts(self):
        return f"{format_value(self.corrected)} / {format_value(self.total)}"


@dataclass
class Indicators:
    year: int
    received: list  # of YearValue, oldest first
    received_label: str
    shares: list  # of Share, in the official order
    rates: list  # of Rate: 行政复议, 行政诉讼
    has_year: bool  # any published figure for the year itself

    @property
    def results_total(self):
        return self.shares[0].whole if self.shares else Decimal(0)


def _received(values, years, counts=None):
    found = []
    for year in years:
        edition, cells = edition_or_none(year), values.get(year)
        value = cells.get(_tables(edition)[0].received_key()) if edition and cells else None
        found.append(YearValue(year, value, None if counts is None else counts.get(year, 0)))
    return found


def _shares(edition, cells):
    applications = _tables(edition)[0]
    parts = [
        (row.name, sum((cells.get(k) or Decimal(0) for k in keys), Decimal(0)))
        for row, keys in applications.outcome_keys()
    ]
    # The shares are of the table's own （七）总计, which these rows make up (``outcome_keys``).
    whole = cells.get(applications.results_total_key()) or sum((value for _, value in parts), Decimal(0))
    return [Share(label, value, whole) for label, value in parts]


def _rates(edition, cells):
    litigation = _tables(edition)[1]

    def rate(label, blocks):
        corrected = sum((cells.get(litigation.corrected_key(b)) or Decimal(0) for b in blocks), Decimal(0))
        total = sum((cells.get(litigation.total_key(b)) or Decimal(0) for b in blocks), Decimal(0))
        return Rate(label, corrected, total)

    return [
        rate(litigation.reconsideration.label, [litigation.reconsideration]),
        rate(litigation.litigation_label, list(litigation.lawsuits)),
    ]


def shown_years(year):
    return list(range(year - YEARS_SHOWN + 1, year + 1))


def indicators_of(values, year, counts=None):
    """The indicators of the year from {year: values} (the subtree's or one agency's), and for a subtree
    {year: reports counted}."""
    edition = edition_for_year(year)
    cells = values.get(year, {})
    return Indicators(
        year=year,
        received=_received(values, shown_years(year), counts),
        received_label=_tables(edition)[0].row(_tables(edition)[0].new_row).label,
        shares=_shares(edition, cells),
        rates=_rates(edition, cells),
        has_year=bool(cells),
    )


def region_indicators(scope, year):
    years = shown_years(year)
    return indicators_of(region_values(scope, years), year, region_report_counts(scope, years))


def agency_indicators(organization, year):
    return indicators_of(agency_values(organization, shown_years(year)), year)


# ---- prompts -----------------------------------------------------------------------------------------------


@dataclass
class KeyFigure:
    """A figure whose sudden change is worth a phone call: named by the edition, read by code."""

    label: str
    keys: tuple  # CellKeys added up (行政诉讼: both lawsuit blocks)


def key_figures(edition):
    applications, litigation = _tables(edition)
    received = applications.row(applications.new_row)
    total_label = applications.total_column.label
    return [
        KeyFigure(f"{received.name}（{total_label}）", (applications.received_key(),)),
        KeyFigure(
            f"{litigation.reconsideration.label}{total_label}", (litigation.total_key(litigation.reconsideration),)
        ),
        KeyFigure(
            f"{litigation.litigation_label}{total_label}", tuple(litigation.total_key(b) for b in litigation.lawsuits)
        ),
    ]


@dataclass
class Prompt:
    organization: Organization
    kind: str  # "jump", "to_zero", "zero_years"
    figure: str
    before: Decimal | None
    now: Decimal

    @property
    def text(self):
        if self.kind == "jump":
            times = (self.now / self.before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{self.figure}由上年 {format_value(self.before)} 增至 {format_value(self.now)}（{times} 倍）"
        if self.kind == "to_zero":
            return f"{self.figure}由上年 {format_value(self.before)} 降为 0"
        return f"{self.figure}连续 {ZERO_YEARS} 年为 0"


def _figure_values(scope, years, editions, keys):
    """{organization id: {year: {CellKey: value}}} of the given cells of current published versions."""
    wanted = Q()
    for key in keys:
        wanted |= Q(table=key.table, row=key.row, column=key.column)
    figures = scope.within(
        _current_figures().filter(wanted, version__report__year__in=years, value__isnull=False),
        "version__report__organization_id",
    ).values_list("version__report__organization_id", "version__report__year", "table", "row", "column", "value")
    found = defaultdict(lambda: defaultdict(dict))
    for organization_id, year, table, row, column, value in figures:
        edition = editions.get(year)
        spec = edition.cell((table, row, column)) if edition else None
        if spec is not None:
            found[organization_id][year][spec.key] = value
    return found


def _value(cells, figure):
    found = [cells[k] for k in figure.keys if k in cells]
    return sum(found, Decimal(0)) if found else None


def _prompts_of(organization_id, by_year, year, figures):
    """(kind, figure label, before, now) of one agency."""
    now_cells, before_cells = by_year.get(year), by_year.get(year - 1)
    found = []
    if now_cells is not None and before_cells is not None:
        for figure in figures:
            now, before = _value(now_cells, figure), _value(before_cells, figure)
            if now is None or not before or max(now, before) < MIN_FIGURE:
                continue
            if now == 0:
                found.append(("to_zero", figure.label, before, now))
            elif now > JUMP * before:
                found.append(("jump", figure.label, before, now))
    received = figures[0]
    zeros = [_value(by_year.get(y) or {}, received) for y in range(year - ZERO_YEARS + 1, year + 1)]
    if all(v is not None and v == 0 for v in zeros):
        found.append(("zero_years", received.label, None, Decimal(0)))
    return found


def region_prompts(scope, year, organization=None):
    """Every prompt of the subtree's agencies for the year (or of one agency), by agency name: three queries
    at most, whatever the number of agencies."""
    years = list(range(year - ZERO_YEARS + 1, year + 1))
    editions = {y: edition_or_none(y) for y in years}
    figures = key_figures(editions[year])
    keys = {k for e in editions.values() if e for f in key_figures(e) for k in f.keys}
    if organization is not None:
        from .permissions import OversightScope

        scope = OversightScope(frozenset([organization.pk]), frozenset([organization.pk]), {})
    values = _figure_values(scope, years, editions, keys)
    found = {pk: _prompts_of(pk, by_year, year, figures) for pk, by_year in values.items()}
    found = {pk: items for pk, items in found.items() if items}
    organizations = Organization.objects.in_bulk(list(found))
    prompts = [Prompt(organizations[pk], *item) for pk, items in found.items() for item in items]
    return sorted(prompts, key=lambda p: (p.organization.name, p.kind))
