"""Django's Redis cache, with one redis.Redis client per connection pool instead of one per
operation.

Django's RedisCacheClient.get_client() builds a new redis.Redis object for every get and set,
and each one sets up its table of about 160 response callbacks: on the signing page, with
sessions, the campaign and the rate limits in the cache, that cost more CPU than the round
trips themselves. A redis.Redis object holds no connection of its own (it borrows one from
the pool per command) and is thread-safe, so one per pool does.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient
