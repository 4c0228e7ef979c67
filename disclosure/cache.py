"""Django's Redis cache backend, with what the public page cache needs beyond get and set.

- One ``redis.Redis`` client object per connection pool instead of one per call: Django's
  ``RedisCacheClient.get_client`` builds a new one for every operation, and setting up its ~170 response
  callbacks costs more than the round trip itself on the page cache's hot path. A ``redis.Redis`` is safe to
  share between threads (each command takes a connection from the pool).
- ``raise_counter``: raise a counter and announce its new value on a channel in one atomic step (a Lua
  script), so that every process subscribed to the channel learns of it in order.
- ``subscribe``: a pub/sub subscription on the cache's server, for ``pagecache.GenerationWatch``.
"""

import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# A lost counter (Redis restarted, or evicted it) restarts from the clock, never from 1, so that it can't
# come back to a value that pages kept elsewhere were stored under.
RAISE_AND_ANNOUNCE = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
redis.call('INCR', KEYS[1])
local value = redis.call('GET', KEYS[1])  -- as text: Lua numbers are doubles, too coarse for the clock's
redis.call('PUBLISH', ARGV[1], value)
return value
"""


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def raise_counter(self, key, channel):
        """Raise the integer at ``key`` by one and publish the new value on ``channel``; return it."""
        client = self._cache.get_client(key, write=True)
        return int(client.eval(RAISE_AND_ANNOUNCE, 1, self.make_and_validate_key(key), channel, time.time_ns()))

    def subscribe(self, channel):
        """A new ``PubSub`` subscribed to ``channel``, its confirmation read (so no message sent after this
        returns is missed)."""
        pubsub = self._cache.get_client(write=True).pubsub()
        pubsub.subscribe(channel)
        confirmation = pubsub.get_message(timeout=5)
        if not confirmation or confirmation["type"] != "subscribe":
            pubsub.close()
            raise ConnectionError(f"Redis did not confirm the subscription to {channel}")
        return pubsub
