"""The public report page shows the official format: every label in order, every figure in its cell."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from disclosure.formats import get_edition
from disclosure.formats.layout import layout
from disclosure.models import PublishedVersion
from disclosure.rendering import printed_value

pytestmark = pytest.mark.django_db

DEMO = [("xiuzhou-hitech-zone", 2020), ("xiuzhou-education", 2021)]


# ---- helpers shared with test_pdf ---------------------------------------------------------------------


def edition_labels(edition):
    """Every official label of an edition, in reading order: parts (a table's part title is its title too:
    it is printed once), section headings, and each table's header cells row by row, as the format prints
    them."""
    labels = []
    for part in edition.parts:
        labels.append(part.label)
        if part.is_table:
            grid = layout(part.table)
            for row in [*grid.head, *grid.body]:
                labels += [c.label for c in row if c.header and c.label]
        else:
            labels += [s.label for s in part.sections if s.heading]
    return labels


def assert_in_order(labels, text):
    """Each label occurs in the text after the previous one (whitespace ignored: PDFs wrap inside cells)."""
    text = re.sub(r"\s+", "", text)
    position = 0
    for label in labels:
        needle = re.sub(r"\s+", "", label)
        found = text.find(needle, position)
        assert found >= 0, f"“{label}” not found in order after: {text[position : position + 60]}…"
        position = found + len(needle)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(html):
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


class Tables(HTMLParser):
    """The tables of a page as matrices of cells, spans expanded (a spanned cell repeats its cell). A table's
    "caption" is its accessible name: its caption, or the text of the element its aria-labelledby names."""

    def __init__(self, html):
        super().__init__()
        self.tables, self._cell, self._caption = [], None, False
        self._texts, self._open_ids = {}, []
        self.feed(html)
        for table in self.tables:
            table["caption"] = table["caption"] or self._texts.get(table["labelledby"], "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self._open_ids.append((tag, attrs["id"]))
            self._texts[attrs["id"]] = ""
        if tag == "table":
            self.tables.append({"caption": "", "labelledby": attrs.get("aria-labelledby", ""), "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = {
                "tag": tag,
                "text": "",
                "scope": attrs.get("scope", ""),
                "class": attrs.get("class", ""),
                "colspan": int(attrs.get("colspan", 1)),
                "rowspan": int(attrs.get("rowspan", 1)),
            }
            self.tables[-1]["rows"][-1].append(self._cell)

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()
        if tag in ("th", "td"):
            self._cell = None
        elif tag == "caption":
            self._caption = False

    def handle_data(self, data):
        for _, element_id in self._open_ids:
            self._texts[element_id] += data.strip()
        if self._cell is not None:
            self._cell["text"] += data.strip()
        elif self._caption:
            self.tables[-1]["caption"] += data.strip()

    @staticmethod
    def matrix(table):
        grid = {}
        for r, row in enumerate(table["rows"]):
            c = 0
            for cell in row:
                while (r, c) in grid:
                    c += 1
                for dr in range(cell["rowspan"]):
                    for dc in range(cell["colspan"]):
                        grid[(r + dr, c + dc)] = (cell, (r, c))
                c += cell["colspan"]
        return grid


def placed_figures(html):
    """(caption, row header, column header, text) of every data cell, read off the page's table geometry:
    the row header is the scope="row" cell in the same row, the column header the nearest scope="col" cell
    above it in the same column."""
    found = []
    for table in Tables(html).tables:
        grid = Tables.matrix(table)
        for (r, c), (cell, origin) in grid.items():
            if "num" not in cell["class"].split() or origin != (r, c):
                continue
            row_headers = [grid[(r, x)][0] for x in range(c) if grid[(r, x)][0]["scope"] == "row"]
            column_header = next(
                (grid[(y, c)][0] for y in range(r - 1, -1, -1) if grid[(y, c)][0]["scope"] == "col"), None
            )
            row_label = row_headers[-1]["text"] if row_headers else ""
            found.append((table["caption"], row_label, column_header["text"], cell["text"]))
    return found


def document_figures(document):
    return [
        (part["label"], row["label"], cell["label"], printed_value(cell["value"]))
        for part in document["parts"]
        for row in part.get("rows", [])
        for cell in row["cells"]
    ]


# ---- tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug,year", DEMO)
def test_every_label_of_the_edition_is_on_the_page_in_order(demo, client, slug, year):
    version = PublishedVersion.objects.get(report__organization__slug=slug, report__year=year)
    html = client.get(f"/reports/{slug}/{year}/").content.decode()
    edition = get_edition(version.content["edition"]["code"])
    assert_in_order([version.content["title"], *edition_labels(edition)], page_text(html))


@pytest.mark.parametrize("slug,year", DEMO)
def test_every_figure_sits_in_its_cell(demo, client, slug, year):
    version = PublishedVersion.objects.get(report__organization__slug=slug, report__year=year)
    html = client.get(f"/reports/{slug}/{year}/").content.decode()
    assert Counter(placed_figures(html)) == Counter(document_figures(version.content))


def test_the_sample_figures_as_published(demo, client):
    html = client.get("/reports/xiuzhou-hitech-zone/2020/").content.decode()
    figures = placed_figures(html)
    caption = "二、主动公开政府信息情况"
    assert (caption, "政府集中采购", "采购项目数量", "136") in figures
    assert (caption, "政府集中采购", "采购总金额", "685389") in figures


def test_the_demo_2021_figures_as_entered(demo, client):
    figures = placed_figures(client.get("/reports/xiuzhou-education/2021/").content.decode())
    assert ("二、主动公开政府信息情况", "规章", "本年制发件数", "/") in figures
    assert ("二、主动公开政府信息情况", "行政许可", "本年处理决定数量", "134") in figures
    table3 = "三、收到和处理政府信息公开申请情况"
    assert (table3, "一、本年新收政府信息公开申请数量", "自然人", "12") in figures
    assert (table3, "一、本年新收政府信息公开申请数量", "总计", "15") in figures


@pytest.mark.parametrize("slug,year", DEMO)
def test_the_page_is_accessible_markup(demo, client, slug, year):
    html = client.get(f"/reports/{slug}/{year}/").content.decode()
    assert '<html lang="zh-CN">' in html
    tables = Tables(html).tables
    assert len(tables) == 3 and all(t["caption"] for t in tables)
    for table in tables:
        for row in table["rows"]:
            assert all(cell["scope"] for cell in row if cell["tag"] == "th" and cell["text"])
    assert 'class="report-table-wrap" tabindex="0" role="region"' in html  # wide tables scroll in their box
    assert 'name="viewport" content="width=device-width' in html
