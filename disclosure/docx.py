"""The Word file of a published version, built from its frozen JSON document.

The same body as the page and the PDF (``rendering.body_context``: the parts in order, the tables' merged
headers from ``formats.layout``), in the look of an official document in Word (docs/official-format.md §8,
GB/T 9704-2012): A4, 天头 37 mm / 订口 28 mm, title 2号小标宋, body 3号仿宋 indented two characters,
"一、" headings 黑体, "（一）" headings 楷体, page numbers "— N —" right on odd pages and left on even ones.
The font names are those of Chinese Windows; the font table names a fallback for each (``_FALLBACKS``).
"""

import io
import re
from datetime import UTC
from xml.sax.saxutils import escape

from django.utils import dateformat, timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt
from docx.text.run import Run
from lxml import etree

from .rendering import body_context

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # "一、" level
SUBHEADING_FONT = "楷体_GB2312"  # "（一）" level
PAGE_NUMBER_FONT = "宋体"
# Where Word lacks the first name it tries the font table's altName: the _GB2312 faces and 小标宋 ship only
# with older or publishing installs, 仿宋/楷体/宋体 with every Chinese Windows since Vista.
_FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(10.5)  # 5号, as the PDF's tables
SMALL_TABLE_SIZE = Pt(9)  # a table as wide as 四 (15 columns), as the PDF
WIDE_TABLE_COLUMNS = 12
LINE_PITCH = Pt(28.9)  # 22 lines in the 225 mm text block
INDENT = 2 * BODY_SIZE  # two characters

TEXT_WIDTH = Mm(156)
LABEL_SHARE = 0.5  # of a table's width, for its row labels; the figures share the rest

CORRECTION_HEADING = "更正说明"  # as body.html
EMPTY_SECTION = "（未填写）"  # as body.html
# Style ids (the built-in headings keep their outline levels, for Word's navigation pane).
STYLE_TITLE, STYLE_TABLE, STYLE_HEADING, STYLE_SUBHEADING = "ReportTitle", "ReportTable", "Heading1", "Heading2"
STYLE_GRID = "TableGrid"  # the built-in Table Grid: a single border on every side of every cell

# Characters XML 1.0 cannot hold (controls other than tab and line feed, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_docx(document, published_at):
    """The .docx bytes of a published version: ``document`` is its frozen content, ``published_at`` its date."""
    body = body_context(document)
    doc = Document()
    _set_up_page(doc)
    _set_up_styles(doc)
    _set_properties(doc, body, published_at)
    _add_page_numbers(doc)
    _add_body(doc, body)
    _add_signature(doc, body, published_at)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def clean(text):
    """Text as Word can store it: markup is escaped by lxml, characters XML cannot hold are dropped."""
    return _NOT_XML.sub("", str(text))


# ---- page ------------------------------------------------------------------------------------------


def _set_up_page(doc):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(35 - 7) - PAGE_NUMBER_SIZE  # the number's top 7 mm below the text block
    _mirror_margins(doc)
    doc.settings.odd_and_even_pages_header_footer = True


def _mirror_margins(doc):
    """订口 28 mm on the bound edge: left on odd pages, right on even ones. python-docx has no property for
    w:mirrorMargins; it goes in its place in the schema's sequence (Word refuses a file otherwise)."""
    doc.settings.element.insert_element_before(OxmlElement("w:mirrorMargins"), *_SETTINGS_AFTER_MIRROR_MARGINS)


# Elements of w:settings that come after w:mirrorMargins, the first few of the schema's sequence suffice.
_SETTINGS_AFTER_MIRROR_MARGINS = (
    "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop", "w:hideSpellingErrors", "w:hideGrammaticalErrors", "w:activeWritingStyle",
    "w:proofState", "w:formsDesign", "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView", "w:trackRevisions",
    "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection", "w:autoFormatOverride",
    "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:evenAndOddHeaders",
)  # fmt: skip


def _add_page_numbers(doc):
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, alignment):
    """ "— N —", 4号 宋体, one character in from the outer edge of the text block."""
    paragraph.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text) if text else _page_field(paragraph)
        _set_font(run.font, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page_field(paragraph):
    """A PAGE field: python-docx has no fields, so a w:fldSimple holding the run Word updates."""
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)
    return Run(field.find(qn("w:r")), paragraph)


# ---- styles ----------------------------------------------------------------------------------------


def _set_up_styles(doc):
    _document_language(doc, "zh-CN")
    _font_fallbacks(doc)
    normal = doc.styles["Normal"]
    _set_font(normal.font, BODY_FONT, BODY_SIZE)
    _paragraph_format(normal, indent=INDENT, line=LINE_PITCH, alignment=WD_ALIGN_PARAGRAPH.JUSTIFY)
    title = _new_style(doc, STYLE_TITLE, TITLE_FONT, TITLE_SIZE)
    _paragraph_format(title, indent=0, line=Pt(33), alignment=WD_ALIGN_PARAGRAPH.CENTER, after=LINE_PITCH)
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        _heading_style(doc.styles[name], font)
    table = _new_style(doc, STYLE_TABLE, BODY_FONT, TABLE_SIZE)
    _paragraph_format(table, indent=0, line=None, alignment=WD_ALIGN_PARAGRAPH.CENTER)


def _new_style(doc, style_id, font, size):
    style = doc.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = style.next_paragraph_style = doc.styles["Normal"]
    _set_font(style.font, font, size)
    return style


def _heading_style(style, font):
    """The built-in heading (it keeps its outline level, for Word's navigation pane) in the body's size,
    black, not bold, indented like the paragraphs."""
    _set_font(style.font, font, BODY_SIZE)
    style.font.bold = False
    style.font.color.rgb = None
    style.font.color.theme_color = None
    _paragraph_format(style, indent=INDENT, line=LINE_PITCH, alignment=WD_ALIGN_PARAGRAPH.LEFT)


def _paragraph_format(style, indent, line, alignment, after=0):
    fmt = style.paragraph_format
    fmt.first_line_indent, fmt.alignment = indent, alignment
    fmt.space_before, fmt.space_after = 0, after
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line


def _set_font(font, name, size):
    """python-docx's ``font.name`` sets only the Latin faces; Chinese text takes w:eastAsia, and the theme
    fonts of the default template (w:asciiTheme …) would override any name, so they go."""
    font.name, font.size = name, size
    fonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:cs"), name)


def _document_language(doc, language):
    """The default language of every run (w:docDefaults): Word's proofing and line breaking treat the
    text as Chinese rather than the template's en-US."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _font_fallbacks(doc):
    """Name a fallback for each official font in the font table (w:altName). The part is not an XML part
    in python-docx, so its bytes are rewritten."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for name, fallback in _FALLBACKS.items():
        font = OxmlElement("w:font", {qn("w:name"): name})
        font.append(OxmlElement("w:altName", {qn("w:val"): fallback}))
        font.append(OxmlElement("w:charset", {qn("w:val"): "86"}))  # GB 2312
        table.append(font)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---- properties ------------------------------------------------------------------------------------


def _set_properties(doc, body, published_at):
    props = doc.core_properties
    props.title = clean(body["title"])
    props.author = props.last_modified_by = clean(body["organization"]["name"])
    props.language = "zh-CN"
    props.comments = props.keywords = ""
    props.created = props.modified = _utc(published_at)
    props.revision = 1


def _utc(moment):
    """python-docx writes the clock time with a "Z": give it UTC."""
    if timezone.is_aware(moment):
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _publication_date(published_at):
    local = timezone.localtime(published_at) if timezone.is_aware(published_at) else published_at
    return dateformat.format(local, "Y年n月j日")  # as print.html


# ---- body ------------------------------------------------------------------------------------------


def _add_body(doc, body):
    _paragraph(doc, body["title"], STYLE_TITLE)
    if body["correction_note"]:
        _paragraph(doc, CORRECTION_HEADING, STYLE_HEADING)
        _add_paragraphs(doc, body["correction_note"])
    if body["imported"]:
        _add_imported(doc, body["imported"])
    _add_paragraphs(doc, body["preface"])
    for part in body["parts"]:
        _paragraph(doc, part["label"], STYLE_HEADING)
        for section in part["sections"]:
            _add_section(doc, section)
        if part["grid"]:
            _add_table(doc, part["grid"], part["columns"])


def _add_imported(doc, imported):
    """The notice of a report imported from its published original, as body.html shows it."""
    _paragraph(doc, imported["notice"], STYLE_HEADING)
    where = f"；原文网址：{imported['source_url']}" if imported["source_url"] else ""
    _paragraph(doc, f"原文发布日期：{_date(imported['published_on'])}{where}。以下内容按原文识别。")
    for total in imported["declared_totals"]:
        _paragraph(
            doc, f"{total['label']}：原文合计为 {total['declared']}，各项之和为 {total['computed'] or '（空白）'}"
        )
    if imported["problems"]:
        _paragraph(doc, imported["problems_heading"] + "：")
        _add_paragraphs(doc, imported["problems"])


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _add_section(doc, section):
    if section["heading"]:
        _paragraph(doc, section["label"], STYLE_SUBHEADING)
    if section["paragraphs"] or not section["heading"]:
        _add_paragraphs(doc, section["paragraphs"])
    else:
        _paragraph(doc, EMPTY_SECTION)


def _add_paragraphs(doc, paragraphs):
    for text in paragraphs:
        _paragraph(doc, text)


def _paragraph(doc, text, style_id=None):
    """A paragraph of ``text`` in a style given by id: python-docx's lookup by name scans every style."""
    paragraph = doc.add_paragraph(clean(text))
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def _add_signature(doc, body, published_at):
    """The organization and the publication date, right-aligned four characters in, as the PDF."""
    for text in (body["organization"]["name"], _publication_date(published_at)):
        paragraph = _paragraph(doc, text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = 0
        paragraph.paragraph_format.right_indent = 4 * BODY_SIZE
    doc.paragraphs[-2].paragraph_format.space_before = LINE_PITCH


# ---- tables ----------------------------------------------------------------------------------------


def _add_table(doc, grid, columns):
    """The grid of ``formats.layout`` as a Word table: spans become w:gridSpan and w:vMerge, the header
    rows repeat on every page, every cell has a border (the built-in Table Grid style)."""
    table = doc.add_table(rows=0, cols=grid.width)
    table._tbl.tblPr.style = STYLE_GRID  # by id, see _paragraph
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(columns)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    size = SMALL_TABLE_SIZE if grid.width > WIDE_TABLE_COLUMNS else TABLE_SIZE
    for number, row in enumerate(_word_rows(grid.head + grid.body, grid.width)):
        table._tbl.append(parse_xml(_row_xml(row, widths, size, header=number < len(grid.head))))
    doc.add_paragraph()  # Word needs a paragraph between two tables; here it spaces the next part


def _word_rows(rows, width):
    """Word's view of the grid: each row left to right as (cell, first column, columns spanned, vMerge).
    A cell spanning rows starts a vertical merge and is continued (cell None) in each row it covers."""
    covering = {}  # first column -> [rows still covered, columns spanned]
    for cells in rows:
        queue, row, column = list(cells), [], 0
        while column < width:
            if column in covering:
                left, span = covering[column]
                row.append((None, column, span, "continue"))
                covering[column][0] -= 1
                if left == 1:
                    del covering[column]
            else:
                cell = queue.pop(0)
                span = cell.colspan
                row.append((cell, column, span, "restart" if cell.rowspan > 1 else ""))
                if cell.rowspan > 1:
                    covering[column] = [cell.rowspan - 1, span]
            column += span
        yield row


# Table rows are written as WordprocessingML text: python-docx adds each element through its schema-order
# machinery, about 1 ms a cell, which made the tables three quarters of the render time. Elements are in
# the schema's order (Word refuses a file that is not); text goes through escape().


def _row_xml(row, widths, size, header):
    """w:cantSplit: a row never splits across pages; w:tblHeader: a header row repeats on every page."""
    properties = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    cells = "".join(
        _cell_xml(cell, sum(widths[start : start + span]), span, merge, size) for cell, start, span, merge in row
    )
    return f"<w:tr {nsdecls('w')}><w:trPr>{properties}</w:trPr>{cells}</w:tr>"


def _cell_xml(cell, width, span, merge, size):
    properties = f'<w:tcW w:w="{Emu(width).twips}" w:type="dxa"/>'
    properties += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    properties += f'<w:vMerge w:val="{merge}"/>' if merge else ""
    properties += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p>{_cell_paragraph_xml(cell, size)}</w:p></w:tc>"


def _cell_paragraph_xml(cell, size):
    """Centred (the table style's) but for row labels, on the left; a 第二十条 row of table 二 in 黑体 and the
    corner of table 三 smaller, as in the PDF. A cell covered by the one above (None) stays empty."""
    style = f'<w:pStyle w:val="{STYLE_TABLE}"/>'
    text = "" if cell is None else clean(cell.label if cell.header else cell.content)
    if not text:
        return f"<w:pPr>{style}</w:pPr>"
    alignment = '<w:jc w:val="left"/>' if cell.scope in ("row", "rowgroup") else ""
    classes = cell.classes.split()
    fonts = "".join(f' w:{a}="{HEADING_FONT}"' for a in ("ascii", "hAnsi", "eastAsia", "cs"))
    run_properties = f"<w:rFonts{fonts}/>" if "group" in classes else ""
    half_points = int((SMALL_TABLE_SIZE if "corner" in classes else size).pt * 2)
    run_properties += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    run = f'<w:r><w:rPr>{run_properties}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f"<w:pPr>{style}{alignment}</w:pPr>{run}"


def _column_widths(columns):
    """Row-label columns share LABEL_SHARE of the width, the figure columns the rest. ``columns`` is
    ``rendering.grid_columns``: "label" or "num" for each column."""
    figures = columns.count("num")
    labels = len(columns) - figures
    label_width = int(TEXT_WIDTH * LABEL_SHARE) if labels else 0
    figure = (TEXT_WIDTH - label_width) // figures
    return [Emu(w) for w in _label_widths(labels, label_width)] + [Emu(figure)] * figures


def _label_widths(count, width):
    """Several label columns (table 三's nested rows): the last, the leaf rows' labels, takes half."""
    if count <= 1:
        return [width] * count
    first = width // 2 // (count - 1)
    return [first] * (count - 1) + [width - first * (count - 1)]
