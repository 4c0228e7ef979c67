"""Regions: an organization's subtree, and the sums of its published figures kept ready (``RegionTotal``).

A supervising office (政务公开办) sums the tables of every agency below it. Adding up the cells of hundreds of
reports on every page view grows with the subtree, so each publication adds its figures, and subtracts the
version it replaces, to the totals of its organization and of every organization above it, in the
publication's own transaction (``add_version_to_totals``, called by ``publishing``). ``rebuild`` computes the
same table from the figures of the current versions; ``manage.py rebuild_region_totals --check`` compares.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction


def _models(apps=None):
    """The models, from the app registry of a migration when given one (for the backfill)."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    get = apps.get_model
    return (
        get("disclosure", "Organization"),
        get("disclosure", "PublishedFigure"),
        get("disclosure", "PublishedVersion"),
        get("disclosure", "RegionTotal"),
    )


# ---- the tree ---------------------------------------------------------------------------------------------


def parents_map(Organization=None):
    """{organization id: parent id} of every organization: one query."""
    if Organization is None:
        Organization = _models()[0]
    return dict(Organization.objects.values_list("pk", "parent_id"))


def ancestors(organization_id, parents):
    """The organization and every one above it, nearest first."""
    chain, seen = [], set()
    while organization_id is not None and organization_id not in seen:
        seen.add(organization_id)
        chain.append(organization_id)
        organization_id = parents.get(organization_id)
    return chain


def subtree_ids(roots, parents):
    """The given organizations and all below them."""
    children = defaultdict(list)
    for pk, parent in parents.items():
        children[parent].append(pk)
    found, todo = set(), list(roots)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, ()))
    return found


def topmost(roots, parents):
    """The roots that are not below another one: their subtrees are disjoint and their totals add up."""
    roots = set(roots)
    return {r for r in roots if not any(a in roots for a in ancestors(r, parents)[1:])}


# ---- keeping the totals ---------------------------------------------------------------------------------


def _numbers(figures):
    """{(table, row, column): value} of the figures that are numbers ("/" is not one)."""
    return {(t, r, c): v for t, r, c, v in figures.values_list("table", "row", "column", "value") if v is not None}


def add_version_to_totals(version, replaced=None):
    """Add a newly published version's figures to the totals of its organization and every one above it,
    taking away those of the version it replaces (by default the one numbered just before it).

    Called inside the publication's transaction. The rows of the organizations concerned are locked first,
    in a fixed order, so two publications in the same region add up one after the other."""
    Organization, PublishedFigure, PublishedVersion, RegionTotal = _models()
    report = version.report
    if replaced is None and version.number > 1:
        replaced = PublishedVersion.objects.filter(report_id=report.pk, number=version.number - 1).first()
    deltas = defaultdict(lambda: [Decimal(0), 0])
    for key, value in _numbers(PublishedFigure.objects.filter(version=version)).items():
        deltas[key][0] += value
        deltas[key][1] += 1
    if replaced is not None:
        for key, value in _numbers(PublishedFigure.objects.filter(version=replaced)).items():
            deltas[key][0] -= value
            deltas[key][1] -= 1
    chain = ancestors(report.organization_id, parents_map(Organization))
    with transaction.atomic():
        list(Organization.objects.select_for_update().filter(pk__in=chain).order_by("pk").values_list("pk"))
        for organization_id in chain:
            _apply(RegionTotal, organization_id, report.year, deltas)


def _apply(RegionTotal, organization_id, year, deltas):
    """Add the deltas to one organization's totals of the year: one read, one upsert (INSERT … ON CONFLICT
    UPDATE on the cell's unique key), and a DELETE only for cells no published report gives a number any more.
    Django's ``bulk_update`` was avoided: it builds a CASE expression per field and row, a quarter of a second
    per organization for a report's hundred cells."""
    existing = {
        (table, row, column): (pk, value, reports)
        for pk, table, row, column, value, reports in RegionTotal.objects.filter(
            organization_id=organization_id, year=year
        ).values_list("pk", "table", "row", "column", "value", "reports")
    }
    kept, emptied = [], []
    for key, (value, count) in deltas.items():
        if not value and not count:
            continue
        pk, before, reports = existing.get(key, (None, Decimal(0), 0))
        value, count = before + value, reports + count
        if count <= 0:
            if pk is not None:
                emptied.append(pk)
            continue
        table, row, column = key
        kept.append(
            RegionTotal(
                organization_id=organization_id,
                year=year,
                table=table,
                row=row,
                column=column,
                value=value,
                reports=count,
            )
        )
    RegionTotal.objects.bulk_create(
        kept,
        update_conflicts=True,
        unique_fields=["organization", "year", "table", "row", "column"],
        update_fields=["value", "reports"],
    )
    if emptied:
        RegionTotal.objects.filter(pk__in=emptied).delete()


# ---- rebuilding and checking ------------------------------------------------------------------------------


def computed_totals(apps=None):
    """{(organization id, year, table, row, column): (value, reports)} from the current published versions'
    figures: summed per organization in the database, then carried up to every ancestor here."""
    Organization, PublishedFigure, _, _ = _models(apps)
    from django.db.models import Count, F, Sum

    own = (
        PublishedFigure.objects.filter(value__isnull=False, version__number=F("version__report__version"))
        .values("version__report__organization_id", "version__report__year", "table", "row", "column")
        .annotate(total=Sum("value"), reports=Count("pk"))
        .order_by()
    )
    parents = parents_map(Organization)
    totals = defaultdict(lambda: [Decimal(0), 0])
    for item in own:
        cell = (item["version__report__year"], item["table"], item["row"], item["column"])
        for organization_id in ancestors(item["version__report__organization_id"], parents):
            entry = totals[(organization_id, *cell)]
            entry[0] += item["total"]
            entry[1] += item["reports"]
    return {key: (value, count) for key, (value, count) in totals.items()}


def stored_totals(apps=None):
    RegionTotal = _models(apps)[3]
    rows = RegionTotal.objects.values_list("organization_id", "year", "table", "row", "column", "value", "reports")
    return {tuple(r[:5]): (r[5], r[6]) for r in rows}


def differences(apps=None):
    """Every (key, stored, computed) where the stored totals and the figures disagree."""
    stored, computed = stored_totals(apps), computed_totals(apps)
    return [
        (key, stored.get(key), computed.get(key))
        for key in sorted(set(stored) | set(computed))
        if stored.get(key) != computed.get(key)
    ]


def rebuild(apps=None):
    """Replace the whole table by the totals computed from the figures. Returns the number of rows."""
    RegionTotal = _models(apps)[3]
    computed = computed_totals(apps)
    with transaction.atomic():
        RegionTotal.objects.all().delete()
        RegionTotal.objects.bulk_create(
            (
                RegionTotal(organization_id=o, year=y, table=t, row=r, column=c, value=value, reports=count)
                for (o, y, t, r, c), (value, count) in computed.items()
            ),
            batch_size=2000,
        )
    return len(computed)


# ---- when the tree changes ------------------------------------------------------------------------------


def _remember_parent(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
    instance._region_moved = before != instance.parent_id


def _rebuild_when_moved(sender, instance, created=False, raw=False, **kwargs):
    """An organization moved under another parent carries its subtree's figures with it: every ancestor's
    totals change, old and new. Moves are rare (the admin), so the whole table is rebuilt, in the move's
    own transaction."""
    if not raw and not created and getattr(instance, "_region_moved", False):
        instance._region_moved = False
        rebuild()


def connect_signals():
    from django.db.models.signals import post_save, pre_save

    from .models import Organization

    pre_save.connect(_remember_parent, sender=Organization, dispatch_uid="region_totals_parent")
    post_save.connect(_rebuild_when_moved, sender=Organization, dispatch_uid="region_totals_moved")
