"""config.cache.RedisCache: Django's Redis cache with one client per pool (skipped where no
Redis answers on 127.0.0.1:6379)."""

import socket
import uuid

import pytest

from config.cache import RedisCache


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


def test_it_stores_reads_and_forgets_with_one_client():
    cache = RedisCache("redis://127.0.0.1:6379/9", {"KEY_PREFIX": f"test-{uuid.uuid4()}"})
    cache.set("campaign", {"pk": 5}, 10)
    assert cache.get("campaign") == {"pk": 5}
    cache.delete_many(["campaign"])
    assert cache.get("campaign") is None
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
