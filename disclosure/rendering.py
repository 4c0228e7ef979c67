"""What the report body shows, built from the JSON document.

The public page, the PDF and the workspace preview all render ``templates/report/body.html`` from the same
document (``documents.export_document``): a published version renders from its frozen content, a draft's
preview from its current state, so the preview is exactly what the public will see.
"""

from decimal import Decimal

from .formats import CellKey, get_edition
from .formats.layout import layout
from .formats.values import format_value


def document_values(document):
    """{CellKey: printed value} from a document's table parts."""
    values = {}
    for part in document["parts"]:
        for row in part.get("rows", []):
            for cell in row["cells"]:
                values[CellKey(part["code"], row["code"], cell["column"])] = _printed(cell["value"])
    return values


def _printed(value):
    if isinstance(value, float | int):
        return format_value(Decimal(repr(value)))
    return value or ""  # "/" or blank


def paragraphs(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def body_context(document):
    edition = get_edition(document["edition"]["code"])
    values = document_values(document)
    texts = {document["preface"]["code"]: document["preface"]["text"]}
    for part in document["parts"]:
        for section in part.get("sections", []):
            texts[section["code"]] = section["text"]
    parts = []
    for part in edition.parts:
        item = {"code": part.code, "label": part.label, "sections": [], "grid": None}
        if part.is_table:
            item["grid"] = layout(part.table, fill=lambda spec: values.get(spec.key, ""))
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
        "parts": parts,
    }
