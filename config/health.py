"""Health endpoint for load balancers and monitoring: database, storage and the task queue."""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


# The storage probe writes a file: an anonymous endpoint must not do that on every hit, so a
# good answer holds for a minute (a failing storage is probed again every time).
STORAGE_PROBE_SECONDS = 60


def _storage() -> None:
    if cache.get("health:storage-ok"):
        return
    name = default_storage.save("health/probe.txt", ContentFile(b"ok"))
    try:
        if default_storage.open(name).read() != b"ok":
            raise OSError("storage read back differs")
    finally:
        default_storage.delete(name)
    cache.set("health:storage-ok", True, STORAGE_PROBE_SECONDS)


def _tasks() -> None:
    """With the database queue, the queue table must answer; stale work is reported, not fatal."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.exists()


CHECKS = {"database": _database, "storage": _storage, "tasks": _tasks}


@never_cache
@login_not_required
@require_GET
def health(request):
    results, ok = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        except Exception as exc:  # noqa: BLE001 - any failure is a health result, not a 500
            ok = False
            results[name] = {"ok": False, "error": type(exc).__name__}
    return JsonResponse({"ok": ok, "checks": results}, status=200 if ok else 503)


@never_cache
@login_not_required
@require_GET
def alive(request):
    """Liveness: the process answers, through the whole middleware stack, and touches nothing
    else (no database, no template). A supervisor restarts the app when this fails; /sehat/
    says whether it can do its work. The benchmarks also use it as the trivial request that
    the signing's cost is measured against."""
    return HttpResponse("ok", content_type="text/plain")
