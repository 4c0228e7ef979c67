"""The public pages, kept in Django's cache and dropped everywhere at once when a version becomes public.

Public pages change only when a version becomes ready (published and rendered) or is re-rendered. Each of
those raises the *publication generation*; a page is kept with the generation it was read at and is used only
while the generation is still the same, so every process of every server sees the change at its next request.

Where the generation lives depends on the cache:

- With the default per-process local-memory cache it is a counter in the database (``PublicationGeneration``),
  raised in the same transaction that makes the change: that is the one thing all processes share, and it
  also reaches a web process when a separate worker process did the rendering. Each visitor's request reads
  it (one small query).
- With a shared cache (``CACHE_URL=redis://…``) it is a counter in that cache, raised right after the change
  commits and announced on a Redis channel in the same atomic step. Each process subscribes to the channel
  (``GenerationWatch``) and keeps the pages it served in its own memory too, so a page it already holds costs
  no round trip at all: it polls its subscription's socket (a non-blocking read, no request to Redis) and
  answers from memory, which is what lets a download run at nearly the rate of a static file. The poll is
  made in the request itself, not in a background thread, so an announcement that reached the socket before
  the request is always seen: publish through one server, and the next request to any other gets the new
  page. Pages the process doesn't hold come from Redis (one ``get``), and while the subscription is down
  every request reads the counter and the page in one ``get_many``. If the counter is lost (Redis restarted
  or evicted it) a new one starts from the clock, so no old page matches.

Pages are also dropped after ``TIMEOUT`` seconds, which bounds how long an edit made in the admin (an
organization renamed, say) takes to show. Only visitors' pages are cached (requests without a session
cookie): a signed-in user's page may carry things of their own.
"""

import functools
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag

from .compression import accepts_gzip

TIMEOUT = 60
PROCESS_CACHE = "process"  # settings.CACHES alias of each process's own copy of the pages (shared cache only)

logger = logging.getLogger(__name__)


GENERATION_KEY = "public-generation"


def shared_cache():
    """Whether the cache is one for all processes (Redis), so the generation can live there."""
    return bool(settings.CACHE_URL)


def generation():
    if shared_cache():
        return _cached_generation(cache.get(GENERATION_KEY))
    return _database_generation()


def _database_generation():
    from ..models import PublicationGeneration

    return PublicationGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def _cached_generation(value):
    """The shared generation as read, or a new one when the cache has lost it."""
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate():
    """Drop every cached public page, in every process of every server. Call it in the transaction that
    makes the change: the new generation becomes visible with the change itself (for the shared cache, just
    after it commits — so a page read before the commit is never kept under the new generation)."""
    if shared_cache():
        transaction.on_commit(_raise_cached_generation)
        return
    from ..models import PublicationGeneration

    if PublicationGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race to create the row leaves the caller's intact
            PublicationGeneration.objects.create(pk=1, value=1)
    except IntegrityError:
        PublicationGeneration.objects.filter(pk=1).update(value=F("value") + 1)


def _raise_cached_generation():
    if hasattr(cache, "raise_counter"):  # disclosure.cache.RedisCache: raised and announced at once
        # This process knows at once; the others when the announcement reaches their socket (it may
        # reach this process's own subscription only after the next request has looked).
        watch.saw(cache.raise_counter(GENERATION_KEY, _channel()))
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # lost: a fresh value from the clock differs from every earlier one
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _channel():
    return cache.make_key(GENERATION_KEY)  # with the cache's key prefix: deployments sharing a Redis don't mix


class GenerationWatch:
    """This process's knowledge of the shared generation, kept current by a Redis subscription.

    ``current()`` drains the subscription without waiting and returns the newest generation announced, or
    None when there is no subscription (no Redis pub/sub, or it failed: the caller then asks Redis). The
    value only ever rises (announcements of two publications may cross), and it is read from Redis once the
    subscription is confirmed — again whenever redis-py reconnects and subscribes anew by itself — so
    nothing announced while it wasn't listening is missed.
    """

    RETRY_SECONDS = 5

    def __init__(self):
        self._lock = threading.Lock()  # gthread workers share the process
        self._pid = None
        self._pubsub = None
        self._value = None
        self._retry_at = 0.0
        self._reconnected = False

    def current(self):
        with self._lock:
            if self._pid != os.getpid():  # forked after subscribing: the socket belongs to the parent
                self._pid, self._pubsub, self._value = os.getpid(), None, None
            try:
                if self._pubsub is None and not self._subscribe():
                    return None
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "message":
                        self._value = max(self._value, int(message["data"]))
                if self._reconnected:
                    self._reconnected = False
                    self._value = max(self._value, _cached_generation(cache.get(GENERATION_KEY)))
                return self._value
            except Exception:  # noqa: BLE001 - Redis down or restarted: ask it per request until it is back
                logger.warning("Lost the publication generation subscription", exc_info=True)
                self._drop()
                return None

    def saw(self, value):
        """This process raised the generation to ``value`` itself."""
        with self._lock:
            if self._pid == os.getpid() and self._value is not None:
                self._value = max(self._value, value)

    def _subscribe(self):
        if not hasattr(cache, "subscribe") or time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        self._pubsub = cache.subscribe(_channel())
        self._pubsub.connection.register_connect_callback(self._on_reconnect)
        self._value = _cached_generation(cache.get(GENERATION_KEY))
        return True

    def _on_reconnect(self, connection):
        self._reconnected = True  # runs after redis-py's own callback, which subscribed again

    def _drop(self):
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
        self._pubsub = self._value = None


watch = GenerationWatch()


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


@functools.lru_cache(maxsize=4096)  # bounded: random paths only churn it; the URLconf never changes in a process
def _is_cached_view(path):
    """Whether the path goes to a ``cached_page`` view (resolving is most of a cached page's own cost)."""
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
        slot = f"{'gzip' if accepts_gzip(request) else 'identity'}:{request.path}"
        current, cached = _lookup(slot)
        if cached is not None and cached[0] == current:
            response = _from_cache(request, *cached[1:])
            if response is not None:
                return response
        response = self.get_response(request)
        if getattr(response, "public_page", False) and response.status_code == 200 and not response.cookies:
            if not response.streaming and not response.has_header("ETag"):
                set_response_etag(response)  # a page's ETag, so that a revisit can be a 304
            kept = _kept(response)
            if kept is not None:
                _keep(slot, (current, kept, dict(response.headers)))
                if not response.streaming:
                    return _from_cache(request, kept, dict(response.headers))  # a 304 already, if it may be
        return response


def _page_key(path):
    return f"public-page:{path}"


def _lookup(path):
    """(the current generation, what the caches hold for the path). With a shared cache and a live
    subscription, a page this process holds needs no round trip; otherwise at most one."""
    key = _page_key(path)
    if not shared_cache():
        return _database_generation(), cache.get(key)
    current = watch.current()
    if current is None:
        found = cache.get_many([GENERATION_KEY, key])
        return _cached_generation(found.get(GENERATION_KEY)), found.get(key)
    kept = _process_cache().get(key)
    if kept is None or kept[0] != current:
        kept = cache.get(key)
        if kept is not None and kept[0] == current:
            _process_cache().set(key, kept, TIMEOUT)
    return current, kept


def _keep(path, entry):
    cache.set(_page_key(path), entry, TIMEOUT)
    if shared_cache():
        _process_cache().set(_page_key(path), entry, TIMEOUT)


def _process_cache():
    return caches[PROCESS_CACHE] if PROCESS_CACHE in settings.CACHES else cache


def _kept(response):
    """What the cache keeps of a response: its bytes, or for a file streamed from storage its name and, on a
    local disk, its path (the download then costs about what a static file does: no query, no view, no
    storage lookup); None: not kept."""
    if not response.streaming:
        return response.content
    name = getattr(response, "stored_file", None)
    if not name:
        return None
    try:
        return {"stored_file": name, "path": default_storage.path(name)}
    except NotImplementedError:  # a remote storage: opened through the storage API
        return {"stored_file": name}


class KeptFileResponse(StreamingHttpResponse):
    """A stored file sent with the headers kept from its first response: no type guessing, no stat, no
    header computed again. Under gunicorn the WSGI file wrapper sends it with sendfile()."""

    block_size = 64 * 1024

    def __init__(self, file):
        super().__init__(iter(lambda: file.read(self.block_size), b""))
        self.file_to_stream = file
        self._resource_closers.append(file.close)


def _from_cache(request, kept, headers):
    """The kept response again; None when a kept file is gone (replaced by a re-render a moment ago)."""
    etag = headers.get("ETag")
    not_modified = etag and get_conditional_response(request, etag=etag)
    if not_modified:
        response = not_modified
    elif isinstance(kept, dict):
        try:
            path = kept.get("path")
            response = KeptFileResponse(open(path, "rb") if path else default_storage.open(kept["stored_file"], "rb"))
        except FileNotFoundError:
            return None
    else:
        response = HttpResponse(kept)
    for name, value in headers.items():
        if not (not_modified and name in ("Content-Length", "Content-Type", "Content-Disposition", "Content-Encoding")):
            response[name] = value
    return response
