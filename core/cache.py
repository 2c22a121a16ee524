"""The Redis cache as an optimisation that may be missing: while Redis restarts or cannot be
reached, reads are misses and writes are dropped, so pages are computed from the database instead
of failing (Django's RedisCache raises on a connection error, which is a 500).

It also fails fast. Django's client sets no timeouts, so a Redis that accepts connections but
does not answer (hung, or a network that drops packets) would hold every request until TCP gives
up; here connecting waits at most 1 s and a reply 2 s, a broken pooled connection (Redis
restarted) is retried once at once, and after a failure the cache is left alone for
`down_seconds` (5 s, in this process) before Redis is tried again: one wait and one warning per
outage and process, not one per call. Only unavailability is forgiven (connection errors and
timeouts); any other Redis error is a bug and raises.

    CACHES = {"default": {"BACKEND": "core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL}}
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# Per server: until when (time.monotonic()) it is taken as down. Shared by the threads of a
# process (each thread has its own cache object, and its own connection pool).
_down_until: dict[str, float] = {}


def forgiving(fallback):
    """Run the client call unless the server is taken as down; on unavailability, take it as
    down and answer what `fallback` (called with the same arguments) says a miss answers."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args):
            if _down_until.get(self.server, 0) > time.monotonic():
                return fallback(*args)
            try:
                return method(self, *args)
            except UNAVAILABLE as exc:
                _down_until[self.server] = time.monotonic() + self.down_seconds
                logger.warning(
                    "cache unavailable (%s: %s); pages are computed without it for %s s",
                    type(exc).__name__,
                    exc,
                    self.down_seconds,
                )
                return fallback(*args)

        return call

    return decorate


class ForgivingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, down_seconds: float = 5, **options):
        options = {
            "socket_connect_timeout": 1,
            "socket_timeout": 2,
            # Once more at once on a broken connection (a pooled one that Redis closed when it
            # restarted), not after a timeout: a cache that does not answer now is a miss.
            "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            **options,
        }
        super().__init__(servers, **options)
        self.server = servers[0]
        self.down_seconds = down_seconds

    @forgiving(lambda key, default: default)
    def get(self, key, default):
        return super().get(key, default)

    @forgiving(lambda keys: {})
    def get_many(self, keys):
        return super().get_many(keys)

    @forgiving(lambda key: False)
    def has_key(self, key):
        return super().has_key(key)

    @forgiving(lambda key, value, timeout: False)  # nothing was added
    def add(self, key, value, timeout):
        return super().add(key, value, timeout)

    @forgiving(lambda key, value, timeout: None)
    def set(self, key, value, timeout):
        return super().set(key, value, timeout)

    @forgiving(lambda data, timeout: None)
    def set_many(self, data, timeout):
        return super().set_many(data, timeout)

    @forgiving(lambda key, timeout: False)
    def touch(self, key, timeout):
        return super().touch(key, timeout)

    @forgiving(lambda key: False)
    def delete(self, key):
        return super().delete(key)

    @forgiving(lambda keys: None)
    def delete_many(self, keys):
        return super().delete_many(keys)

    # A counter whose store is down starts again from nothing (a rate limit is lenient for the
    # length of the outage rather than failing the page).
    @forgiving(lambda key, delta: delta)
    def incr(self, key, delta):
        return super().incr(key, delta)

    @forgiving(lambda: False)
    def clear(self):
        return super().clear()


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
