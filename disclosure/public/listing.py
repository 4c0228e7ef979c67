"""What the public lists show: organizations as a tree, an organization's reports, a year's reports.

"Published on time" compares the first publication of a report (version 1) with its deadline
(``Organization.deadline``: 1月31日 for departments, 3月31日 for governments, of the following year).
"""

from django.utils import timezone

from ..earlier import kind_of
from ..models import EarlierReportFile, Organization, PublishedVersion
from .downloads import facts

READY = PublishedVersion.RenderState.READY  # only versions whose rendering is ready are public


def organization_tree(organizations):
    """[{"organization", "children": [...]}] from a flat list, roots first, names in order."""
    nodes = {org.pk: {"organization": org, "children": []} for org in organizations}
    roots = []
    for org in organizations:
        parent = nodes.get(org.parent_id)
        (parent["children"] if parent else roots).append(nodes[org.pk])
    return roots


def _publications(versions):
    """{report id: {"first": date, "current": number, "current_at": datetime}} from version rows."""
    found = {}
    for row in versions:
        item = found.setdefault(row["report_id"], {"first": None, "current": 0, "current_at": None, **row})
        at = timezone.localtime(row["published_at"])
        if item["first"] is None or at.date() < item["first"]:
            item["first"] = at.date()
        if row["number"] > item["current"]:
            item["current"], item["current_at"] = row["number"], at
    return found


def _status(deadline, first):
    return {"deadline": deadline, "first_published": first, "on_time": first is not None and first <= deadline}


def organization_reports(org):
    """The organization's published reports, newest year first."""
    rows = (
        PublishedVersion.objects.filter(report__organization=org, render_state=READY)
        .order_by()
        .values("report_id", "report__year", "number", "published_at")
    )
    reports = []
    for item in _publications(rows).values():
        year = item["report__year"]
        reports.append({"year": year, "version": item["current"], **_status(org.deadline(year), item["first"])})
    return sorted(reports, key=lambda r: r["year"], reverse=True)


def earlier_files(org):
    """The files an organization's reports before the national format were kept as, newest year first."""
    rows = EarlierReportFile.objects.filter(organization=org).order_by("-year")
    rows = rows.values("year", "name", "size", "published_on", "source_url")
    return [{**row, "facts": facts(kind_of(row["name"]), row["size"])} for row in rows]


def year_reports(year, root=None):
    """Every organization (in tree order) with its report for the year: published or not, when, on time.
    With ``root``, only that organization and those below it (a region's summary page).

    A row's ``summary`` says whether the organization has organizations below it of which one at least has
    published: its region summary page (``/reports/<org>/<year>/summary/``) then exists."""
    versions = (
        PublishedVersion.objects.filter(report__year=year, render_state=READY)
        .order_by()
        .values("report_id", "report__organization_id", "number", "published_at")
    )
    by_org = {item["report__organization_id"]: item for item in _publications(versions).values()}
    nodes = organization_tree(list(Organization.objects.all()))
    if root is not None:
        nodes = [node for node in _nodes(nodes) if node["organization"].pk == root.pk]
    rows = []
    for org, depth, node in _walk(nodes):
        item = by_org.get(org.pk)
        rows.append(
            {
                "organization": org,
                "depth": depth,
                "published": item is not None,
                "version": item["current"] if item else None,
                "summary": bool(node["children"]) and any(n["organization"].pk in by_org for n in _nodes([node])),
                **_status(org.deadline(year), item["first"] if item else None),
            }
        )
    return rows


def summary_years(org):
    """The years for which the organization's region summary exists: it has organizations below it, and
    something of its subtree (itself included) is public for that year."""
    from ..regions import parents_map, subtree_ids

    ids = subtree_ids([org.pk], parents_map())
    if len(ids) < 2:
        return []
    versions = PublishedVersion.objects.filter(report__organization_id__in=ids, render_state=READY)
    return sorted(set(versions.values_list("report__year", flat=True)), reverse=True)


def _walk(nodes, depth=0):
    for node in nodes:
        yield node["organization"], depth, node
        yield from _walk(node["children"], depth + 1)


def _nodes(nodes):
    """Every node of the trees, depth first."""
    for node in nodes:
        yield node
        yield from _nodes(node["children"])
