"""PDF rendering with WeasyPrint, reading nothing but the project's own static files.

The HTML comes from our templates, but the narrative inside it was typed by people: WeasyPrint must not
be able to read local files or reach the network on anybody's behalf. ``StaticOnlyFetcher`` answers the
project's static files (the print stylesheet) and refuses every other URL: file:, http(s):, data:, ….

In production ``{% static %}`` gives the hashed name of the manifest storage (``report-print.3f2a….css``),
which exists only in the collected STATIC_ROOT; in development and tests it gives the source name. The
fetcher accepts both, and nothing but names the static-files machinery itself knows. Besides, it answers
``/print-fonts/<name>`` with the CJK fonts cut by ``manage.py subset_fonts`` (disclosure/pdf_fonts.py): only
those few file names, only from ``FONT_CACHE_DIR``.

Speed (bench/pdf_bench.py; the issue "PDF speed"): most of a render used to go to fonts, the user-agent
stylesheet and the garbage collector, not to layout. So: the fonts are cut once to GB 2312 (pdf_fonts.py);
WeasyPrint gets a user-agent stylesheet of only the elements our print template uses; each thread keeps
one FontConfiguration with the print stylesheet parsed against it; and the collector runs less often while
a render allocates its hundreds of thousands of short-lived boxes.
"""

import gc
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import pdf_fonts

logger = logging.getLogger(__name__)

# Relative URLs in the printed HTML (``{% static %}`` paths) resolve against this made-up origin, which
# only the fetcher below answers. ".invalid" is reserved (RFC 2606): it can never reach a real host.
BASE_URL = "https://static.invalid/"

# PDF/UA-1 (tagged PDF) costs little with WeasyPrint 70; see bench/ for the measurement.
PDF_VARIANT = "pdf/ua-1"

# The stylesheet of report/print.html, parsed once per thread (see _Renderer).
PRINT_STYLESHEET = "print/report-print.css"

# WeasyPrint's user-agent stylesheet (css/html5_ua.css, 256 lines, matched against every element of every
# render) cut to the elements report/print.html, body.html and grid.html use, with the same values, so
# that the pages are the same; plus a and img, which hostile markup could bring in if escaping ever failed.
USER_AGENT_CSS = """
[hidden], head, link, meta, script, style, title { display: none }
a, img { display: inline }
article, body, div, h1, h2, h3, html, p, section { display: block }
table { display: table }
caption { display: table-caption }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tr { display: table-row }
td, th { display: table-cell }
p { margin-top: 1em; margin-bottom: 1em }
body { margin: 8px }
h1 { margin-top: .67em; margin-bottom: .67em }
h2 { margin-top: .83em; margin-bottom: .83em }
h3 { margin-top: 1em; margin-bottom: 1em }
table { border-spacing: 2px; border-collapse: separate }
td, th { padding: 1px }
thead, tbody, table > tr { vertical-align: middle }
tr, td, th { vertical-align: inherit }
html { color-scheme: light }
th { font-weight: bold }
h1 { font-size: 2em; font-weight: bold }
h2 { font-size: 1.5em; font-weight: bold }
h3 { font-size: 1.17em; font-weight: bold }
:link { color: blue }
:link, :visited { text-decoration: underline }
table, td, th { border-color: gray }
thead, tbody, tr { border-color: inherit }
table { text-indent: initial; box-sizing: border-box }
img { overflow: hidden }
h1 { bookmark-level: 1 }
h2 { bookmark-level: 2 }
h3 { bookmark-level: 3 }
h1, h2, h3 { bookmark-label: content(text); hyphens: manual; break-after: avoid; break-inside: avoid }
@page {
  margin: 75px;
  @top-left-corner     { text-align: right;  vertical-align: middle }
  @top-left            { text-align: left;   vertical-align: middle }
  @top-center          { text-align: center; vertical-align: middle }
  @top-right           { text-align: right;  vertical-align: middle }
  @top-right-corner    { text-align: left;   vertical-align: middle }
  @left-top            { text-align: center; vertical-align: top    }
  @left-middle         { text-align: center; vertical-align: middle }
  @left-bottom         { text-align: center; vertical-align: bottom }
  @right-top           { text-align: center; vertical-align: top    }
  @right-middle        { text-align: center; vertical-align: middle }
  @right-bottom        { text-align: center; vertical-align: bottom }
  @bottom-left-corner  { text-align: right;  vertical-align: middle }
  @bottom-left         { text-align: left;   vertical-align: middle }
  @bottom-center       { text-align: center; vertical-align: middle }
  @bottom-right        { text-align: right;  vertical-align: middle }
  @bottom-right-corner { text-align: left;   vertical-align: middle }
}
"""

# Objects allocated between two collections of the youngest generation while a render runs (Python's
# default is 700): a render makes hundreds of thousands of short-lived boxes, and every collection that
# reaches the oldest generation walks all of Django as well. Restored when the last render ends.
GC_THRESHOLD_DURING_RENDER = 100_000


class RefusedURL(ValueError):
    """WeasyPrint asked for something that is not one of our static files."""


class RenderingStopped(RuntimeError):
    """The PDF could not be made (one of our own files is missing). WeasyPrint stops a rendering with a
    ``FatalURLFetchingError``, a BaseException that ``except Exception`` lets through; this is the
    ordinary exception it becomes, so that callers turn it into the reviewer's message."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://static.invalid/static/...`` from the static files; refuses anything else."""

    def __init__(self):
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused = []

    def fetch(self, url, headers=None):
        font = self._font_name(url)
        if font is not None:
            return self._font(url, font)
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise RefusedURL(f"只能读取本系统的静态文件，已拒绝：{url[:200]}")
        found = static_file(path)
        if not found:
            # One of our own files is missing: better no PDF than a PDF without its stylesheet.
            raise FatalURLFetchingError(f"静态文件不存在：{path}")
        with open(found, "rb") as f:
            body = f.read()
        mime = "text/css" if path.endswith(".css") else "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    @staticmethod
    def _font(url, name):
        found = pdf_fonts.font_path(name)
        if found is None:
            # Not fatal: WeasyPrint skips the @font-face and the system font sets the same glyphs, slower.
            raise FileNotFoundError(f"未生成 PDF 字体子集 {name}（运行 manage.py subset_fonts）")
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": "font/sfnt"})

    @staticmethod
    def _font_name(url):
        """The name of one of the cut fonts (pdf_fonts.FILE_NAMES) that ``url`` asks for, else None."""
        path = StaticOnlyFetcher._local_path(url)
        if path is None or not path.startswith(pdf_fonts.FONT_URL_PATH):
            return None
        name = path.removeprefix(pdf_fonts.FONT_URL_PATH)
        return name if name in pdf_fonts.FILE_NAMES else None

    @staticmethod
    def _local_path(url):
        """The path of a URL on our made-up origin, without query; None for any other URL."""
        parts = urlsplit(url)
        origin = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query:
            return None
        return unquote(parts.path)

    @staticmethod
    def _static_path(url):
        path = StaticOnlyFetcher._local_path(url)
        if path is None:
            return None
        if not path.startswith(settings.STATIC_URL) or ".." in path.split("/") or "\\" in path:
            return None
        return path.removeprefix(settings.STATIC_URL)


def static_file(name):
    """The file on disk of one of our static files, named as ``{% static %}`` names it; None if unknown.

    A source name is found by the finders (the app's static folder, also inside an installed wheel). A
    hashed name is one the manifest lists: its collected copy in STATIC_ROOT, else its source file.
    """
    found = finders.find(name)
    if found:
        return found
    original = _unhashed_names().get(name)
    if original is None:
        return None
    collected = Path(staticfiles_storage.path(name))
    return str(collected) if collected.is_file() else finders.find(original)


def _unhashed_names():
    """{hashed name: source name} from the manifest storage's staticfiles.json ({} for the plain storage)."""
    hashed_files = getattr(staticfiles_storage, "hashed_files", None) or {}
    return {hashed: original for original, hashed in hashed_files.items()}


def render_pdf(html, *, fetcher=None, variant=PDF_VARIANT):
    """Bytes of the PDF of a complete HTML document (our print template); RenderingStopped if it cannot be."""
    fetcher = fetcher or StaticOnlyFetcher()
    try:
        renderer = _renderer()
        document = _PrintHTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        document.user_agent_stylesheet = renderer.user_agent
        stylesheets = [renderer.print_css] if _drop_print_stylesheet_links(document) else []
        with _fewer_collections():
            return document.write_pdf(
                stylesheets=stylesheets,
                font_config=renderer.font_config,
                pdf_variant=variant,
                uncompressed_pdf=False,
            )
    except FatalURLFetchingError as e:
        raise RenderingStopped(str(e)) from e


def page_count(pdf_bytes):
    """How many pages a PDF has (for the download link), read by pdfium (pypdfium2 comes with pdfplumber);
    None if pdfium cannot read it: a count for a link never stops a publication."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(pdf_bytes)
    except pypdfium2.PdfiumError:
        logger.warning("Could not count the pages of a rendered PDF", exc_info=True)
        return None
    try:
        return len(document)
    finally:
        document.close()


class _PrintHTML(HTML):
    """An HTML document styled by USER_AGENT_CSS instead of WeasyPrint's whole HTML5 stylesheet.

    WeasyPrint has no public option for this: ``HTML._ua_stylesheets`` is a private hook (present in 70.x,
    pinned in pyproject.toml; tests/test_pdf.py fails if the hook stops being called)."""

    user_agent_stylesheet = None

    def _ua_stylesheets(self, forms=False):
        return [self.user_agent_stylesheet]


class _Renderer:
    """What every render of a thread shares: Pango's font map (a FontConfiguration, not thread-safe, hence
    one per thread), the cut fonts registered in it, and the stylesheets parsed once."""

    def __init__(self, key):
        self.key = key
        self.font_config = FontConfiguration()
        self.user_agent = CSS(string=USER_AGENT_CSS, counter_style=CounterStyle())
        # Parsed against this thread's FontConfiguration: its @font-face rules load the cut fonts once.
        self.print_css = CSS(
            url=urljoin(BASE_URL, settings.STATIC_URL.lstrip("/") + PRINT_STYLESHEET),
            url_fetcher=StaticOnlyFetcher(),
            font_config=self.font_config,
        )


_thread = threading.local()


def _renderer():
    """This thread's _Renderer; made anew when the cut fonts appear, vanish or move (FONT_CACHE_DIR)."""
    key = (str(pdf_fonts.font_dir()), pdf_fonts.present_files())
    renderer = getattr(_thread, "renderer", None)
    if renderer is None or renderer.key != key:
        renderer = _thread.renderer = _Renderer(key)
    return renderer


def _drop_print_stylesheet_links(document):
    """Take the print stylesheet's ``<link>`` out of the parsed document (the renderer's parsed copy is
    given instead); True if there was one. Other links stay, for the fetcher to answer or refuse."""
    dropped = False
    for parent in document.etree_element.iter():
        for child in list(parent):
            if child.tag == "link" and "stylesheet" in child.get("rel", "").lower().split():
                path = StaticOnlyFetcher._static_path(urljoin(BASE_URL, child.get("href", "").strip()))
                # The source name (development) or its hashed name from the manifest (production).
                if path is not None and PRINT_STYLESHEET in (path, _unhashed_names().get(path)):
                    parent.remove(child)
                    dropped = True
    return dropped


_gc_lock = threading.Lock()
_gc_renders = 0
_gc_saved = None


@contextmanager
def _fewer_collections():
    """Raise the collector's threshold while any render runs; the first render in saves it, the last out
    restores it (the threshold is per process, renders may run in several threads)."""
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(GC_THRESHOLD_DURING_RENDER, _gc_saved[0]), *_gc_saved[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_saved)
