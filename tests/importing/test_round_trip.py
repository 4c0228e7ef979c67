"""Round trip (issue 10): every published demo report's own public page, its rendered PDF, its rendered Word file
and a .docx written from it here with python-docx import back to exactly the same figures and narrative."""

import datetime
import io

import docx
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from disclosure.importing import recognise_file
from disclosure.importing.historical import import_historical
from disclosure.importing.recognition import MATCHED
from disclosure.models import PublishedVersion
from disclosure.rendering import body_context, document_values, printed_value
from tests import factories

pytestmark = pytest.mark.django_db


def published(demo):
    versions = list(PublishedVersion.objects.select_related("report__organization").order_by("report__year"))
    assert len(versions) == 2
    return versions


def printed(recognition):
    return {k: printed_value(_plain(v)) for k, v in recognition.values.items()}


def _plain(value):
    if value is None or value == "/":
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def texts_of(document):
    texts = {document["preface"]["code"]: document["preface"]["text"]}
    for part in document["parts"]:
        texts.update({s["code"]: s["text"] for s in part.get("sections") or []})
    return {code: "\n".join(line.strip() for line in text.splitlines() if line.strip()) for code, text in texts.items()}


def assert_same(recognition, version):
    document = version.content
    assert (recognition.year, recognition.edition.code) == (document["year"], document["edition"]["code"])
    assert recognition.organization_name == document["organization"]["name"]
    expected = document_values(document)
    got = printed(recognition)
    differing = {str(k): (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
    assert differing == {}, differing
    assert {str(k): r.status for k, r in recognition.cells.items() if r.status != MATCHED} == {}
    assert {k: v for k, v in recognition.texts.items() if v} == {k: v for k, v in texts_of(document).items() if v}


def stored(field):
    with default_storage.open(field.name) as f:
        return f.read()


def python_docx_of(document):
    """A Word file written from the document with python-docx alone, as an agency would type it: paragraphs,
    and each table in the official layout with its merged cells made by python-docx's ``merge``."""
    out = docx.Document()
    body = body_context(document)
    out.add_paragraph(body["title"])
    for line in body["preface"]:
        out.add_paragraph(line)
    for part in body["parts"]:
        out.add_paragraph(part["label"])
        for section in part["sections"]:
            if section["heading"]:
                out.add_paragraph(section["label"])
            for line in section["paragraphs"]:
                out.add_paragraph(line)
        if part["grid"]:
            _word_table(out, part["grid"])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _word_table(out, grid):
    rows = grid.head + grid.body
    table = out.add_table(rows=len(rows), cols=grid.width)
    taken = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            first = table.cell(r, c)
            if cell.colspan > 1 or cell.rowspan > 1:
                first = first.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            first.text = cell.label or str(cell.content or "")
            taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            c += cell.colspan


def test_public_page(demo, client):
    for version in published(demo):
        report = version.report
        page = client.get(reverse("public:report", args=[report.organization.slug, report.year])).content
        assert_same(recognise_file("page.html", page), version)


def test_rendered_pdf(demo):
    for version in published(demo):
        assert_same(recognise_file("report.pdf", stored(version.pdf)), version)


def test_rendered_word_file(demo):
    for version in published(demo):
        assert_same(recognise_file("report.docx", stored(version.docx)), version)


def test_docx_written_with_python_docx(demo):
    for version in published(demo):
        assert_same(recognise_file("report.docx", python_docx_of(version.content)), version)


def test_imported_back_the_same_figures_and_texts(demo, client):
    """The public page imported as another organization's historical report: the same figures, cell by cell,
    in its frozen version and in the relational figures the sums read."""
    for version in published(demo):
        report = version.report
        page = client.get(reverse("public:report", args=[report.organization.slug, report.year])).content
        copy = factories.organization(f"copy-{report.year}")
        imported = import_historical(
            recognise_file("page.html", page),
            organization=copy,
            published_on=datetime.date(report.year + 1, 1, 15),
            original_name="page.html",
            original_bytes=page,
        )
        assert imported.report.entered_values() == report.entered_values()
        assert imported.report.texts() == {k: texts_of(version.content)[k] for k in report.texts()}

        def figures(v):
            return {(f.table, f.row, f.column): (f.value, f.not_applicable) for f in v.figures.all()}

        assert figures(imported) == figures(version)
