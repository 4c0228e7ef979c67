"""A per-IP limit on login attempts, checked before anything hashes a password.

django-axes counts *failures per user name and IP*, which needs a password check first — and each check is a
deliberately slow hash (~0.25 s of CPU). A flood of logins with random user names therefore never trips axes
and keeps every worker hashing: measured before this limit, both gunicorn workers processed ~3.7 logins/s and
a public page took 7 s meanwhile (bench/login_flood.py). So every POST to a login URL is counted per client IP
(``disclosure.clientip``) in a fixed time window, in Django's cache framework (local memory per process by
default, shared by every server when the cache is Redis); past ``LOGIN_ATTEMPTS_PER_MINUTE`` the request gets
a Chinese 429 page with ``Retry-After`` and never reaches the view, the auth backends or axes.
GETs of the login page are not counted: showing the form costs nothing and must stay possible.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse

from .clientip import client_ip

logger = logging.getLogger(__name__)

# The login views that call authenticate(): the staff workspace's and the Django admin's.
LOGIN_URL_NAMES = ("workspace:login", "admin:login")
KEY_PREFIX = "login-attempts"


def login_paths() -> set[str]:
    return {reverse(name) for name in LOGIN_URL_NAMES}


def now() -> float:
    """The clock of the windows (a function, so that tests can move it)."""
    return time.time()


def count_attempt(ip: str, window: int) -> tuple[int, int]:
    """Count one attempt from ``ip`` in the current window; return the attempts so far in it and the seconds
    until it ends. ``add`` then ``incr`` is atomic in every cache backend that has an atomic ``incr`` (Redis,
    Memcached, local memory), so concurrent workers never lose a count."""
    moment = now()
    bucket = int(moment // window)
    key = f"{KEY_PREFIX}:{bucket}:{ip}"
    # The key outlives its window a little so that a late incr still finds it; a new window is a new key.
    cache.add(key, 0, timeout=window + 5)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr: this attempt starts the count again
        cache.add(key, 1, timeout=window + 5)
        attempts = 1
    seconds_left = max(1, math.ceil((bucket + 1) * window - moment))
    return attempts, seconds_left


def too_many_attempts(request, ip: str, attempts: int, seconds_left: int):
    if attempts == settings.LOGIN_ATTEMPTS_PER_MINUTE + 1:
        logger.warning("Login flood from %s: refusing its login attempts for %d s", ip, seconds_left)
    response = render(
        request,
        "registration/too_many_attempts.html",
        {"minutes": math.ceil(seconds_left / 60), "seconds": seconds_left},
        status=429,
    )
    response["Retry-After"] = str(seconds_left)
    # One line per IP and window (above), not Django's "Too Many Requests" line per refused request: a flood
    # would otherwise write a log line for each of its hundreds of requests a second.
    response._has_been_logged = True
    return response


class LoginFloodMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None  # resolved on first use: the URLconf is not loaded when middleware is built

    def __call__(self, request):
        limit = settings.LOGIN_ATTEMPTS_PER_MINUTE
        if limit and request.method == "POST":
            if self.paths is None:
                self.paths = login_paths()
            if request.path in self.paths:
                ip = client_ip(request) or "unknown"
                attempts, seconds_left = count_attempt(ip, settings.LOGIN_ATTEMPTS_WINDOW)
                if attempts > limit:
                    return too_many_attempts(request, ip, attempts, seconds_left)
        return self.get_response(request)
