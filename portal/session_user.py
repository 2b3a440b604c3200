"""The signed-in user, with what every page reads of it, kept in the shared cache.

Loading it (the user, its instansi, employee, unit and official, and whether it heads a unit)
is two queries, but Django
builds and compiles that query anew on every request: a quarter of a gunicorn worker's time
during a signing rush (docs/benchmarks.md). With the shared cache of REDIS_URL a pickled copy
is kept for settings.USER_CACHE_SECONDS, made at login or by the first request that needs
it, and changes drop it:

- a save or delete of a user, or of the employee or official it is linked to, drops that
  user's copy, at once and again after COMMIT;
- a change to a unit or an instansi, and a roster import (its bulk writes send no signals),
  move the generation on: every copy made under an earlier generation is ignored.

A request that read a row just before a change committed may put the old copy back; it lives
at most USER_CACHE_SECONDS. Without a shared cache nothing is kept (USER_CACHE_SECONDS is 0):
a copy per process would keep an employee the roster deactivated signed in in other workers.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .caching import forget_now_and_after_commit, model_shape

GENERATION = "portal:session-user:generation"


@functools.cache
def _shape() -> str:
    """The columns of every model in a copy: a release that changes any of them never
    unpickles the previous release's copies."""
    from .models import Employee, Instansi, Official, Unit, User

    return "-".join(model_shape(model) for model in (User, Employee, Unit, Instansi, Official))


def _key(user_id) -> str:
    return f"portal:session-user:{_shape()}:{user_id}"


def load(user_id, fetch: Callable):
    """The user from the cache when a copy of the current generation is there, else fetch()
    (None: no such user), kept for next time."""
    seconds = settings.USER_CACHE_SECONDS
    if not seconds:
        return fetch()
    key = _key(user_id)
    found = cache.get_many([key, GENERATION])
    generation = found.get(GENERATION)
    copy = found.get(key)
    if copy is not None and copy[0] == generation:
        return copy[1]
    user = fetch()
    if user is not None:
        # The navigation asks on every page; a change of head is a unit's change (a new
        # generation), so the answer is kept with the copy.
        user.is_unit_head  # noqa: B018
        cache.set(key, (generation, user), seconds)
    return user


def _logged_in(sender, request, user, **kwargs) -> None:
    """The copy is made at login, so that the first page after it reads no user from the
    database. Loaded afresh rather than the object the login checked the password of: a change
    committed during that check (a roster import, a password reset) must not be cached as
    current, and load() reads the generation before it queries."""
    from .backends import UserBackend

    if settings.USER_CACHE_SECONDS:
        UserBackend().get_user(user.pk)


def forget(user_ids: Iterable) -> None:
    keys = [_key(pk) for pk in user_ids]
    if keys and settings.USER_CACHE_SECONDS:
        forget_now_and_after_commit(keys)


def forget_everyone() -> None:
    """A new generation once the change is committed (at once outside a transaction)."""
    if settings.USER_CACHE_SECONDS:
        transaction.on_commit(lambda: cache.set(GENERATION, uuid.uuid4().hex, None))


def _user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    # Every login saves last_login, which no page reads: the copy stays good.
    if update_fields != frozenset({"last_login"}):
        forget([instance.pk])


def _linked_changed(sender, instance, **kwargs) -> None:
    """An employee or official: the users linked to it (one, usually; none for most)."""
    from .models import Employee, User

    if settings.USER_CACHE_SECONDS:
        field = "employee" if sender is Employee else "official"
        forget(User.objects.filter(**{field: instance.pk}).values_list("pk", flat=True))


def _shared_changed(sender, instance, **kwargs) -> None:
    forget_everyone()


def connect() -> None:
    from .models import Employee, Instansi, Official, Unit, User

    receivers = [(User, _user_changed), (Employee, _linked_changed),
                 (Official, _linked_changed), (Unit, _shared_changed),
                 (Instansi, _shared_changed)]  # fmt: skip
    user_logged_in.connect(_logged_in, dispatch_uid="session_user.logged_in")
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"session_user.{model.__name__}")
