"""The public page cache on a real Redis (CACHE_URL=redis://…): the shared generation, its announcements, and
each process's own copy of the pages. Uses the Redis at 127.0.0.1:6379 (a key prefix of its own), skipped
with the reason when there is none; tests/test_several_servers.py runs the same through two gunicorns."""

import socket
import uuid

import pytest
from django.core.cache import caches

from disclosure.models import Organization
from disclosure.public import pagecache

from .test_public import published, published_rows  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/9"


def redis_runs():
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_cache(settings):
    if not redis_runs():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHE_URL = REDIS
    settings.CACHES = {
        "default": {"BACKEND": "disclosure.cache.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": uuid.uuid4().hex},
        pagecache.PROCESS_CACHE: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    pagecache.watch = pagecache.GenerationWatch()  # a new process, as far as the cache knows
    yield caches["default"]
    pagecache.watch._drop()
    caches["default"].clear()


def redis_refused(*args, **kwargs):
    raise AssertionError("asked Redis")


def rename(name):
    Organization.objects.filter(slug="agency").update(name=name)


def test_a_page_this_process_holds_costs_no_round_trip(client, published, redis_cache, monkeypatch):
    page = client.get("/reports/agency/2021/").content
    for method in ("get", "get_many", "add"):
        monkeypatch.setattr(redis_cache, method, redis_refused)
    assert client.get("/reports/agency/2021/").content == page


def test_an_announced_generation_reaches_this_process_at_its_next_request(client, published, redis_cache):
    client.get("/reports/agency/")
    rename("改过名的教育局")
    assert "改过名的教育局" not in client.get("/reports/agency/").content.decode()  # kept
    pagecache._raise_cached_generation()  # what another server does after a publication commits
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


def test_announcements_that_cross_never_lower_the_generation(redis_cache):
    first = pagecache.watch.current()
    redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())
    raised = redis_cache.get(pagecache.GENERATION_KEY)
    redis_cache._cache.get_client().publish(pagecache._channel(), first)  # a late, older announcement
    assert pagecache.watch.current() == raised > first


def test_what_was_announced_while_disconnected_is_not_missed(client, published, redis_cache):
    client.get("/reports/agency/")
    pagecache.watch._pubsub.connection.disconnect()  # a dropped connection; redis-py reconnects by itself
    rename("改过名的教育局")
    pagecache._raise_cached_generation()  # announced while this process wasn't listening
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()
    assert pagecache.watch._pubsub is not None


def test_without_a_subscription_each_request_asks_redis_and_stays_right(client, published, redis_cache):
    client.get("/reports/agency/")
    pagecache.watch._drop()
    pagecache.watch._retry_at = float("inf")  # Redis refuses subscriptions for now
    rename("改过名的教育局")
    pagecache._raise_cached_generation()
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


def test_a_lost_counter_restarts_from_the_clock(redis_cache):
    redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())
    assert redis_cache.get(pagecache.GENERATION_KEY) > 10**18  # never back at 1, which old pages may carry
