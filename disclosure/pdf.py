"""PDF rendering with WeasyPrint, reading nothing but the project's own static files.

The HTML comes from our templates, but the narrative inside it was typed by people: WeasyPrint must not
be able to read local files or reach the network on anybody's behalf. ``StaticOnlyFetcher`` answers the
project's static files (the print stylesheet) and refuses every other URL: file:, http(s):, data:, ….

In production ``{% static %}`` gives the hashed name of the manifest storage (``report-print.3f2a….css``),
which exists only in the collected STATIC_ROOT; in development and tests it gives the source name. The
fetcher accepts both, and nothing but names the static-files machinery itself knows.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in the printed HTML (``{% static %}`` paths) resolve against this made-up origin, which
# only the fetcher below answers. ".invalid" is reserved (RFC 2606): it can never reach a real host.
BASE_URL = "https://static.invalid/"

# PDF/UA-1 (tagged PDF) costs little with WeasyPrint 70; see bench/ for the measurement.
PDF_VARIANT = "pdf/ua-1"


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
    def _static_path(url):
        parts = urlsplit(url)
        origin = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query:
            return None
        path = unquote(parts.path)
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
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    try:
        return document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
    except FatalURLFetchingError as e:
        raise RenderingStopped(str(e)) from e
