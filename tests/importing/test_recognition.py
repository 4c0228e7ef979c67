"""Recognising published reports: fixtures imitating what government sites publish, compared cell by cell."""

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from disclosure.documents import loads
from disclosure.formats import CellKey, edition_for_year
from disclosure.importing import ImportRefused, recognise_file
from disclosure.importing.readers import MAX_FILE_SIZE, SCANNED
from disclosure.importing.recognition import DOUBTFUL, MATCHED, NOT_FOUND
from disclosure.rendering import render_body

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = ROOT / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt"


def recognise_path(path):
    return recognise_file(path.name, path.read_bytes())


def document_values(document):
    return {
        CellKey(part["code"], row["code"], cell["column"]): cell["value"]
        for part in document["parts"]
        for row in part.get("rows") or []
        for cell in row["cells"]
    }


def plain(value):
    return (
        int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value()
        else (float(value) if isinstance(value, Decimal) else value)
    )


# ---- the sample in docs/samples ---------------------------------------------------------------------


def test_sample_text_every_cell_placed_blanks_kept_and_none_read_as_zero():
    r = recognise_path(SAMPLE)
    assert (r.organization_name, r.year, r.edition.code) == ("秀洲高新区", 2020, "2019")
    assert r.count(MATCHED) == r.total == 198
    proactive = r.edition.table_of_kind("disclosure").code
    assert r.values[CellKey(proactive, "procurement", "procurement_items")] == 136
    assert r.values[CellKey(proactive, "procurement", "procurement_amount")] == 685389
    assert r.values[CellKey(proactive, "rules", "new_made")] == 0
    none_cell = r.cells[CellKey(proactive, "normative_documents", "new_made")]
    assert r.values[CellKey(proactive, "normative_documents", "new_made")] == 0 and "无" in none_cell.note
    # Tables 三 and 四 are blank in the original: blank, not 0.
    for table in ("applications", "litigation"):
        assert all(v is None for k, v in r.values.items() if k.table == table)
    assert r.unmatched_labels == []


def test_sample_text_narrative_by_headings_tolerant_of_5_and_other_wording():
    r = recognise_path(SAMPLE)
    assert r.texts["overview_proactive"].startswith("2019年，高新区通过主动公开信息829条")  # the wrong year, kept
    assert r.texts["overview_platform"].startswith("高新区根据自身情况")  # （四）平台建设情况
    assert r.texts["problems"].startswith("（一）存在的主要问题")  # under "5、 存在的主要问题及改进情况"
    assert r.texts["other_matters"] == "无。"
    assert r.found_parts == [p.code for p in r.edition.parts]


# ---- Word-pasted HTML -------------------------------------------------------------------------------


def test_word_pasted_html_cell_by_cell():
    r = recognise_path(FIXTURES / "word-pasted-2021.html")
    assert (r.organization_name, r.year, r.edition.code, r.published) == (
        "测试区教育局",
        2021,
        "2021",
        "2022-01-25 09:30",
    )
    got = {str(k): plain(v) for k, v in r.values.items() if r.cells[k].status == MATCHED}
    expected = json.loads((FIXTURES / "word-pasted-2021.expected.json").read_text())
    assert got == expected
    assert r.count(DOUBTFUL) == 0
    assert r.count(NOT_FOUND) == 200 - len(expected)
    # "—" and a blank cell stay blank; "无" is 0 with a note.
    assert r.values[CellKey("proactive", "rules", "repealed")] is None
    assert r.values[CellKey("proactive", "penalties", "decisions")] is None
    assert r.values[CellKey("proactive", "coercion", "decisions")] == 0
    # Nothing of the script came through.
    assert not any("注入" in text or "fetch" in text for text in r.texts.values())
    assert r.texts["problems"] == "信息更新不够及时。"


# ---- a GBK page ---------------------------------------------------------------------------------------


def test_gbk_page_is_decoded():
    r = recognise_path(FIXTURES / "gbk-2020.htm")
    assert (FIXTURES / "gbk-2020.htm").read_bytes().decode("gbk")  # the fixture really is GBK
    assert (r.organization_name, r.year) == ("某县司法局", 2020)
    litigation = {k.column: v for k, v in r.values.items() if k.table == "litigation"}
    assert litigation["reconsideration_upheld"] == 2 and litigation["reconsideration_total"] == 2
    assert r.texts["overview_proactive"] == "主动公开各类信息56条。"


# ---- Word with merged header cells --------------------------------------------------------------------


def _docx_with_merged_headers():
    """Imitates a .docx whose table 四 has merged header cells (gridSpan and vMerge) and a 2021 title."""
    document = docx.Document()
    document.add_paragraph("某市统计局2022年政府信息公开工作年度报告")
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = document.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for i, label in enumerate(outcomes):
        table.cell(1, i).merge(table.cell(2, i)).text = label
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    for i, label in enumerate(outcomes * 2):
        table.cell(2, 5 + i).text = label
    for i, value in enumerate(["3", "1", "0", "0", "4", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]):
        table.cell(3, i).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_with_merged_headers_places_every_litigation_cell():
    r = recognise_file("report.docx", _docx_with_merged_headers())
    assert (r.organization_name, r.year, r.edition.code) == ("某市统计局", 2022, "2021")
    litigation = {k.column: r.values[k] for k in r.values if k.table == "litigation"}
    assert {k: r.cells[CellKey("litigation", "cases", k)].status for k in litigation} == dict.fromkeys(
        litigation, MATCHED
    )
    assert litigation["reconsideration_upheld"] == 3 and litigation["reconsideration_total"] == 4
    assert litigation["direct_suit_pending"] == 1 and litigation["suit_after_reconsideration_total"] == 0


# ---- round trip of the demo reports' public HTML -------------------------------------------------------


@pytest.mark.parametrize("name", ["xiuzhou-hitech-zone-2020.json", "xiuzhou-education-2021.json"])
def test_round_trip_of_public_html_body(name):
    document = loads((ROOT / "disclosure" / "demo" / name).read_text())
    html = render_body(document)
    r = recognise_file("page.html", html.encode("utf-8"))
    assert r.year == document["year"]
    assert r.count(MATCHED) == r.total
    assert {str(k): plain(v) for k, v in r.values.items()} == {str(k): v for k, v in document_values(document).items()}
    sections = {s["code"]: s["text"] for p in document["parts"] for s in p.get("sections") or []}
    for code, text in sections.items():
        assert r.texts.get(code, "") == "\n".join(line for line in text.splitlines() if line.strip()), code


# ---- bad files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.html", b"", "文件为空"),
        ("junk.bin", bytes(range(256)) * 64, "不是可识别的文件"),
        ("big.html", b"<p>" + b"x" * (MAX_FILE_SIZE + 1), "文件过大"),
        ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, ".doc"),
        ("broken.docx", b"PK\x03\x04not really a zip", "Word（.docx）文件：文件已损坏或不是 Word 文档"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF 文件：文件已损坏或不是 PDF"),
        ("README.txt", b"# disclosure\n\nA Django app.\n\n\tpip install\n", "未识别出政府信息公开工作年度报告"),
    ],
)
def test_bad_files_refused_with_a_message(name, data, message, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)  # no LibreOffice: .doc is refused
    with pytest.raises(ImportRefused, match=message) as refused:
        recognise_file(name, data)
    # Plain Chinese: no parser's exception name (BadZipFile, PdfminerException…) in what the user reads.
    assert not re.search(r"[A-Z][a-z]+[A-Z]|Error|Exception", str(refused.value))


def test_a_report_whose_tables_are_all_blank_or_missing_is_still_a_report():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    without_tables = "\n".join(line for line in lines if not line.startswith("\t")).encode()
    r = recognise_file(SAMPLE.name, without_tables)
    assert r.year == 2020 and r.count(MATCHED) == 0
    # Nor a title (its two lines cut off): the headings of its parts are enough.
    untitled = "\n".join(line for line in lines[2:] if not line.startswith("\t")).encode()
    assert len(recognise_file(SAMPLE.name, untitled).found_parts) >= 2


def test_scanned_pdf_without_text_is_refused():
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
    )
    with pytest.raises(ImportRefused, match=SCANNED):
        recognise_file("scan.pdf", pdf)


def test_a_zip_is_not_read_as_a_report():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(ImportRefused):
        recognise_file("a.docx", buffer.getvalue())


def test_edition_cells_count():
    assert len(edition_for_year(2021).cell_specs()) == 200


# ---- a report typed in Word with merged header cells, and the PDF LibreOffice made of it ---------------


@pytest.mark.parametrize("name", ["word-merged-2022.docx", "libreoffice-2022.pdf"])
def test_word_file_and_its_libreoffice_pdf_cell_by_cell(name):
    """tests/importing/fixtures/make_fixtures.py says what they imitate; the expected cells are what was typed."""
    r = recognise_path(FIXTURES / name)
    assert (r.organization_name, r.year, r.edition.code, r.signed) == ("某市统计局", 2022, "2021", "2023年1月20日")
    expected = json.loads((FIXTURES / "word-merged-2022.expected.json").read_text())
    assert {str(k): plain(v) for k, v in r.values.items()} == expected
    assert {str(k): c.status for k, c in r.cells.items() if c.status != MATCHED} == {}
    assert r.values[CellKey("proactive", "rules", "made")] is None  # "—"
    assert r.values[CellKey("proactive", "normative_documents", "made")] == 12  # "１２" under "规范性文件"
    assert "无" in r.cells[CellKey("proactive", "penalties", "decisions")].note
    assert r.texts["problems"] == "统计数据解读还不够通俗。2023年将加强图解和视频解读。"  # under "5、"
    assert r.texts["other_matters"] == "本年度未收取信息处理费。"  # the signature taken off
    assert r.texts["overview_platform"] == "依托门户网站统计数据专栏发布信息。"  # "(四)" half-width
