"""What the report body shows, built from the JSON document.

The public page, the PDF and the workspace preview all render ``disclosure/templates/report/body.html`` from the same
document (``documents.export_document``): a published version renders from its frozen content, a draft's
preview from its current state, so the preview is exactly what the public will see.
"""

import datetime
from decimal import Decimal

from django.template.loader import render_to_string

from .formats import CellKey, get_edition
from .formats.layout import layout, mark_label_levels
from .formats.values import format_value


def document_values(document):
    """{CellKey: printed value} from a document's table parts."""
    values = {}
    for part in document["parts"]:
        for row in part.get("rows", []):
            for cell in row["cells"]:
                values[CellKey(part["code"], row["code"], cell["column"])] = printed_value(cell["value"])
    return values


def printed_value(value):
    """A JSON cell value as printed: 12, 96171.6, "/", or "" for blank."""
    if isinstance(value, float | int):
        return format_value(Decimal(repr(value)))
    return value or ""  # "/" or blank


def paragraphs(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


WIDE_TABLE_COLUMNS = 5


def grid_columns(grid):
    """Each column of a grid as "label" (row headers, on the left) or "num" (figures), for ``<colgroup>``:
    the print stylesheet gives them fixed widths, which spares WeasyPrint the costly automatic table layout."""
    figures = max(sum(c.colspan for c in row if not c.header) for row in grid.body)
    return ["label"] * (grid.width - figures) + ["num"] * figures


def body_context(document):
    edition = get_edition(document["edition"]["code"])
    values = document_values(document)
    texts = {document["preface"]["code"]: document["preface"]["text"]}
    for part in document["parts"]:
        for section in part.get("sections", []):
            texts[section["code"]] = section["text"]
    parts = []
    for part in edition.parts:
        item = {"code": part.code, "label": part.label, "sections": [], "grid": None, "columns": None}
        if part.is_table:
            item["grid"] = mark_label_levels(layout(part.table, fill=lambda spec: values.get(spec.key, "")))
            item["columns"] = grid_columns(item["grid"])
            # More columns than a phone shows: the page says the table scrolls sideways (report.css).
            item["wide"] = item["grid"].width > WIDE_TABLE_COLUMNS
        else:
            item["sections"] = [
                {
                    "code": s.code,
                    "label": s.label,
                    "heading": s.heading,
                    "paragraphs": paragraphs(texts.get(s.code, "")),
                }
                for s in part.sections
            ]
        parts.append(item)
    return {
        "title": document["title"],
        "organization": document["organization"],
        "year": document["year"],
        "preface": paragraphs(texts.get(edition.preface.code, "")),
        "correction_note": paragraphs(document.get("correction_note") or ""),
        "imported": imported_context(document),
        "parts": parts,
    }


IMPORTED_NOTICE = "本报告由已发布的原文导入"
IMPORTED_PROBLEMS = "原文中的问题（系统核对所见，原样保留，未作修改）"


def imported_context(document):
    """What a report imported from its published original says about it (issue 10, item 4): where it was
    published and when, and the problems the checks find in it, shown as the original's, never fixed."""
    imported = document.get("imported")
    if not imported:
        return None
    return {
        "notice": IMPORTED_NOTICE,
        "published_on": datetime.date.fromisoformat(imported["published_on"]),
        "source_url": imported.get("source_url", ""),
        "original_name": imported.get("original_name", ""),
        "problems_heading": IMPORTED_PROBLEMS,
        "problems": [f["message"] for f in document.get("findings", [])],
        "declared_totals": _declared_totals(document, imported.get("declared_totals") or {}),
    }


def _declared_totals(document, declared):
    """[(label, declared in the original, computed from its cells)] of the totals that disagree."""
    edition = get_edition(document["edition"]["code"])
    values = document_values(document)
    out = []
    for key, value in declared.items():
        spec = edition.cell(CellKey(*key.split(".")))
        if spec is not None:
            out.append({"label": spec.label, "declared": printed_value(value), "computed": values.get(spec.key, "")})
    return out


def render_body(document):
    """The report body as an HTML fragment: stored with a published version, served inside the page shell."""
    return render_to_string("report/body.html", {"body": body_context(document)})


def render_print_html(document, published_at):
    """The complete HTML document WeasyPrint turns into the PDF: the same body, the print stylesheet."""
    context = {"body": body_context(document), "version": document["version"], "published_at": published_at}
    return render_to_string("report/print.html", context)
