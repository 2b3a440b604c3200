"""Profiles of the signing request: py-spy sampling one gunicorn worker under load, and cProfile
in this process through django.test.Client (bench/load_signing.py; method in docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import re
import signal
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

from lib import ROOT
from lib.django_setup import AUTH_BACKEND, DB_TASKS
from lib.http import USER_AGENT, Http
from lib.load import Phase, print_phase, run_phase
from lib.machine import Quiet, proc_cpu
from lib.procs import VENV_BIN, Gunicorn
from lib.signers import PASSWORD, Account, sign_action
from lib.stats import ms

# --- py-spy ----------------------------------------------------------------------------------

# Frames reported inclusively: (label, function as py-spy names it, path fragment); a name
# matches the function itself or a method of that name ("Class.name").
FRAMES = [
    ("whole request (SyncWorker.handle_request)", "SyncWorker.handle_request", "gunicorn/"),
    ("  the view, pledges.views.sign", "sign", "pledges/views.py"),
    ("    GET: page rendering (django.shortcuts.render)", "render", "django/shortcuts.py"),
    ("    POST: form validation (SignForm.is_valid)", "is_valid", "django/forms/forms.py"),
    ("    POST: pledges.services.append_signature", "append_signature", "pledges/services.py"),
    ("      clean_signature (base64, Pillow, ink check)", "clean_signature", "signature_image"),
    ("      image file written (Storage.save)", "save", "django/core/files/storage/"),
    ("      ChainedRecord.append (head lock, hash, insert)", "append", "portal/evidence.py"),
    ("      transaction commit (Atomic.__exit__)", "Atomic.__exit__", "django/db/transaction.py"),
    ("      render_certificate.enqueue (task row)", "Task.enqueue", "django_tasks/base.py"),
    ("    the campaign (get_campaign_to_sign)", "get_campaign_to_sign", "pledges/access.py"),
    ("  request body parsed (HttpRequest.POST)", "_load_post_and_files", "django/http/"),
    ("  session load (SessionStore.load)", "load", "django/contrib/sessions/backends/"),
    ("  session save (SessionStore.save)", "save", "django/contrib/sessions/backends/"),
    ("  request.user (auth get_user)", "get_user", "django/contrib/auth/__init__.py"),
    ("  CSRF check (CsrfViewMiddleware.process_view)", "process_view", "middleware/csrf.py"),
    ("  connection health check (DatabaseWrapper.is_usable)", "is_usable", "postgresql/base"),
    ("  all SQL through the Django cursor (CursorWrapper._execute)", "_execute", "backends/utils"),
    ("  gunicorn writing the response (util.write)", "write", "gunicorn/util.py"),
]
FRAME_RE = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def pyspy_profile(env: dict[str, str], tmp: Path, workers: int, accounts: list[Account], *,
                  points: int, concurrency: int, max_seconds: float, database: str,
                  quiet: Quiet) -> dict | None:  # fmt: skip
    """A further signing phase of `accounts` (the first 2 per worker warm up) on a fresh
    gunicorn, with `py-spy record --nonblocking --rate 100` on its first worker."""
    pyspy = VENV_BIN / "py-spy"
    if not pyspy.exists():
        print("py-spy is not installed (.venv/bin/pip install py-spy); skipping its profile")
        return None
    print(f"\n== py-spy profile: {len(accounts)} signings, {workers} workers ==")
    server = Gunicorn(workers, env, tmp / "gunicorn-pyspy.log")
    http = Http(server.port)
    out = tmp / "pyspy.txt"
    try:
        warm = accounts[: 2 * workers]
        run_phase(Phase("warm-up", workers), warm, sign_action(http, points), max_seconds=60,
                  pids=server.worker_pids(), database=database)  # fmt: skip
        quiet.wait("py-spy profile")
        target = server.worker_pids()[0]
        spy = subprocess.Popen(
            [str(pyspy), "record", "--pid", str(target), "--nonblocking", "--rate", "100",
             "--format", "raw", "--duration", "600", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        before = proc_cpu(target)
        time.sleep(2)  # py-spy attaches to the worker
        phase = run_phase(Phase("signing under py-spy", concurrency), accounts[len(warm) :],
                          sign_action(http, points), max_seconds=max_seconds,
                          pids=server.worker_pids(), database=database)  # fmt: skip
        worker_cpu = (proc_cpu(target) - before) / phase.window
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(timeout=60)
        except subprocess.TimeoutExpired:
            spy.kill()
    finally:
        server.stop()
    print_phase(phase)
    print(f"  sampled worker {target}: {worker_cpu:.2f} cores busy; raw profile {out}")
    if not out.exists():
        print("py-spy wrote no output")
        return None
    summary = summarise_pyspy(out.read_text(), phase)
    summary["worker_cpu"] = worker_cpu
    for label, n in summary["inclusive"].most_common():
        print(f"  {label}: {n / (summary['total'] or 1):.1%}")
    for name, n in summary["self"]:
        print(f"  self {name}: {n / (summary['total'] or 1):.1%}")
    return summary


def summarise_pyspy(raw: str, phase: Phase) -> dict:
    """Samples in all, per FRAMES label (inclusive) and per innermost function (own time)."""
    total = 0
    inclusive: Counter = Counter()
    self_time: Counter = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = []
        for frame in stack.split(";"):
            found = FRAME_RE.match(frame.strip())
            if found:
                frames.append((found["func"], found["file"]))
        if not frames:
            continue
        total += n
        func, path = frames[-1]
        self_time[f"{func} ({short_path(path)})"] += n
        for label, name, fragment in FRAMES:
            if any(fragment in p and (f == name or f.endswith("." + name)) for f, p in frames):
                inclusive[label] += n
    return {"total": total, "inclusive": inclusive, "self": self_time.most_common(15),
            "phase": phase}  # fmt: skip


def short_path(path: str) -> str:
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


# --- cProfile --------------------------------------------------------------------------------

# (label, function name, path fragment) for cumulative times under cProfile; a fragment of
# "~" is a C function, named as pstats names it.
CPROFILE_FUNCS = [
    ("the view (pledges.views.sign)", "sign", "pledges/views.py"),
    ("  template rendering (django.shortcuts.render)", "render", "django/shortcuts.py"),
    ("  pledges.services.append_signature", "append_signature", "pledges/services.py"),
    (
        "    clean_signature (base64, Pillow decode, ink check)",
        "clean_signature",
        "signature_image",
    ),
    ("    image file written (FileSystemStorage._save)", "_save", "django/core/files/storage/"),
    ("    ChainedRecord.append (head lock, hash, insert)", "append", "portal/evidence.py"),
    ("    render_certificate.enqueue (task row)", "enqueue", "django_tasks/base.py"),
    ("  the campaign (get_campaign_to_sign)", "get_campaign_to_sign", "pledges/access.py"),
    # db or cached_db (with REDIS_URL), whichever the settings use: the outermost counts.
    ("session load (SessionStore.load)", "load", "django/contrib/sessions/backends/"),
    ("session save (SessionStore.save)", "save", "django/contrib/sessions/backends/"),
    ("request.user (auth get_user)", "get_user", "django/contrib/auth/__init__.py"),
    ("SQL: Django cursor (CursorWrapper._execute)", "_execute", "django/db/backends/utils.py"),
    ("  of which psycopg2 cursor.execute (round trip)", "execute' of 'psycopg2", "~"),
    ("COMMIT (psycopg2 connection.commit, WAL flush)", "commit' of 'psycopg2", "~"),
]


@contextlib.contextmanager
def query_timer(bucket: dict):
    """Count the queries of Django's default connection and their time into `bucket`."""
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            bucket["queries"] += 1
            bucket["seconds"] += time.perf_counter() - start

    with connection.execute_wrapper(wrapper):
        yield


def cprofile_signing(accounts: list[Account], quiet: Quiet) -> dict:
    """GET + POST of the signing page through one django.test.Client in this process (one
    handler, so middleware is loaded once as in a worker), with the database task backend:
    one warm-up, half the rest timed plainly (queries and database time), the other half under
    cProfile. Also the median of 5 password checks."""
    from django.contrib.auth.hashers import check_password
    from django.test import Client, override_settings

    from pledges.models import IKRAR_POINTS
    from portal.models import User

    print(f"\n== in-process profile: {len(accounts)} signings through django.test.Client ==")
    quiet.wait("in-process profile")
    hashed = User.objects.get(pk=accounts[0].user_id).password
    pbkdf2 = []
    for _ in range(5):
        start = time.process_time()  # CPU: the machine may be shared
        assert check_password(PASSWORD, hashed)
        pbkdf2.append(time.process_time() - start)
    half = len(accounts) // 2
    # The algorithm and its parameters: what the stored hash says before its salt and digest.
    results: dict = {"pbkdf2": statistics.median(pbkdf2), "hasher": hashed.rsplit("$", 2)[0]}
    client = Client(headers={"user-agent": USER_AGENT})
    profiles = {"GET": cProfile.Profile(), "POST": cProfile.Profile()}
    with override_settings(TASKS={"default": {"BACKEND": DB_TASKS}}):
        users = {u.pk: u for u in User.objects.filter(pk__in=[a.user_id for a in accounts])}

        def one(account: Account, profiled: bool, timing: dict) -> None:
            client.force_login(users[account.user_id], backend=AUTH_BACKEND)
            path = f"/ikrar/{account.campaign_pk}/"
            form = {f"point_{i}": "on" for i in range(1, len(IKRAR_POINTS) + 1)}
            form.update(method="drawn", signature=account.data_url, typed_name="")
            for kind in ("GET", "POST"):
                bucket = timing[kind]
                send = client.get if kind == "GET" else client.post
                start = time.perf_counter()
                with query_timer(bucket):
                    if profiled:
                        profiles[kind].enable()
                    response = send(path, form if kind == "POST" else None, secure=True,
                                    HTTP_X_FORWARDED_FOR=account.ip)  # fmt: skip
                    if profiled:
                        profiles[kind].disable()
                bucket["wall"].append(time.perf_counter() - start)
                expected = 200 if kind == "GET" else 302
                assert response.status_code == expected, (kind, response.status_code)

        def fresh() -> dict:
            return {k: {"queries": 0, "seconds": 0.0, "wall": []} for k in ("GET", "POST")}

        one(accounts[0], False, fresh())  # warm-up: URLconf, templates, first connection
        plain = fresh()
        for account in accounts[1 : half + 1]:
            one(account, False, plain)
        profiled = fresh()
        for account in accounts[half + 1 :]:
            one(account, True, profiled)
    n_plain, n_prof = half, len(accounts) - half - 1
    results["plain"] = {
        k: {"median": statistics.median(v["wall"]), "queries": v["queries"] / n_plain,
            "db": v["seconds"] / n_plain}
        for k, v in plain.items()
    }  # fmt: skip
    results["profiled_wall"] = {k: statistics.median(v["wall"]) for k, v in profiled.items()}
    results["functions"] = {
        kind: cumulative(pstats.Stats(profile), n_prof) for kind, profile in profiles.items()
    }
    for kind, profile in profiles.items():
        buffer = io.StringIO()
        pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(15)
        print(f"  --- {kind}, by own time ---\n{buffer.getvalue()}")
    results["n"] = (n_plain, n_prof)
    for kind, row in results["plain"].items():
        print(f"  {kind}: median {ms(row['median'])}, {row['queries']:.1f} queries, "
              f"DB {ms(row['db'])}")  # fmt: skip
    for kind, rows in results["functions"].items():
        for label, seconds in rows:
            print(f"  {kind} {label}: {ms(seconds)} per request (under cProfile)")
    return results


def cumulative(stats: pstats.Stats, n: int) -> list[tuple[str, float]]:
    """Cumulative seconds per request of each CPROFILE_FUNCS entry."""
    table = stats.stats  # type: ignore[attr-defined]
    found = []
    for label, name, fragment in CPROFILE_FUNCS:
        if fragment == "~":
            total = sum(v[3] for (_path, _l, func), v in table.items() if name in func)
        else:
            # The largest cumulative time among the matches: an outer match (cached_db's load
            # calling db's) already includes the inner one.
            total = max((v[3] for (path, _l, func), v in table.items()
                         if func == name and fragment in path), default=0.0)  # fmt: skip
        found.append((label, total / n))
    return found
