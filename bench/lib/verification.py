"""The public verification page under load (bench/load_signing.py; method in
docs/benchmarks.md): GET /v/<code>/ from many addresses and from one, against the rate limit."""

from __future__ import annotations

import os
import time
import zlib
from pathlib import Path

from lib import ROOT
from lib import report as md
from lib.django_setup import SETTINGS
from lib.http import Http
from lib.load import Phase, cpu_table, print_phase, run_phase, settle
from lib.machine import Quiet
from lib.procs import Gunicorn
from lib.signers import visitor_ip
from lib.stats import lat

NO_LIMIT_SETTINGS = "bench_load_settings"
ONE_ADDRESS = "198.51.100.7"
VERIFY_STEP = "GET /v/<code>/"
VERIFY_DISTINCT = "as deployed, every request from an address of its own"
VERIFY_ONE = f"as deployed, every request from one address ({ONE_ADDRESS})"
VERIFY_UNLIMITED = "RATELIMIT_ENABLE = False (throwaway settings module)"


def verify_action(http: Http, *, limited_ok: bool):
    """GET /v/<code>/ from the item's address: a 200 naming the code is a success; a 429 is
    counted apart (latency, first one) when limited_ok, else it is an error."""

    async def action(item: tuple[str, str], phase: Phase) -> bool:
        code, ip = item
        seconds, reply = await http.request(None, ip, "GET", f"/v/{code}/")
        if reply.status == 429 and limited_ok:
            phase.latencies[f"{VERIFY_STEP} (429)"].append(seconds)
            phase.statuses[(VERIFY_STEP, 429)] += 1
            if phase.first_limited is None:
                phase.first_limited = time.perf_counter() - phase.started
                phase.ok_before_limit = phase.ok
            return False
        good = reply.status == 200 and code.encode() in reply.body.replace(b"-", b"")
        phase.record(VERIFY_STEP, seconds, reply, good)
        return good

    return action


def verify_runs(env: dict[str, str], tmp: Path, workers: int, codes: list[str], *,
                requests: int, concurrency: int, max_seconds: float, database: str,
                quiet: Quiet) -> list[Phase]:  # fmt: skip
    """GET /v/<code>/ as deployed: `requests` each from an address of its own, then a third as
    many from one address, started on a fresh rate-limit window of that address; if the first
    was rate limited anyway, once more with the limit off (a throwaway settings module)."""
    items = [(code, visitor_ip(100_000 + n)) for n, code in enumerate(codes)]
    distinct = [items[i % len(items)] for i in range(requests)]
    one = [(codes[i % len(codes)], ONE_ADDRESS) for i in range(max(1, requests // 3))]
    phases: list[Phase] = []
    print(f"\n== verification load: {workers} workers ==")
    server = Gunicorn(workers, env, tmp / "gunicorn-verify.log")
    http = Http(server.port)
    try:
        # Warm-up from one address used nowhere else.
        warm = [(code, "192.0.2.1") for code in codes[: 2 * workers]]
        run_phase(Phase("warm-up", workers, VERIFY_STEP), warm,
                  verify_action(http, limited_ok=True), max_seconds=60,
                  pids=server.worker_pids(), database=database)  # fmt: skip
        for label, batch, address in [(VERIFY_DISTINCT, distinct, None),
                                      (VERIFY_ONE, one, ONE_ADDRESS)]:  # fmt: skip
            phase = Phase(label, concurrency, VERIFY_STEP)
            settle(phase, quiet, f"verification, {label}")
            if address:  # start on a fresh rate-limit window of that address's key
                wait_for_window(limit_key(address), 60)
            run_phase(phase, batch, verify_action(http, limited_ok=True),
                      max_seconds=max_seconds, pids=server.worker_pids(),
                      database=database)  # fmt: skip
            print_phase(phase)
            phases.append(phase)
    finally:
        server.stop()
    if phases[0].first_limited is not None:
        (tmp / "settings").mkdir(exist_ok=True)
        (tmp / "settings" / f"{NO_LIMIT_SETTINGS}.py").write_text(
            f"from {SETTINGS} import *  # noqa: F403\n\nRATELIMIT_ENABLE = False\n"
        )
        unlimited = {**env, "DJANGO_SETTINGS_MODULE": NO_LIMIT_SETTINGS,
                     "PYTHONPATH": os.pathsep.join([str(tmp / "settings"), str(ROOT)])}  # fmt: skip
        server = Gunicorn(workers, unlimited, tmp / "gunicorn-verify-unlimited.log")
        http = Http(server.port)
        try:
            phase = Phase(VERIFY_UNLIMITED, concurrency, VERIFY_STEP)
            settle(phase, quiet, f"verification, {VERIFY_UNLIMITED}")
            run_phase(phase, distinct, verify_action(http, limited_ok=False),
                      max_seconds=max_seconds, pids=server.worker_pids(),
                      database=database)  # fmt: skip
        finally:
            server.stop()
        print_phase(phase)
        phases.append(phase)
    return phases


def limit_key(address: str) -> str:
    """The rate-limit key of the public verification pages for a request from `address`
    through the proxy (X-Forwarded-For as nginx sends it)."""
    from django.test import RequestFactory

    from portal.limits import client_key

    request = RequestFactory().get(
        "/v/x/", HTTP_X_FORWARDED_FOR=address, HTTP_X_FORWARDED_PROTO="https"
    )
    return client_key("pledges.verify", request)


def wait_for_window(value: str, period: int) -> None:
    """Sleep until django-ratelimit's fixed window for `value` has just begun.

    Its windows end at whole seconds t with t % period == crc32(value) % period, and second t
    itself still belongs to the window that ends then: the next one begins at t + 1."""
    now = time.time()
    offset = zlib.crc32(value.encode()) % period
    end = now - (now - offset) % period + period  # the next window end
    time.sleep(max(0.0, end + 1 - now) + 0.2)


def verify_rate() -> str:
    from portal.limits import VERIFY_PER_ADDRESS

    return VERIFY_PER_ADDRESS


def verify_block(workers: int, requests: int, concurrency: int, verify: list[Phase]) -> str:
    """What --write records: the configuration, a table of the phases and one of their CPU."""
    out = [f"- {workers} workers, {concurrency} virtual users; {requests:,} requests each "
           f"from an address of its own, then {max(1, requests // 3):,} all from one address; "
           f"VERIFY_PER_ADDRESS {verify_rate()}", ""]  # fmt: skip
    head = ["configuration", "200", "429", "errors", "window", "200/s", "first 429 after",
            "p50 / p95 / p99 (200)", "p50 / p95 / p99 (429)"]  # fmt: skip
    rows = []
    for p in verify:
        first = "–"
        if p.first_limited is not None:
            first = f"{p.first_limited:.2f} s, {p.ok_before_limit:,} answers"
        rows.append([p.name, f"{p.ok:,}", f"{p.statuses[(VERIFY_STEP, 429)]:,}", p.error_count,
                     f"{p.window:.1f} s", f"{p.rate:.1f}/s", first,
                     lat(p.latencies[VERIFY_STEP]),
                     lat(p.latencies[f"{VERIFY_STEP} (429)"])])  # fmt: skip
    out += [md.table(head, rows), cpu_table(["configuration"], [([p.name], p) for p in verify])]
    return "\n".join(out)
