"""PDF rendering with WeasyPrint, reading nothing but the project's own static files.

The HTML comes from our templates, but the narrative inside it was typed by people: WeasyPrint must not
be able to read local files or reach the network on anybody's behalf. ``StaticOnlyFetcher`` answers the
project's static files (the print stylesheet) and refuses every other URL: file:, http(s):, data:, ….
"""

import logging
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
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
        found = finders.find(path)
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


def render_pdf(html, *, fetcher=None, variant=PDF_VARIANT):
    """Bytes of the PDF of a complete HTML document (our print template)."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
