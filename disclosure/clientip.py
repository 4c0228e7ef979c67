"""The client's IP address, the one function every IP-based rule uses (django-axes lockouts, the login flood
limit in ``disclosure.loginflood``).

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy (127.0.0.1 behind the nginx of the README), so each
client must be read from ``X-Forwarded-For``. That header is only as trustworthy as the proxies that append to
it: a client can send one of its own, and every proxy *appends* the address it saw. So with
``TRUSTED_PROXY_COUNT = N`` the client is the entry N hops from the right — the one the outermost trusted
proxy wrote — and whatever lies further left (the client's own inventions) is never read. With 0 (the
default: no proxy) the header is ignored entirely and ``REMOTE_ADDR`` is the client.

The chain is parsed by django-ipware (python-ipware), which validates each entry and knows the RFC 7239
forms; its ``proxy_count`` counts only the proxies that appear *inside* the header (the last proxy is
``REMOTE_ADDR``), hence N - 1.
"""

import logging

from django.conf import settings
from ipware.ip import get_client_ip

logger = logging.getLogger(__name__)

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
_warned_of_unused_header = False


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        ip, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=[FORWARDED_FOR],
            # Not strict: a client's garbage on the left is skipped, it must not push every such client onto
            # the proxy's own address. The entries the trusted proxies wrote are always well-formed.
            strict=False,
        )
        if ip:
            return ip
    elif FORWARDED_FOR in request.META:
        warn_of_unused_header()
    # No proxy configured, or a request that did not pass through all of them (too short a header, e.g. a
    # direct connection to the application server): the peer address is all we know for sure.
    return request.META.get("REMOTE_ADDR")


def warn_of_unused_header():
    """Once per process: a proxy seems to be in front, but every client will look like it."""
    global _warned_of_unused_header
    if not _warned_of_unused_header:
        _warned_of_unused_header = True
        logger.warning(
            "A request came with X-Forwarded-For while TRUSTED_PROXY_COUNT is 0: the header is ignored. Behind a "
            "reverse proxy set TRUSTED_PROXY_COUNT to the number of proxies, or every client has the proxy's IP "
            "and one of them can lock staff accounts out for all (README, Configuration)."
        )
