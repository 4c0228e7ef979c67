"""The download links of a report page, each with its type, size and pages: "PDF，452 KB，5 页".

The PDF's and the Word file's sizes (and the PDF's pages) are counted when they are rendered (tasks.py);
the JSON and CSV files are made from the frozen document on request, so their sizes are measured here, once
per page (the page itself is then cached).
"""

import json
import math

from django.urls import reverse

from .opendata import document_csv

# (format, link text, type as the facts name it)
FORMATS = (
    ("pdf", "PDF 文件", "PDF"),
    ("docx", "Word 文件", "Word"),
    ("json", "数据（JSON）", "JSON"),
    ("csv", "表格数据（CSV）", "CSV"),
)


def file_size(size):
    """Bytes as a reader says them: "452 KB" (rounded up, at least 1 KB), "1.2 MB" from one megabyte on."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, math.ceil(size / 1024))} KB"


def facts(kind, size, pages=None):
    """ "PDF，452 KB，5 页"; the size or the pages left out when not known."""
    parts = [kind]
    if size is not None:
        parts.append(file_size(size))
    if pages:
        parts.append(f"{pages} 页")
    return "，".join(parts)


def download_links(version, *, slug, year, permalink):
    """[{"url", "text", "facts"}] for a version (a PublishedVersion with its files' fields and content_json).
    ``permalink``: the links of the report's current URL, which follow the current version."""
    sizes = {"pdf": version.pdf_size, "docx": version.docx_size, **_data_sizes(version.content_json)}
    links = []
    for fmt, text, kind in FORMATS:
        if fmt == "docx" and not version.docx_sha256:
            continue
        if permalink:
            url = reverse("public:download", args=[slug, year, fmt])
        else:
            url = reverse("public:version_download", args=[slug, year, version.number, fmt])
        pages = version.pdf_pages if fmt == "pdf" else None
        links.append({"url": url, "text": text, "facts": facts(kind, sizes[fmt], pages)})
    return links


def _data_sizes(text):
    """The bytes the JSON and CSV downloads send (views.download makes them the same way)."""
    return {
        "json": len(text.encode("utf-8")),
        "csv": len(document_csv(json.loads(text)).encode("utf-8")),
    }
