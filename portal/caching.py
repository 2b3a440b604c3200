"""Helpers for rows copied into the default cache (pickled model instances)."""

import functools
import zlib

from django.core.cache import cache
from django.db import transaction


def forget_now_and_after_commit(keys: list[str]) -> None:
    """Drop cached copies of rows being changed: at once, and again once the change is
    committed, since a request that read the old row meanwhile may have cached it again."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@functools.cache
def model_shape(model) -> str:
    """A short fingerprint of a model's columns, in the keys of its cached (pickled) rows: a
    release that changes the model never unpickles the previous release's copies."""
    names = ",".join(f.attname for f in model._meta.concrete_fields)
    return f"{zlib.crc32(names.encode()):08x}"
