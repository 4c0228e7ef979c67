"""The public site: published versions only, no login. Anything unpublished or unknown is 404.

A version is public once its rendering is ready (``PublishedVersion.RenderState``): the report's URLs show
its newest ready version, so the previous one stays while a new one renders, and ``/vN/`` of a version that
is not ready is 404 like an unknown one. The page of a report wraps the body rendered into storage;
downloads are sent by the storage (``files.serve``), never read from the database. Nothing is rendered on a
request, so these views are a query or two and a small template each, and the pages are kept
(``pagecache``) until the next version becomes ready.
"""

import hashlib
import json

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from .. import sums
from ..formats import UnknownEdition, edition_for_year, get_edition
from ..formats.layout import layout, mark_label_levels
from ..formats.values import format_value
from ..importing.historical import content_type_of
from ..models import FIRST_EDITION_YEAR, EarlierReportFile, Organization, OriginalDocument, PublishedVersion
from ..permissions import OversightScope
from ..regions import parents_map, subtree_ids
from ..rendering import WIDE_TABLE_COLUMNS, grid_columns
from . import files
from .downloads import download_links
from .listing import earlier_files, organization_reports, organization_tree, summary_years, year_reports
from .opendata import document_csv
from .pagecache import cached_page

CURRENT_MAX_AGE = 300  # the current version may be replaced by a correction
VERSION_MAX_AGE = 365 * 24 * 3600  # a numbered version never changes

RECENT = 10
READY = PublishedVersion.RenderState.READY


@require_safe
@cached_page
def home(request):
    # A corrected report once: its newest ready version only.
    newer = PublishedVersion.objects.filter(
        report=OuterRef("report"), render_state=READY, number__gt=OuterRef("number")
    )
    recent = (
        PublishedVersion.objects.filter(render_state=READY)
        .exclude(Exists(newer))
        .select_related("report__organization")
        .only(*["number", "published_at", "report__year", "report__organization__name", "report__organization__slug"])
        .order_by("-published_at", "-id")[:RECENT]
    )
    ready = PublishedVersion.objects.filter(render_state=READY)
    years = ready.values_list("report__year", flat=True).order_by("-report__year").distinct()
    context = {"recent": recent, "tree": organization_tree(list(Organization.objects.all())), "years": list(years)}
    return _short_cache(render(request, "public/home.html", context))


@require_safe
@cached_page
def organization(request, slug):
    below = Organization.objects.filter(parent=OuterRef("pk"))
    kept = EarlierReportFile.objects.filter(organization=OuterRef("pk"))
    org = get_object_or_404(
        Organization.objects.select_related("parent").annotate(has_children=Exists(below), has_earlier=Exists(kept)),
        slug=slug,
    )
    years = summary_years(org) if org.has_children else []  # an agency's page costs no query more
    context = {"organization": org, "reports": organization_reports(org), "summary_years": years}
    # Likewise the files of reports before the national format: read only when there are some.
    context["earlier"] = earlier_files(org) if org.has_earlier else []
    context["first_year"] = FIRST_EDITION_YEAR
    return _short_cache(render(request, "public/organization.html", context))


@require_safe
@cached_page
def year(request, year):
    rows = year_reports(year)
    if not any(row["published"] for row in rows):
        raise Http404
    context = {"year": year, "rows": rows, "today": timezone.localdate()}
    return _short_cache(render(request, "public/year.html", context))


@require_safe
@cached_page
def region_summary(request, slug, year):
    """A government's region in figures (issue 9, item 6): the tables of its subtree's public versions summed in
    the official layout, and who has published. 404 for an organization with nothing below it, and until
    something of its subtree is public for the year."""
    org = get_object_or_404(Organization, slug=slug)
    parents = parents_map()
    ids = subtree_ids([org.pk], parents)
    if len(ids) < 2:
        raise Http404
    try:
        edition = edition_for_year(year)
    except UnknownEdition:
        raise Http404 from None
    result = sums.public_sums(OversightScope(frozenset([org.pk]), frozenset(ids), parents), year)
    if not result.counted:
        raise Http404
    rows = year_reports(year, root=org)
    context = {
        "organization": org,
        "year": year,
        "sums": result,
        "parts": _summed_parts(edition, result.values),
        "published": [r for r in rows if r["published"]],
        "unpublished": [r for r in rows if not r["published"]],
        "today": timezone.localdate(),
    }
    return _short_cache(render(request, "public/summary.html", context))


def _summed_parts(edition, values):
    """The table parts of the edition, each with its grid filled with the summed values."""

    def fill(spec):
        value = values.get(spec.key)
        return "" if value is None else format_value(value)

    parts = []
    for part in edition.parts:
        if part.is_table:
            grid = mark_label_levels(layout(part.table, fill=fill))
            wide = grid.width > WIDE_TABLE_COLUMNS
            parts.append(
                {"code": part.code, "label": part.label, "grid": grid, "columns": grid_columns(grid), "wide": wide}
            )
    return parts


# ---- a report ---------------------------------------------------------------------------------------


def _versions(slug, year):
    """The public (ready) versions of a report, newest first, as light rows; 404 when there is none."""
    rows = list(
        PublishedVersion.objects.filter(report__organization__slug=slug, report__year=year, render_state=READY)
        .order_by("-number")
        .values("id", "number", "published_at", "pdf_sha256", "docx_sha256", "rendered_at", *ORIGINAL_FIELDS)
    )
    if not rows:
        raise Http404
    return rows


# The original a historical report was imported from (always its version 1), read with the versions.
ORIGINAL_FIELDS = [f"original__{name}" for name in ("name", "size", "sha256", "source_url", "published_on")]


def _original_of(versions):
    first = versions[-1]
    if not first["original__sha256"]:
        return None
    return {name.removeprefix("original__"): first[name] for name in ORIGINAL_FIELDS}


def _pick(versions, number):
    if number is None:
        return versions[0]
    for version in versions:
        if version["number"] == number:
            return version
    raise Http404


@require_safe
@cached_page
def report(request, slug, year, number=None):
    versions = _versions(slug, year)
    chosen = _pick(versions, number)
    return _short_cache(_render_report(request, versions, chosen, number))


def _render_report(request, versions, chosen, number):
    version = (
        PublishedVersion.objects.select_related("report__organization")
        .only(
            "number",
            "body",
            "content_json",
            "pdf_sha256",
            "pdf_size",
            "pdf_pages",
            "docx_sha256",
            "docx_size",
            "correction_note",
            "published_at",
            "report__year",
            "report__edition",
            "report__organization__name",
            "report__organization__slug",
        )
        .get(pk=chosen["id"])
    )
    org = version.report.organization
    context = {
        "version": version,
        "body": files.read_text(version.body),
        "contents": contents(version),
        "downloads": download_links(version, slug=org.slug, year=version.report.year, permalink=number is None),
        "report": version.report,
        "organization": version.report.organization,
        "versions": versions,
        "current": versions[0],
        "is_current": chosen is versions[0],
        "first_published_at": versions[-1]["published_at"],
        "original": _original_of(versions),
    }
    return render(request, "public/report.html", context)


def contents(version):
    """The 目录 of a report page: (anchor, label) of the 更正说明 and of each part, as report/body.html sets
    them out."""
    entries = [("correction-note", "更正说明")] if version.correction_note else []
    entries += [(f"part-{part.code}", part.label) for part in get_edition(version.report.edition).parts]
    return entries


# ---- downloads --------------------------------------------------------------------------------------


@require_safe
@cached_page
def original(request, slug, year):
    """The original a report was imported from — or, for a year before the national format, the file its
    free-form report was kept as — always as a download: an HTML page saved from another site is never
    rendered on our origin (it would run with our cookies), only offered as bytes to save."""
    if year < FIRST_EDITION_YEAR:
        found = get_object_or_404(EarlierReportFile, organization__slug=slug, year=year)
    else:
        found = get_object_or_404(
            OriginalDocument.objects.filter(version__render_state=READY),
            version__report__organization__slug=slug,
            version__report__year=year,
        )
    etag = f'"{found.sha256}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = files.serve(
            found.file, filename=found.name, content_type=content_type_of(found.name), attachment=True
        )
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    if getattr(response, "signed_redirect", False):
        response["Cache-Control"] = f"public, max-age={min(CURRENT_MAX_AGE, settings.SIGNED_URL_SECONDS // 2)}"
        return response
    return _short_cache(response)


@require_safe
@cached_page
def download(request, slug, year, fmt, number=None):
    chosen = _pick(_versions(slug, year), number)
    if fmt in STORED:
        if not chosen[f"{fmt}_sha256"]:
            raise Http404  # rendered before this output existed; `render_reports` adds it
        etag, body = f'"{chosen[f"{fmt}_sha256"]}"', None
    else:
        text = PublishedVersion.objects.values_list("content_json", flat=True).get(pk=chosen["id"])
        body = (text if fmt == "json" else document_csv(json.loads(text))).encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()}"'
    filename = f"{slug}-{year}-v{chosen['number']}.{fmt}"
    response = get_conditional_response(request, etag=etag)  # a 304 reads no file
    if response is None and body is None:
        stored = getattr(PublishedVersion.objects.only(fmt).get(pk=chosen["id"]), fmt)
        response = files.serve(stored, filename=filename, content_type=CONTENT_TYPES[fmt], attachment=fmt == "docx")
    elif response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(fmt == "csv", filename)
    response["ETag"] = etag
    if getattr(response, "signed_redirect", False):
        # The signed URL expires: no cache may keep the redirect longer than half its life.
        response["Cache-Control"] = f"public, max-age={min(CURRENT_MAX_AGE, settings.SIGNED_URL_SECONDS // 2)}"
        return response
    if number is None:
        return _short_cache(response)
    response["Cache-Control"] = f"public, max-age={VERSION_MAX_AGE}, immutable"
    return response


STORED = ("pdf", "docx")  # rendered files in storage; json and csv come from the frozen document
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def _short_cache(response):
    response["Cache-Control"] = f"public, max-age={CURRENT_MAX_AGE}"
    return response
