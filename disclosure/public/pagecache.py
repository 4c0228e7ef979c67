"""A per-process cache of the public pages, emptied everywhere at once when something is published.

Public pages change only when a version is published or re-rendered. Each of those touches a stamp file in
MEDIA_ROOT (shared by all worker processes of a server); a page is cached under the stamp's modification
time, so every process sees a publication at its next request, with a stat() call as the only cost. Pages
are also dropped after ``TIMEOUT`` seconds, which bounds how long an edit made in the admin (an
organization renamed, say) takes to show. Only visitors' pages are cached (requests without a session
cookie): a signed-in user's page may carry things of their own.
"""

import functools
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

TIMEOUT = 60
STAMP_NAME = ".public-pages-stamp"


def _stamp_path():
    return Path(settings.MEDIA_ROOT) / STAMP_NAME


def generation():
    try:
        return os.stat(_stamp_path()).st_mtime_ns
    except FileNotFoundError:
        return 0


def invalidate():
    """Drop every cached public page, in every process: now, and again when the transaction commits (so
    that no process caches, between the two, a page read before the commit)."""
    _touch()
    transaction.on_commit(_touch)


def _touch():
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def cached_page(view):
    """Mark a public view's pages as the same for every visitor: ``PublicPageCacheMiddleware`` keeps them.

    They are kept under their path alone: a marked view must not read the query string (none does), so
    that ``?anything`` neither changes the page nor makes a new entry in the cache.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapper


class PublicPageCacheMiddleware:
    """Serves a visitor's request for a public page from the cache before the rest of the middleware runs.

    Placed early (after SecurityMiddleware and WhiteNoise), it stores the final response with every header
    the later middleware added (CSP, X-Frame-Options, Vary …), so a cached page carries them all. A request
    with a session cookie (a signed-in user, or one with messages waiting) always goes the whole way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES
        if not cacheable:
            return self.get_response(request)
        # The Host header is checked before anything is answered (DisallowedHost becomes Django's 400), as
        # CommonMiddleware would check it for an uncached page.
        request.get_host()
        key = f"public-page:{settings.MEDIA_ROOT}:{generation()}:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = self.get_response(request)
        if (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            cache.set(key, (response.content, dict(response.headers)), TIMEOUT)
        return response
