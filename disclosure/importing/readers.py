"""Readers: a published file's bytes → a ``Source`` of paragraphs and tables, in reading order.

Every reader keeps merged cells (rowspan/colspan) so that ``grid`` can put each header above its columns.
Nothing in a file is executed or fetched: HTML is parsed as data (scripts and styles are dropped, no URL is
followed), Word and PDF files are read by python-docx and pdfplumber.
"""

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_SIZE = 20 * 1024 * 1024  # far beyond any real report (they run to a few hundred KB)

SCANNED = "扫描件，无法识别文字"
# What the user can act on, not the parser's exception (its class name means nothing to them).
BROKEN_DOCX = "不是有效的 Word（.docx）文件：文件已损坏或不是 Word 文档，请用 Word 或 WPS 打开后重新保存为 .docx 再导入"
BROKEN_PDF = "不是有效的 PDF 文件：文件已损坏或不是 PDF，请重新下载或导出 PDF 后再导入"


class ImportRefused(Exception):
    """The file can't be read; the message says why, in Chinese."""


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    continues: bool = False  # a Word vertical merge's lower part: it shows the cell above


@dataclass
class Table:
    rows: list  # of lists of Cell
    # Rows that are the rest of the row above, cut by a page break (a PDF): their texts go on in it.
    continuation: set = field(default_factory=set)


@dataclass
class Source:
    blocks: list  # of str (a paragraph) or Table
    kind: str  # html / docx / pdf / text
    published: str = ""  # a publication date from the file's metadata, as written there
    title: str = ""  # the HTML <title>, a fallback for the report title
    notes: list = field(default_factory=list)

    def paragraphs(self):
        return [b for b in self.blocks if isinstance(b, str)]

    def tables(self):
        return [b for b in self.blocks if isinstance(b, Table)]


def read_file(name, data):
    """Read a file by its name and content; raise ImportRefused with a message that says why not."""
    if not data:
        raise ImportRefused("文件为空")
    if len(data) > MAX_FILE_SIZE:
        size, limit = len(data) // (1024 * 1024), MAX_FILE_SIZE // (1024 * 1024)
        raise ImportRefused(f"文件过大（{size} MB），单个文件不能超过 {limit} MB")
    suffix = Path(name).suffix.lower()
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        return read_docx(convert_doc(data))
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return read_pdf(data)
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        return read_docx(data)
    text = decode(data)
    looks_like_html = re.search(r"<(html|body|table|p|div)[\s>]", text[:5000], re.I)
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or looks_like_html:
        return read_html(text)
    return read_text(text)


# ---- encodings ------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def decode(data):
    """The text of a page in UTF-8, GBK, GB2312 or GB18030 (or what charset_normalizer finds).

    The page's own ``<meta charset>`` is tried first, strictly; GB18030 covers GBK and GB2312.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    candidates = []
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        candidates.append(declared.group(1).decode("ascii").lower())
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk"):
            encoding = "gb18030"
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        return _refuse_junk(text)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportRefused("不是可识别的文件：无法读出文字（既不是网页、Word、PDF，也不是文本）")
    return _refuse_junk(str(best))


def _refuse_junk(text):
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(5, len(text[:20000]) // 100):
        raise ImportRefused("不是可识别的文件：内容是二进制数据，无法读出文字")
    return text


# ---- HTML -----------------------------------------------------------------------------------------

_BLOCK_TAGS = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "tr", "center", "blockquote"]
_DROPPED_TAGS = ["script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "head"]
_DATE_META = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "dcterms.created",
    "dcterms.issued",
    "article:published_time",
    "dc.date",
    "publishtime",
)


def read_html(text):
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    published = _html_date(soup)
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    soup = _main_content(soup)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    tables = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is None:
            tables.append(_html_table(table))
            table.replace_with(f"\n\x00{len(tables) - 1}\x00\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    blocks = []
    for line in soup.get_text("").split("\n"):
        marker = re.fullmatch(r"\s*\x00(\d+)\x00\s*", line)
        if marker:
            blocks.append(tables[int(marker.group(1))])
        elif line.strip(" \t\u00a0\u3000\r"):
            blocks.append(line.strip(" \t\u00a0\u3000\r"))
    return Source(blocks, "html", published=published, title=title)


def _main_content(soup):
    """The page's ``<article>`` or ``<main>`` that holds the whole report (every table), the innermost one:
    a site's navigation and side columns around it are not part of the report. The whole page otherwise."""
    tables = len(soup.find_all("table"))
    candidates = [
        element
        for element in soup.find_all(["article", "main"])
        if len(element.find_all("table")) == tables and (tables or "报告" in element.get_text())
    ]
    if not candidates:
        return soup
    return min(candidates, key=lambda element: len(element.find_all(True)))


def _html_table(table):
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = []
        for td in tr.find_all(["td", "th"], recursive=False):
            for tag in td.find_all(_BLOCK_TAGS):
                tag.insert_after("\n")
            cells.append(Cell(td.get_text(""), _span(td.get("rowspan")), _span(td.get("colspan"))))
        rows.append(cells)
    return Table(rows)


def _span(value):
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


def _html_date(soup):
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if name in _DATE_META and meta.get("content"):
            return meta["content"].strip()
    return ""


# ---- Word -----------------------------------------------------------------------------------------


def read_docx(data):
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ImportRefused(BROKEN_DOCX) from None
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t"))).strip(" \u3000\u00a0")
            if text:
                blocks.append(text)
        elif element.tag == qn("w:tbl"):
            blocks.append(_docx_table(element, qn))
    created = document.core_properties.created
    return Source(blocks, "docx", published=created.isoformat() if created else "")


def _docx_table(tbl, qn):
    rows = []
    for tr in tbl.iter(qn("w:tr")):
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span, continues = 1, False
            if props is not None:
                grid_span = props.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = _span(grid_span.get(qn("w:val")))
                merge = props.find(qn("w:vMerge"))
                continues = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iterchildren(qn("w:p"))]
            cells.append(Cell("\n".join(paragraphs), 1, span, continues))
        rows.append(cells)
    return Table(rows)


def convert_doc(data):
    """An old Word .doc, converted to .docx by LibreOffice when it is installed; refused otherwise."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ImportRefused("不支持旧版 Word（.doc）文件：请用 Word 或 WPS 打开，“另存为” Word 文档（.docx）后再导入")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.doc"
        source.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "docx", "--outdir", folder, str(source)],
                check=True,
                capture_output=True,
                timeout=120,
                env={"HOME": folder, "PATH": "/usr/bin:/bin"},
            )
            return (Path(folder) / "report.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise ImportRefused("旧版 Word（.doc）文件无法转换：请另存为 Word 文档（.docx）后再导入") from None


# ---- PDF ------------------------------------------------------------------------------------------


def read_pdf(data):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    blocks, any_text = [], False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                found = page.find_tables()
                boxes = [t.bbox for t in found]
                items = [(t.bbox[1], _pdf_table(t)) for t in found]
                for line in page.extract_text_lines():
                    any_text = any_text or bool(line["text"].strip())
                    if not any(_inside(line, box) for box in boxes) and not _PAGE_NUMBER.match(line["text"]):
                        items.append((line["top"], line))
                any_text = any_text or bool(boxes)
                page_blocks = [item for _, item in sorted(items, key=lambda pair: pair[0])]
                if page_blocks and isinstance(page_blocks[0], Table) and blocks and isinstance(blocks[-1], Table):
                    blocks[-1] = _continued(blocks[-1], page_blocks.pop(0))
                blocks += page_blocks
    except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError):
        raise ImportRefused(BROKEN_PDF) from None
    if not any_text:
        raise ImportRefused(SCANNED)
    return Source([b for b in _paragraphs(blocks) if b], "pdf")


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
_PARAGRAPH_END = "。！？!?"


def _paragraphs(blocks):
    """Text lines of a PDF joined back into paragraphs: a line that fills the width of the text and does not
    end a sentence goes on in the next line, unless that one is indented (a new paragraph)."""
    lines = [b for b in blocks if isinstance(b, dict)]
    left = min((line["x0"] for line in lines), default=0)
    right = max((line["x1"] for line in lines), default=0)
    out, previous = [], None
    for block in blocks:
        if not isinstance(block, dict):
            out.append(block)
            previous = None
            continue
        text = block["text"].strip()
        size = block["bottom"] - block["top"]
        if previous is not None and _runs_on(previous, block, left, right, size):
            out[-1] += text
        else:
            out.append(text)
        previous = block
    return out


def _runs_on(previous, line, left, right, size):
    full = previous["x1"] >= right - 6 * size  # a long number or URL may leave a few characters free
    not_indented = line["x0"] <= left + size / 2
    return full and not_indented and not previous["text"].rstrip().endswith(tuple(_PARAGRAPH_END))


def _continued(table, rest):
    """A table that runs on to the next page is one table. When the page break cut a row in two, the first
    row of the rest holds only the end of its labels (no figure, blank under every figure of the row above):
    it is marked as a continuation of that row."""
    from .grid import expand

    rows = table.rows + rest.rows
    continuation = set(table.continuation) | {len(table.rows) + i for i in rest.continuation}
    above, first = expand(table)[-1], expand(Table(rest.rows[:1]))[0]
    figures_above = [p for p, text in enumerate(above) if _NUMBER_TEXT.match(text.strip())]
    if (
        figures_above
        and len(first) == len(above)
        and not any(_NUMBER_TEXT.match(text.strip()) for text in first)
        and all(not first[p].strip() for p in figures_above)
    ):
        continuation.add(len(table.rows))
    return Table(rows, continuation)


_NUMBER_TEXT = re.compile(r"^[0-9０-９]+(\.[0-9]+)?$")


def _inside(line, box):
    x0, top, x1, bottom = box
    return line["top"] >= top - 1 and line["bottom"] <= bottom + 1 and line["x0"] >= x0 - 1 and line["x1"] <= x1 + 1


def _pdf_table(table):
    """pdfplumber gives None for the places a merged cell covers. Which cell covers each is read from the
    geometry (the cell whose box holds the place's centre, to its left or above), so the table comes out
    with its row- and column-spans as in HTML: a label merged across columns stays one label, and a
    heading merged down a row group stays beside each of its rows."""
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    width = max(len(row) for row in boxes)
    # A place's extent: the narrowest cell of its column, the lowest of its row (a merged one is wider).
    columns = [_narrowest([row[c] for row in boxes if c < len(row)], 0) for c in range(width)]
    rows = [_narrowest(row, 1) for row in boxes]
    owner = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            owner[(r, c)] = (r, c) if box is not None else _covering(boxes, r, c, rows[r], columns[c])
    out = []
    for r, row in enumerate(boxes):
        cells = []
        for c in range(len(row)):
            if owner[(r, c)] != (r, c):
                continue
            colspan = sum(1 for c2 in range(c, len(row)) if owner.get((r, c2)) == (r, c))
            rowspan = sum(1 for r2 in range(r, len(boxes)) if owner.get((r2, c)) == (r, c))
            cells.append(Cell(texts[r][c] or "", rowspan, colspan))
        out.append(cells)
    return Table(out)


def _narrowest(boxes, axis):
    """The box with the least extent along ``axis`` (0: x, 1: y); None when there is none."""
    found = [box for box in boxes if box is not None]
    return min(found, key=lambda box: box[axis + 2] - box[axis]) if found else None


def _covering(boxes, r, c, row_box, column_box):
    """The (row, column) of the cell whose box holds the centre of place (r, c); itself when none does."""
    if row_box is None or column_box is None:
        return r, c
    x = (column_box[0] + column_box[2]) / 2
    y = (row_box[1] + row_box[3]) / 2
    for r2 in range(r, -1, -1):
        for c2 in range(c, -1, -1):
            box = boxes[r2][c2] if c2 < len(boxes[r2]) else None
            if box is not None and box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                return r2, c2
    return r, c


# ---- plain text -----------------------------------------------------------------------------------


def read_text(text):
    """Text copied out of a Word file (docs/samples/README.md): a table cell is a line that starts with a
    tab, a line without one right after a cell continues it, a blank line ends a table row."""
    blocks, rows, row = [], [], None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def close_table():
        nonlocal rows, row
        if row:
            rows.append(row)
        if rows:
            blocks.append(Table(rows))
        rows, row = [], None

    previous_was_cell = False
    for line in lines:
        if line.startswith("\t"):
            row = row if row is not None else []
            row.append(Cell(line.strip("\t")))
            previous_was_cell = True
        elif not line.strip(" \u00a0\u3000"):
            if row:
                rows.append(row)
            row = None
            previous_was_cell = False
        elif previous_was_cell and row and _continues_cell(line):
            row[-1].text += "\n" + line.strip()
        else:
            close_table()
            blocks.append(line.strip(" \t\u00a0\u3000"))
            previous_was_cell = False
    close_table()
    return Source(blocks, "text")


def _continues_cell(line):
    """A short line right under a cell is the rest of its label (本年新 / 制作数量), unless it is a heading."""
    return len(line.strip()) <= 12 and not re.match(r"\s*[一二三四五六七八九十\d]+、", line)
