"""Benchmark: a whole kabupaten's apel end to end, every ASN behind the hall's one address.

    .venv/bin/python bench/apel.py [--employees 3200] [--ramp 90] [--workers 5]
        [--download-after 20] [--deadline 600] [--no-wait] [--keep] [--write]

Every ASN arrives at a moment of the ramp (evenly spread), logs in (GET + POST /masuk/, Argon2id),
signs (GET + POST /ikrar/<pk>/), reads the thank-you page for --download-after seconds and
downloads the certificate (GET /sertifikat/<code>.pdf: the stored PDF, or rendered on the spot
if the queue has not reached it yet). All requests come from one address (the hall's NAT: one
X-Forwarded-For), to gunicorn with PostgreSQL and the shared cache (Redis) as deployed, while
one `manage.py db_worker` at nice 10 renders the queued certificates. Built from
bench/load_signing.py and bench/lib; method and results in docs/benchmarks.md, "An apel, end to
end"; --write records its block there.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import load_signing as ls
from lib import db
from lib import report as md
from lib.http import Http
from lib.load import Phase, cpu_table, print_phase
from lib.machine import CORES, CpuSnapshot, Quiet, machine, proc_cpu
from lib.procs import DbWorker, Gunicorn, manage, peak_rss_mib
from lib.signers import (
    Account,
    check_database,
    data_url,
    login_action,
    make_sessions,
    sign_action,
    signature_png,
)
from lib.stats import lat

SECTION = "## An apel, end to end (bench/apel.py)"
HALL = "203.0.113.10"  # the hall's public address (TEST-NET-3): every request comes from it
GOAL_SECONDS = 300
STEPS = ["POST /masuk/", "GET /ikrar/<pk>/", "POST /ikrar/<pk>/", "GET /sertifikat/<code>.pdf"]
ls.URL = f"{db.PG_SERVER}/bench_apel"
ls.REDIS_URL = f"{db.REDIS_SERVER}/10"


def download_action(http: Http):
    async def action(account: Account, phase: Phase) -> bool:
        account.step = "GET /sertifikat/<code>.pdf"
        path = f"/sertifikat/{account.code}.pdf"
        seconds, reply = await http.request(account.cookies, account.ip, "GET", path)
        good = reply.status == 200 and reply.body.startswith(b"%PDF")
        phase.record(account.step, seconds, reply, good)
        return good

    return action


async def crowd(accounts: list[Account], http: Http, args, phase: Phase) -> dict[str, float]:
    """Each account's whole visit, started at its moment of the ramp; the time (seconds from
    the start) when the last of each step ended."""
    from pledges.models import IKRAR_POINTS

    login, download = login_action(http), download_action(http)
    sign = sign_action(http, len(IKRAR_POINTS))
    start = time.perf_counter()
    phase.started = start
    last: dict[str, float] = {}

    async def visit(n: int, account: Account) -> None:
        await asyncio.sleep(max(0.0, start + n * args.ramp / len(accounts) - time.perf_counter()))
        phase.attempted += 1
        try:
            for name, action in (("login", login), ("signing", sign)):
                if not await action(account, phase):
                    return
                last[name] = time.perf_counter() - start
            await asyncio.sleep(args.download_after)  # reading the thank-you page
            if await download(account, phase):
                last["download"] = time.perf_counter() - start
                phase.ok += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            phase.fail(account.step or "visit", f"{type(exc).__name__}: {exc}")

    visits = [asyncio.ensure_future(visit(n, a)) for n, a in enumerate(accounts)]
    _done, unfinished = await asyncio.wait(visits, timeout=args.deadline)
    for task in unfinished:  # still waiting for an answer at the deadline: counted, not lost
        task.cancel()
    await asyncio.gather(*unfinished, return_exceptions=True)
    phase.stopped_by_deadline = bool(unfinished)
    last["unfinished"] = len(unfinished)
    phase.window = time.perf_counter() - start
    return last


def certificates_ready(signatures: int, started, deadline: float) -> tuple[int, float | None]:
    """Wait (up to `deadline` seconds) until every signature has its certificate; how many
    there are and when (seconds after `started`) the last one was made."""
    from django.db.models import Max

    from pledges.models import Certificate

    stop = time.monotonic() + deadline
    while True:
        made = Certificate.objects.count()
        if made >= signatures or time.monotonic() >= stop:
            break
        time.sleep(1)
    newest = Certificate.objects.aggregate(newest=Max("rendered_at"))["newest"]
    return made, (newest - started).total_seconds() if newest else None


def block(args, host: str, load: str, seeded: str, command: str, phase: Phase,
          result: dict) -> str:  # fmt: skip
    last, n = result["last"], len(result["accounts"])
    ready = result["ready_at"]
    done = max(filter(None, [ready, last.get("download")]), default=None)
    within = done is not None and done <= GOAL_SECONDS and result["check"]["ok"] and (phase.ok == n)
    rows = [[step, f"{len(phase.latencies[step]):,}", lat(phase.latencies[step])]
            for step in ["GET /masuk/", *STEPS]]  # fmt: skip
    worker = result["worker"]
    out = [
        f"- Machine: {host}; {load}",
        f"- Data: 1 instansi (kabupaten), {n:,} ASN with users (one Argon2id hash shared), one "
        f"open campaign; fresh database bench_apel ({seeded}); {db.server_label()}; Redis "
        f"(sessions, cache) at {ls.REDIS_URL}",
        f"- Server: gunicorn {args.workers} sync workers, one `nice -n 10 manage.py db_worker`",
        f"- Command: `{command}`",
        "",
        md.table(["step", "requests", "p50 / p95 / p99"], rows),
        md.table(
            [
                "ASN arrived over",
                "all done (signed and downloaded)",
                "errors",
                "last login",
                "last signature",
                "last download",
                "last certificate made",
                "goal: all within 5 min, none lost",
            ],
            [
                [
                    f"{args.ramp:.0f} s",
                    f"{phase.ok:,} of {n:,}",
                    phase.error_count,
                    f"{last.get('login', float('nan')):.0f} s",
                    f"{last.get('signing', float('nan')):.0f} s",
                    f"{last.get('download', float('nan')):.0f} s",
                    f"{ready:.0f} s" if ready is not None else "–",
                    "**met**" if within else "**not met**",
                ]
            ],
        ),  # fmt: skip
        cpu_table(["phase"], [(["the apel (ramp to last download)"], phase)]),
        f"- db_worker (nice 10): {worker['cores']:.2f} cores over the run; certificates: "
        f"{result['made']:,} of {result['signatures']:,} signatures",
        f"- gunicorn workers' peak resident memory: "
        f"{', '.join(f'{m:.0f}' for m in result['memory'])} MiB",
        f"- Database check: {result['check']['summary']}",
    ]
    if last.get("unfinished"):
        out.append(f"- {last['unfinished']:,} ASN had not finished when the run stopped at "
                   f"--deadline {args.deadline:.0f} s")  # fmt: skip
    if phase.examples:
        out.append("- Errors, e.g.: " + "; ".join(f"`{e[:160]}`" for e in phase.examples[:3]))
    if result["log_errors"]:
        out.append(f"- gunicorn log: {len(result['log_errors'])} error lines, e.g. "
                   f"`{result['log_errors'][0][:200]}`")  # fmt: skip
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--employees", type=int, default=3200)
    parser.add_argument("--ramp", type=float, default=90, help="seconds over which ASN arrive")
    parser.add_argument("--workers", type=int, default=2 * CORES + 1)
    parser.add_argument("--download-after", type=float, default=20,
                        help="seconds on the thank-you page before the download")  # fmt: skip
    parser.add_argument("--deadline", type=float, default=600,
                        help="bound of the whole crowd, and of waiting for the queue")  # fmt: skip
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other benches")
    parser.add_argument("--keep", action="store_true", help="keep bench_apel at the end")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.employees < 1 or args.workers < 1 or args.ramp < 0:
        parser.error("counts must be positive")

    tmp = Path(tempfile.mkdtemp(prefix="bench-apel-"))
    env = ls.server_env(tmp, {"secret": secrets.token_urlsafe(50),
                              "evidence": secrets.token_urlsafe(50)})  # fmt: skip
    ls.adopt_server_env(env)
    host = machine()
    quiet = Quiet(not args.no_wait)
    print(quiet.wait("start"))
    ls.setup_django(ls.URL)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    from django.db import connections
    from django.utils import timezone

    command = md.command("apel.py", sys.argv[1:])
    try:
        accounts, seeded = ls.prepare_database(
            argparse.Namespace(instansi=1, employees=args.employees), env
        )
        crowd_of, warm = accounts[: args.employees], accounts[args.employees :][: args.workers * 2]
        make_sessions(warm)
        for account in crowd_of + warm:
            account.ip = HALL
            account.data_url = data_url(signature_png(account.index))
        server = Gunicorn(args.workers, env, tmp / "gunicorn.log")
        worker = DbWorker(env, tmp / "db_worker.log", nice=10)
        http = Http(server.port)
        try:
            asyncio.run(_warm_up(warm, http))
            with open("/proc/loadavg") as f:
                load = f"load average {f.read().split()[0]} before the ramp"
            print(f"\n== apel: {len(crowd_of):,} ASN over {args.ramp:.0f} s, one address ==")
            phase = Phase("apel", 0)
            pids = server.pids()
            before, worker_before = CpuSnapshot.take(pids, db.db_name(ls.URL)), proc_cpu(worker.pid)
            started = timezone.now()
            last = asyncio.run(crowd(crowd_of, http, args, phase))
            phase.cpu = CpuSnapshot.take(pids, db.db_name(ls.URL)).since(before)
            print_phase(phase)
            memory = peak_rss_mib(server.worker_pids())
            signed = sum(1 for a in crowd_of + warm if a.code)
            made, ready_at = certificates_ready(signed, started, args.deadline)
            worker_cores = (proc_cpu(worker.pid) - worker_before) / max(phase.window, 1e-9)
        finally:
            worker.stop()
            server.stop()
        print(f"  certificates: {made:,} of {signed:,}, the last made {ready_at} s after the start")
        check = check_database(env, crowd_of + warm, warm)
        print(f"  check: {check['summary']}")
        result = {"accounts": crowd_of, "last": last, "ready_at": ready_at, "made": made,
                  "signatures": signed, "check": check, "memory": memory,
                  "worker": {"cores": worker_cores}, "log_errors": server.log_errors()}  # fmt: skip
        text = block(args, host, load, seeded, command, phase, result)
    finally:
        connections.close_all()
        if args.keep:
            print(f"kept {ls.URL} (media in {tmp / 'media'})")
        else:
            db.drop_database(ls.URL)
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{SECTION}\n\n{text}")
    if args.write:
        md.write(SECTION, [("bench/apel.py", "", text)])


async def _warm_up(accounts: list[Account], http: Http) -> None:
    """A signing per account (two per worker, with sessions): every worker has imported and
    connected before the crowd comes."""
    from pledges.models import IKRAR_POINTS

    sign = sign_action(http, len(IKRAR_POINTS))
    phase = Phase("warm-up", len(accounts))
    await asyncio.gather(*(sign(a, phase) for a in accounts))


if __name__ == "__main__":
    main()
