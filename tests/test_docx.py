"""The Word file: read back with python-docx, it holds every label of the edition in order, every figure in
its cell, the official merged headers, the fonts of each level and the page of an official document."""

import copy
import datetime
import io
import re
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from disclosure import docx as word
from disclosure.documents import export_document, import_document, loads
from disclosure.formats import get_edition
from disclosure.formats.layout import layout
from disclosure.management.commands.load_demo import DEMO_DIR, REPORTS
from disclosure.management.commands.load_demo import Command as LoadDemo
from disclosure.rendering import printed_value

pytestmark = pytest.mark.django_db

# 18:30 on 19 January in UTC: the date printed is Beijing's, the properties hold the instant.
PUBLISHED_AT = datetime.datetime(2022, 1, 20, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(params=REPORTS)
def document(request):
    """A demo report's document, imported as load_demo does (without publishing: no PDF to render)."""
    return demo_document(request.param)


def demo_document(name):
    if name not in _documents:
        LoadDemo().load_organizations()
        report, *_ = import_document(loads((DEMO_DIR / name).read_text(encoding="utf-8")))
        _documents[name] = export_document(report)
    return copy.deepcopy(_documents[name])  # plain data: the database rows may go, the document stays valid


_documents = {}


def render(document, published_at=PUBLISHED_AT):
    return docx.Document(io.BytesIO(word.render_docx(document, published_at)))


# ---- reading a .docx back --------------------------------------------------------------------------


def word_rows(table):
    """Each row of a Word table as its own cells: (text, rows spanned, columns spanned). A vertically
    merged cell is counted in the row it starts in, as an HTML cell with a rowspan."""
    trs = table._tbl.tr_lst
    rows = []
    for r, tr in enumerate(trs):
        row, column = [], 0
        for tc in tr.tc_lst:
            if tc.vMerge != "continue":
                row.append((text_of(tc), rows_spanned(trs, r, column), tc.grid_span))
            column += tc.grid_span
        rows.append(row)
    return rows


def rows_spanned(trs, r, column):
    count = 1
    while r + count < len(trs) and cell_at(trs[r + count], column).vMerge == "continue":
        count += 1
    return count


def cell_at(tr, column):
    for tc in tr.tc_lst:
        if column < tc.grid_span:
            return tc
        column -= tc.grid_span
    raise AssertionError("no cell there")


def text_of(tc):
    return "".join(t.text for t in tc.iter(qn("w:t")))


def texts_in_order(doc):
    """The paragraphs and table cells of the body, in reading order."""
    texts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            texts.append(text_of(block))
        elif block.tag == qn("w:tbl"):
            texts += [text for row in word_rows(docx.table.Table(block, doc)) for text, _, _ in row]
    return texts


def matrix(table):
    """Every grid position's text (merged cells repeat their text), as python-docx resolves merges."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def east_asian_font(style):
    while style is not None:
        fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


# ---- labels and figures ----------------------------------------------------------------------------


def official_labels(document):
    """The title, then each part's label, its headed sections' labels and its table's header cells, in order."""
    edition = get_edition(document["edition"]["code"])
    labels = [document["title"]]
    for part in edition.parts:
        labels.append(part.label)
        labels += [s.label for s in part.sections if s.heading]
        if part.is_table:
            grid = layout(part.table)
            labels += [c.label for row in grid.head + grid.body for c in row if c.header and c.label]
    return labels


def test_every_official_label_in_order(document):
    texts, position = texts_in_order(render(document)), 0
    for label in official_labels(document):
        assert label in texts[position:], f"{label} missing or out of order"
        position = texts.index(label, position) + 1


def test_every_figure_in_its_cell(document):
    doc = render(document)
    tables = iter(doc.tables)
    checked = 0
    for part in document["parts"]:
        if "rows" not in part:
            continue
        cells = matrix(next(tables))
        for row in part["rows"]:
            r = row_index(cells, row["path"], row["label"])
            for cell in row["cells"]:
                c = column_index(cells, r, cell["path"], cell["label"])
                assert cells[r][c] == printed_value(cell["value"]), (row["label"], cell["path"], cell["label"])
                checked += 1
    assert checked == len(get_edition(document["edition"]["code"]).cell_specs())


def row_index(cells, path, label):
    """The first row holding the row's label at or after the first row holding all its heading rows'."""
    start = next(i for i, texts in enumerate(cells) if all(p in texts for p in path))
    if not label:  # table 四: one row of figures, under its headers
        return len(cells) - 1
    return next(i for i in range(start, len(cells)) if label in cells[i])


def column_index(cells, r, path, label):
    """The first column whose header texts above row r end with the column's path and label."""
    wanted = [*path, label]
    for c in range(len(cells[r])):
        above = [cells[i][c] for i in range(r) if not is_figure(cells[i][c])]
        headers = [t for i, t in enumerate(above) if i == 0 or t != above[i - 1]]
        if headers[-len(wanted) :] == wanted:
            return c
    raise AssertionError(f"no column headed {wanted}")


def is_figure(text):
    return re.fullmatch(r"[\d.,/-]*", text) is not None


def test_merged_headers_as_the_official_layout(document):
    doc = render(document)
    edition = get_edition(document["edition"]["code"])
    for table, expected in zip(doc.tables, edition.tables, strict=True):
        grid = layout(expected, fill=lambda spec: "")
        wanted = [[(c.label, c.rowspan, c.colspan) for c in row] for row in grid.head + grid.body]
        got = [
            [(text if is_label(text) else "", rows, columns) for text, rows, columns in row] for row in word_rows(table)
        ]
        assert got == wanted


def is_label(text):
    return not is_figure(text)


# ---- look ------------------------------------------------------------------------------------------


def test_fonts_by_level(document):
    doc = render(document)
    edition = get_edition(document["edition"]["code"])
    by_text = {p.text: p for p in doc.paragraphs}
    headed = [s.label for part in edition.parts for s in part.sections if s.heading]
    assert east_asian_font(by_text[document["title"]].style) == word.TITLE_FONT == "方正小标宋简体"
    assert {east_asian_font(by_text[p.label].style) for p in edition.parts} == {"黑体"}
    assert {east_asian_font(by_text[label].style) for label in headed} == {"楷体_GB2312"}
    body = [p for p in doc.paragraphs if p.text and p.style.name == "Normal"]
    assert len(body) > 10 and {east_asian_font(p.style) for p in body} == {"仿宋_GB2312"}
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16 and normal.paragraph_format.first_line_indent.pt == 32
    assert doc.styles[by_text[document["title"]].style.name].font.size.pt == 22


def test_official_fonts_have_fallbacks_in_the_font_table(document):
    doc = render(document)
    fonts = docx.oxml.parse_xml(doc.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE).blob)
    alternates = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in fonts
        if f.find(qn("w:altName")) is not None
    }
    assert alternates == {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}


def test_a4_page_with_the_official_margins(document):
    section = render(document).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = (section.top_margin, section.left_margin, section.bottom_margin, section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37, 28, 35, 26]
    assert all(abs(m - Mm(v)) < Mm(0.1) for m, v in zip(margins, (37, 28, 35, 26), strict=True))


def test_page_numbers_odd_right_even_left(document):
    doc = render(document)
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.settings.element.find(qn("w:mirrorMargins")) is not None
    for footer, alignment in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment.name.lower() == alignment
        field = paragraph._p.find(qn("w:fldSimple"))
        assert field.get(qn("w:instr")).strip() == "PAGE"
        assert text_of(paragraph._p) == "— 1 —"


def test_tables_bordered_with_repeated_header_rows(document):
    doc = render(document)
    borders = doc.styles["Table Grid"].element.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert {b.tag.split("}")[1] for b in borders} >= {"top", "left", "bottom", "right", "insideH", "insideV"}
    edition = get_edition(document["edition"]["code"])
    for table, described in zip(doc.tables, edition.tables, strict=True):
        assert table.style.name == "Table Grid"
        repeated = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        heads = len(layout(described).head)
        assert repeated == [True] * heads + [False] * (len(repeated) - heads)


def test_figures_centred_row_labels_left(document):
    table = render(document).tables[1]  # 三: row labels on the left, figures to the right
    last = table.rows[-1].cells
    assert last[0].paragraphs[0].alignment.name == "LEFT"
    assert last[-1].paragraphs[0].paragraph_format.alignment is None  # the table style's: centred
    assert table.rows[-1].cells[-1].paragraphs[0].style.paragraph_format.alignment.name == "CENTER"


def test_document_properties_and_publication_date(document):
    doc = render(document)
    props = doc.core_properties
    assert props.title == document["title"]
    assert props.author == document["organization"]["name"]
    assert props.language == "zh-CN"
    assert props.created == props.modified == PUBLISHED_AT
    assert [p.text for p in doc.paragraphs[-2:]] == [document["organization"]["name"], "2022年1月20日"]


# ---- the 更正说明, blanks, unsafe text ---------------------------------------------------------------


def test_correction_note_after_the_title():
    document = demo_document(REPORTS[-1])
    document["correction_note"] = "更正了表三的数字。\n第二段说明。"
    texts = [p.text for p in render(document).paragraphs]
    assert texts[1:4] == [word.CORRECTION_HEADING, "更正了表三的数字。", "第二段说明。"]
    assert word.CORRECTION_HEADING == "更正说明"


def test_no_correction_note_in_a_first_version():
    texts = [p.text for p in render(demo_document(REPORTS[-1])).paragraphs]
    assert word.CORRECTION_HEADING not in texts


def test_a_blank_cell_stays_blank():
    document = demo_document(REPORTS[-1])
    table_part = next(p for p in document["parts"] if "rows" in p)
    row = table_part["rows"][0]
    row["cells"][0]["value"] = None
    cells = matrix(render(document).tables[0])
    r = row_index(cells, row["path"], row["label"])
    c = column_index(cells, r, row["cells"][0]["path"], row["cells"][0]["label"])
    assert cells[r][c] == ""


def test_markup_and_characters_xml_cannot_hold_render_safely():
    document = demo_document(REPORTS[-1])
    narrative = next(p for p in document["parts"] if "sections" in p)["sections"][-1]
    narrative["text"] = "<script>alert(1)</script> & <w:p/> ]]> A\x0bB\x01C\x1fD\ud800E\ufffeF"
    data = word.render_docx(document, PUBLISHED_AT)
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "<script>alert(1)</script> & <w:p/> ]]> A" in texts  # \x0b is a line break: a new paragraph
    assert "BCDEF" in texts


def test_markup_in_a_table_cell_renders_as_text():
    """Table rows are written as XML text (for speed): a value that looks like markup stays text."""
    document = demo_document(REPORTS[-1])
    row = next(p for p in document["parts"] if "rows" in p)["rows"][0]
    row["cells"][0]["value"] = '<w:t>1</w:t> & "\x01'
    cells = matrix(render(document).tables[0])
    r = row_index(cells, row["path"], row["label"])
    c = column_index(cells, r, row["cells"][0]["path"], row["cells"][0]["label"])
    assert cells[r][c] == '<w:t>1</w:t> & "'


def test_publication_date_is_the_date_in_beijing():
    evening_in_utc = datetime.datetime(2022, 1, 19, 18, 30, tzinfo=datetime.UTC)
    doc = render(demo_document(REPORTS[-1]), evening_in_utc)
    assert doc.paragraphs[-1].text == "2022年1月20日"
