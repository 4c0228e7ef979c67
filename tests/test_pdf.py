"""The published PDF: official labels in order, figures after their rows, embedded subset CJK fonts, A4,
tagged; and WeasyPrint reads nothing but our static files. PNGs of the pages go to test-output/."""

import gc
import re
import shutil
import subprocess
import zlib

import pytest
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from disclosure import actions, pdf, pdf_fonts
from disclosure.formats import get_edition
from disclosure.models import PublishedVersion
from disclosure.pdf import BASE_URL, RefusedURL, RenderingStopped, StaticOnlyFetcher, render_pdf
from disclosure.publishing import publish_report
from disclosure.rendering import printed_value

from . import factories
from .test_public_report import DEMO, assert_in_order, edition_labels

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"),
]


def run(*args, input=None):
    return subprocess.run(args, input=input, capture_output=True, check=True, timeout=60).stdout


def pdf_text(pdf, *options):
    return run("pdftotext", *options, "-", "-", input=pdf).decode("utf-8")


def pdf_objects(pdf):
    """The PDF's bytes with its compressed streams (object streams included) inflated."""
    yield pdf
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            pass


def figures_follow_row_labels(text, document):
    """Each labelled row of the tables is followed, in content order, by its figures in column order."""
    for part in document["parts"]:
        for row in part.get("rows", []):
            values = [printed_value(c["value"]) for c in row["cells"]]
            label = r"\s*".join(re.escape(ch) for ch in row["label"]) if row["label"] else ""
            pattern = label + r"\s+" + r"\s+".join(re.escape(v) for v in values) + r"(\s|$)"
            assert re.search(pattern, text), f"{part['label']} · {row['label'] or '（数据行）'}: {values}"


@pytest.mark.parametrize("slug,year", DEMO)
def test_the_pdf_has_every_label_in_order_and_the_figures_in_their_rows(demo, client, output_dir, slug, year):
    pdf = client.get(f"/reports/{slug}/{year}.pdf").getvalue()
    version = PublishedVersion.objects.get(report__organization__slug=slug, report__year=year)
    text = pdf_text(pdf, "-raw")
    edition = get_edition(version.content["edition"]["code"])
    assert_in_order([version.content["title"], *edition_labels(edition)], text)
    figures_follow_row_labels(text, version.content)
    # Pages for people to look at.
    for old in output_dir.glob(f"pdf-{slug}-{year}-*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "60", "-", str(output_dir / f"pdf-{slug}-{year}"), input=pdf)
    assert list(output_dir.glob(f"pdf-{slug}-{year}-*.png"))


def test_the_pdf_looks_like_an_official_document(demo, client):
    pdf = client.get("/reports/xiuzhou-education/2021.pdf").getvalue()
    info = run("pdfinfo", "-", input=pdf).decode()
    assert re.search(r"Title:\s+嘉兴市秀洲区教育局2021年度政府信息公开工作年度报告", info)
    assert re.search(r"Author:\s+嘉兴市秀洲区教育局", info)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)  # PDF/UA-1
    assert re.search(rb"/Lang\s*\(zh-CN\)", b"".join(pdf_objects(pdf)))
    text = pdf_text(pdf, "-layout")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 4
    indents = []
    for number, page in enumerate(pages, 1):
        found = re.search(rf"^( *)—\s*{number}\s*—\s*$", page, re.M)  # "— N —" on a line of its own
        assert found, f"page {number}"
        indents.append(len(found.group(1)))
    # Odd pages carry the number on the right, even pages on the left.
    assert min(indents[0::2]) > max(indents[1::2]) + 20
    assert "嘉兴市秀洲区教育局" in pages[-1] and "日" in pages[-1]  # signed and dated


def test_chinese_text_is_in_embedded_subset_fonts(demo, client):
    pdf = client.get("/reports/xiuzhou-hitech-zone/2020.pdf").getvalue()
    fonts = run("pdffonts", "-", input=pdf).decode().splitlines()[2:]
    assert fonts
    for line in fonts:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line
        # A subset (XXXXXX+) of a CJK font: Noto Serif/Sans CJK, and AR PL UKai (楷体) for the "（一）" headings.
        assert re.match(r"^[A-Z]{6}\+(Noto-?(Serif|Sans)-?CJK|AR-PL-UKai)", name), line
    assert "2020年，秀洲国家高新区在认真贯彻落实上级关于政务信息公开工作的部署" in pdf_text(pdf).replace("\n", "")


# ---- the URL fetcher --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/",
        "https://127.0.0.1:1/static/print/report-print.css",
        "data:text/css,body{}",
        f"{BASE_URL}static/../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}etc/passwd",
        f"{BASE_URL}static/print/report-print.css?x=1",
        "ftp://example.org/x.css",
        f"{BASE_URL}print-fonts/../etc/passwd",
        f"{BASE_URL}print-fonts/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}print-fonts/DejaVuSans.ttf",
        f"{BASE_URL}print-fonts/{pdf_fonts.FACES[0].file_name}?x=1",
        f"file:///usr/share/fonts/{pdf_fonts.FACES[0].file_name}",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_our_print_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/print/report-print.css")
    assert response.content_type == "text/css" and b"@page" in response.read()


def test_a_missing_static_file_stops_the_rendering():
    with pytest.raises(FatalURLFetchingError):
        StaticOnlyFetcher().fetch(f"{BASE_URL}static/print/missing.css")


def test_hostile_markup_reaches_neither_files_nor_the_network():
    fetcher = StaticOnlyFetcher()
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://127.0.0.1:1/x.css"></head><body>'
        '<p>正文</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:1/">'
        '<a href="http://127.0.0.1:1/">链接</a></body></html>'
    )
    pdf = render_pdf(html, fetcher=fetcher)
    assert sorted(fetcher.refused) == ["file:///etc/passwd", "http://127.0.0.1:1/", "http://127.0.0.1:1/x.css"]
    assert "root:" not in pdf_text(pdf)


def test_narrative_markup_is_printed_as_text_and_fetches_nothing(client, monkeypatch):
    refused = []
    original = StaticOnlyFetcher.fetch

    def watching(self, url, headers=None):
        try:
            return original(self, url, headers)
        except RefusedURL:
            refused.append(url)
            raise

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", watching)
    report = factories.complete_report(factories.organization("agency"))
    hostile = '见<img src="file:///etc/passwd">和<a href="http://127.0.0.1:1/">链接</a>。'
    actions.save_content(report, None, texts={"other_matters": hostile})
    publish_report(report, None, require_approved=False)
    text = re.sub(r"\s+", "", pdf_text(client.get("/reports/agency/2021.pdf").getvalue()))
    assert '<imgsrc="file:///etc/passwd">' in text and "root:" not in text
    assert refused == []


# ---- speed: fonts cut to GB 2312, a small user-agent stylesheet, fewer collections ----------------------


def test_the_fetcher_serves_the_cut_fonts_and_no_other_file(cut_fonts, settings, tmp_path):
    face = pdf_fonts.FACES[0]
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}print-fonts/{face.file_name}")
    assert response.read() == (cut_fonts / face.file_name).read_bytes()
    # Not made yet: an ordinary error (WeasyPrint skips the @font-face, the system font takes over).
    settings.FONT_CACHE_DIR = tmp_path
    with pytest.raises(FileNotFoundError):
        StaticOnlyFetcher().fetch(f"{BASE_URL}print-fonts/{face.file_name}")


def test_the_print_stylesheet_declares_exactly_the_cut_fonts_before_their_system_fonts():
    css = open(finders.find(pdf.PRINT_STYLESHEET), encoding="utf-8").read()
    declared = re.findall(
        r'@font-face\s*{\s*font-family:\s*"([^"]+)";\s*font-weight:\s*(\w+);\s*src:\s*url\("([^"]+)"\);\s*}', css
    )
    faces = {(f.family, f.weight, pdf_fonts.FONT_URL_PATH + f.file_name) for f in pdf_fonts.FACES}
    assert set(declared) == faces and len(declared) == len(faces)
    for face in pdf_fonts.FACES:
        stacks = re.findall(rf'font-family:[^;]*"{face.system_family}"', css)
        assert stacks and all(f'"{face.family}", "{face.system_family}"' in stack for stack in stacks), face


def test_the_pdf_sets_its_text_in_the_cut_fonts_and_rarer_characters_in_the_system_fonts(cut_fonts):
    # 堃 and 喆 are not in GB 2312: the whole system font still sets them.
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="/static/print/report-print.css"></head><body>'
        '<h1 class="report-title">年度报告</h1><h2 class="report-part-title">一、总体情况</h2>'
        '<h3 class="report-section-title">（一）主动公开</h3><p>王堃、李喆：全年共12件。</p></body></html>'
    )
    document = render_pdf(html)
    fonts = {line.split()[0].split("+")[1] for line in run("pdffonts", "-", input=document).decode().splitlines()[2:]}
    assert fonts == {
        "Noto-Serif-CJK-SC-GB2312-Bold",  # the title
        "Noto-Sans-CJK-SC-GB2312",  # 黑体 part titles
        "AR-PL-UKai-CN-GB2312",  # 楷体 section titles
        "Noto-Serif-CJK-SC-GB2312",  # 仿宋 body text
        "Noto-Serif-CJK-SC",  # 堃 and 喆, from the system font
    }
    for line in run("pdffonts", "-", input=document).decode().splitlines()[2:]:
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, with a ToUnicode map
    assert "王堃、李喆：全年共12件。" in pdf_text(document)


def test_rendering_uses_our_user_agent_stylesheet_through_weasyprints_private_hook(monkeypatch):
    # The hook is private: if a WeasyPrint release renames or stops calling it, this fails (pyproject pins 70.x).
    assert "_ua_stylesheets" in vars(HTML)
    given = []
    original = pdf._PrintHTML._ua_stylesheets

    def watching(self, forms=False):
        sheets = original(self, forms)
        given.append((sheets, gc.get_threshold()))
        return sheets

    monkeypatch.setattr(pdf._PrintHTML, "_ua_stylesheets", watching)
    render_pdf('<html lang="zh-CN"><body><h1>标题</h1><p>正文</p></body></html>')
    assert given, "WeasyPrint no longer asks HTML._ua_stylesheets for its user-agent stylesheet"
    [(sheets, threshold)] = given
    assert sheets == [pdf._renderer().user_agent]
    assert threshold[0] == pdf.GC_THRESHOLD_DURING_RENDER  # the collector was held back during the render


def test_the_collector_threshold_is_restored_after_a_render_even_a_failed_one():
    before = gc.get_threshold()
    try:
        gc.set_threshold(701, 11, 12)
        render_pdf('<html lang="zh-CN"><body><p>正文</p></body></html>')
        assert gc.get_threshold() == (701, 11, 12)
        with pytest.raises(RenderingStopped):
            render_pdf('<html><head><link rel="stylesheet" href="/static/print/missing.css"></head></html>')
        assert gc.get_threshold() == (701, 11, 12)
    finally:
        gc.set_threshold(*before)


def test_the_print_stylesheet_is_parsed_once_per_thread(monkeypatch):
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="/static/print/report-print.css"></head>'
        "<body><p>正文</p></body></html>"
    )
    render_pdf(html)
    fetched = []
    original = StaticOnlyFetcher.fetch
    monkeypatch.setattr(
        StaticOnlyFetcher, "fetch", lambda self, url, headers=None: fetched.append(url) or original(self, url, headers)
    )
    first = pdf._renderer()
    render_pdf(html)
    assert fetched == [] and pdf._renderer() is first


def flat(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("slug,year", DEMO)
def test_each_table_is_titled_once_and_table_three_starts_a_page_whole(demo, client, slug, year):
    pdf = client.get(f"/reports/{slug}/{year}.pdf").getvalue()
    edition = get_edition(PublishedVersion.objects.get(report__organization__slug=slug).content["edition"]["code"])
    pages = [flat(page) for page in pdf_text(pdf, "-layout").split("\f")[:-1]]
    text = "".join(pages)
    for part in edition.parts:
        assert text.count(flat(part.label)) == 1, part.label  # the part's title is the table's: printed once
    assert "左右滑动" not in text  # the screen's hint is not printed
    table3 = next(p for p in edition.parts if p.is_table and p.table.kind == "applications")
    (page,) = [p for p in pages if flat(table3.label) in p]
    assert page.startswith(flat(table3.label))  # at the head of its page, not a few rows at the foot of one
    assert flat(table3.table.rows[-1].label) in page  # and whole: its last row on the same page


def test_the_body_is_set_in_fangsong_wherever_a_fangsong_font_is_installed():
    css = open(finders.find(pdf.PRINT_STYLESHEET), encoding="utf-8").read()
    stack = re.search(r"html\s*{[^}]*?font-family:([^;]*);", css, re.S).group(1)
    names = re.findall(r'"([^"]+)"', stack)
    stand_in = names.index("Noto Serif CJK SC GB2312")
    for fangsong in ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "FZFangSong-Z02S"):
        assert names.index(fangsong) < stand_in, fangsong


def test_cell_text_keeps_clear_of_the_rules():
    css = open(finders.find(pdf.PRINT_STYLESHEET), encoding="utf-8").read()
    for rule in re.findall(r"\.report-table[^{]*(?:th|td)[^{]*{[^}]*padding:\s*([^;]+);", css):
        vertical, horizontal = (float(v.removesuffix("pt")) for v in rule.split())
        assert vertical >= 1.5 and horizontal >= 2, rule
