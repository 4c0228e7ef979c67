"""The public pages, kept in Django's cache and dropped everywhere at once when a version becomes public.

Public pages change only when a version becomes ready (published and rendered) or is re-rendered. Each of
those raises the publication generation, a counter in the database (``PublicationGeneration``), in the same
transaction that makes the change; a page is cached under the generation it was read at, so every process of
every server sees the change at its next request. The generation lives in the database rather than in the
cache so that it is shared even with the default per-process local-memory cache, and also reaches a web
process when a separate worker process did the rendering. With ``CACHE_URL=redis://…`` the pages themselves
are shared by all servers too. Pages are also dropped after ``TIMEOUT`` seconds, which bounds how long an
edit made in the admin (an organization renamed, say) takes to show. Only visitors' pages are cached
(requests without a session cookie): a signed-in user's page may carry things of their own.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import FileResponse, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag

from .compression import accepts_gzip

TIMEOUT = 60


def generation():
    from ..models import PublicationGeneration

    return PublicationGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def invalidate():
    """Drop every cached public page, in every process of every server. Call it in the transaction that
    makes the change: the new generation becomes visible with the change itself."""
    from ..models import PublicationGeneration

    if PublicationGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race to create the row leaves the caller's intact
            PublicationGeneration.objects.create(pk=1, value=1)
    except IntegrityError:
        PublicationGeneration.objects.filter(pk=1).update(value=F("value") + 1)


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

    wrapper.cached_public_page = True  # the middleware looks for this before reading the generation
    return wrapper


def _is_cached_view(path):
    """Whether the path goes to a ``cached_page`` view (the URL resolver caches its patterns: cheap)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "cached_public_page", False)


class PublicPageCacheMiddleware:
    """Serves a visitor's request for a public page from the cache before the rest of the middleware runs.

    Placed early (after SecurityMiddleware and WhiteNoise), it stores the final response with every header
    the later middleware added (CSP, X-Frame-Options, Vary …), so a cached page carries them all. A request
    with a session cookie (a signed-in user, or one with messages waiting) always goes the whole way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and _is_cached_view(request.path_info)
        )
        if not cacheable:
            return self.get_response(request)
        # The Host header is checked before anything is answered (DisallowedHost becomes Django's 400), as
        # CommonMiddleware would check it for an uncached page.
        request.get_host()
        # One copy per encoding the client accepts (compression.py compresses the page before it is kept).
        encoding = "gzip" if accepts_gzip(request) else "identity"
        key = f"public-page:{generation()}:{encoding}:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            return _from_cache(request, *cached)
        response = self.get_response(request)
        if getattr(response, "public_page", False) and response.status_code == 200 and not response.cookies:
            if not response.streaming and not response.has_header("ETag"):
                set_response_etag(response)  # a page's ETag, so that a revisit can be a 304
            kept = _kept(response)
            if kept is not None:
                cache.set(key, (kept, dict(response.headers)), TIMEOUT)
                if not response.streaming:
                    return _from_cache(request, kept, dict(response.headers))  # a 304 already, if it may be
        return response


def _kept(response):
    """What the cache keeps of a response: its bytes, or for a file streamed from storage its name (the
    download then costs what a static file does: no query but the generation, no view); None: not kept."""
    if not response.streaming:
        return response.content
    name = getattr(response, "stored_file", None)
    return {"stored_file": name} if name else None


def _from_cache(request, kept, headers):
    etag = headers.get("ETag")
    not_modified = etag and get_conditional_response(request, etag=etag)
    if not_modified:
        response = not_modified
    elif isinstance(kept, dict):
        response = FileResponse(default_storage.open(kept["stored_file"], "rb"))
    else:
        response = HttpResponse(kept)
    for name, value in headers.items():
        if not (not_modified and name in ("Content-Length", "Content-Type", "Content-Disposition", "Content-Encoding")):
            response[name] = value
    return response
