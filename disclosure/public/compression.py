"""Compressing the public pages, and nothing that carries a secret.

Django's ``GZipMiddleware`` compresses every response, and a compressed page that reflects what an attacker
sends next to a secret (a CSRF token, a session's data) leaks the secret by its size (BREACH). The public
pages carry neither: they are the same for every visitor, have no forms, and are served to visitors from the
page cache. So only responses of ``cached_page`` views are compressed, and not even one of those if it is
one person's: if it sets a cookie or varies by the cookie (a page that put in a CSRF token does both, as
``CsrfViewMiddleware`` sends the token's cookie with it). The workspace, the admin and the login pages go
out as they are.

Placed just inside ``PublicPageCacheMiddleware`` (pagecache.py), so the cache keeps the compressed page, one
copy per encoding (its key names the encoding the client accepts); every variant says
``Vary: Accept-Encoding`` for the caches downstream.
"""

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import cc_delim_re, set_response_etag


def is_personal(response):
    """A response that sets a cookie or depends on the visitor's cookies (a CSRF token, a session)."""
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    return bool(response.cookies) or "cookie" in vary


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not getattr(response, "public_page", False) or response.streaming or is_personal(response):
            return response
        # The tag of the page's own bytes (the compressed ones differ each time: Django pads the gzip header
        # with random bytes against BREACH); compressed, it becomes the weak W/"…" of the same page.
        if not response.has_header("ETag"):
            set_response_etag(response)
        return super().process_response(request, response)
