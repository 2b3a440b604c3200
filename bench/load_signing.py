"""Benchmark: ASN signing the ikrar over HTTP under load (gunicorn + PostgreSQL), and the
public verification page under load.

    .venv/bin/python bench/load_signing.py [--mode both|sign|verify] [--employees 2000]
        [--instansi 1] [--workers 5,3] [--concurrency 50] [--login-users 200]
        [--max-seconds 300] [--verify-requests 6000] [--drain-max 0] [--no-drain]
        [--no-profile] [--no-wait] [--keep] [--write]

Everything runs on loopback, in a fresh database bench_load per gunicorn worker count, dropped
at the end unless --keep. Method and results: docs/benchmarks.md, "Signing load"; --write
records its blocks there. The machinery is in bench/lib (http, load, procs, machine, signers,
profile).

bench/signing_instructions.py imports this module, of whichever checkout it measures, and uses
URL and REDIS_URL (which it sets), server_env, setup_django, prepare_database, USER_AGENT, DB_TASKS,
visitor_ip, data_url and signature_png: keep those names.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lib import db
from lib import report as md
from lib.django_setup import DB_TASKS, LOCMEM_EMAIL, SETTINGS
from lib.django_setup import setup as setup_django
from lib.http import USER_AGENT, Http
from lib.load import Phase, cpu_table, print_phase, run_phase
from lib.machine import CORES, Quiet, machine, other_benches, proc_cpu
from lib.procs import DbWorker, Gunicorn, manage, peak_rss_mib
from lib.profile import FRAMES, cprofile_signing, pyspy_profile
from lib.signers import (
    RESERVE,
    Account,
    check_database,
    data_url,
    login_action,
    make_sessions,
    seed,
    sign_action,
    signature_png,
    trivial_action,
    visitor_ip,
)
from lib.stats import lat, ms, pct
from lib.verification import verify_block, verify_runs

__all__ = ["DB_TASKS", "URL", "USER_AGENT", "data_url", "prepare_database", "server_env",
           "setup_django", "signature_png", "visitor_ip"]  # fmt: skip

SECTION = "## Signing load (bench/load_signing.py)"
URL = f"{db.PG_SERVER}/bench_load"
REDIS_URL = f"{db.REDIS_SERVER}/11"  # "" (--no-redis): no shared cache, database sessions
WARMUP_PER_WORKER = 4
PYSPY_USERS = 300
CPROFILE_USERS = 40


@dataclass
class Context:
    args: argparse.Namespace
    env: dict[str, str]  # the server's environment
    tmp: Path
    quiet: Quiet


@dataclass
class SignRun:
    workers: int
    concurrency: int
    seeded: str
    login: Phase | None
    sign: Phase
    check: dict
    log_errors: list[str]
    codes: list[str]
    disturbed: list[str]
    trivial: Phase | None = None  # GET /sehat/hidup/ by the same employees, same server
    memory: list[float] | None = None  # the workers' peak RSS (MiB) after the login phase
    with_worker: Phase | None = None  # signing while a niced db_worker drains the queue
    worker: dict | None = None  # that db_worker's CPU and certificates made


def server_env(tmp: Path, keys: dict[str, str]) -> dict[str, str]:
    """The production settings of docs/deployment.md, on loopback, for bench_load."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=URL, DEBUG="0", SECRET_KEY=keys["secret"], EVIDENCE_HMAC_KEY=keys["evidence"],
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", TASK_BACKEND=DB_TASKS,
        MEDIA_ROOT=str(tmp / "media"), STATIC_ROOT=str(tmp / "static"), VAR_DIR=str(tmp / "var"),
        CONN_MAX_AGE="60", PROXY_COUNT="1", LOG_LEVEL="WARNING", EMAIL_BACKEND=LOCMEM_EMAIL,
        SITE_URL="https://127.0.0.1", DJANGO_SETTINGS_MODULE=SETTINGS,
        # Certificates are sealed: the development CA gives each instansi a seal (made once, by
        # prepare_database, before any process renders).
        SEAL_DEV_CA="1",
    )  # fmt: skip
    env.pop("DEFAULT_STORAGE_BACKEND", None)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def adopt_server_env(env: dict[str, str]) -> None:
    """This process runs with the server's settings (same keys, media, DEBUG=0, cache), except
    that setup_django makes its own task backend a dummy."""
    for name in ("DEBUG", "SECRET_KEY", "EVIDENCE_HMAC_KEY", "SECURE_SSL_REDIRECT", "MEDIA_ROOT",
                 "STATIC_ROOT", "VAR_DIR", "CONN_MAX_AGE", "PROXY_COUNT", "SITE_URL",
                 "SEAL_DEV_CA"):  # fmt: skip
        os.environ[name] = env[name]
    if REDIS_URL:
        os.environ["REDIS_URL"] = REDIS_URL
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"


def prepare_database(args, env) -> tuple[list[Account], str]:
    """A fresh bench_load, migrated and seeded with args.employees + RESERVE ASN."""
    from django.db import connections

    connections.close_all()
    db.create_database(URL)
    db.flush_redis(REDIS_URL)
    start = time.perf_counter()
    manage("migrate", "--noinput", "-v", "0", env=env)
    migrate_s = time.perf_counter() - start
    accounts, seed_s = seed(args.instansi, args.employees + RESERVE)
    make_seals()
    seeded = args.employees + RESERVE
    return accounts, (f"migrate {migrate_s:.0f} s, seed {seed_s:.1f} s ({seeded:,} employees "
                      f"and users incl. the {RESERVE} reserve)")  # fmt: skip


def make_seals() -> None:
    """Each instansi's development seal, made here once rather than raced for by the first
    processes that render a certificate."""
    from portal import seals
    from portal.models import Instansi

    for instansi in Instansi.objects.all():
        seals.get_seal(instansi)


# --- Signing runs --------------------------------------------------------------------------


def signing_run(ctx: Context, workers: int, *, login_users: int) -> tuple[SignRun, list]:
    """One fresh database, one gunicorn, a warm-up, a login phase and a signing phase, then the
    checks. Returns the run and the reserve accounts not used yet (gunicorn is stopped)."""
    from pledges.models import IKRAR_POINTS

    args = ctx.args
    print(f"\n== signing run: {workers} workers, concurrency {args.concurrency} ==")
    extra = args.worker_phase  # employees who sign while a db_worker runs, after the others
    accounts, seeded = prepare_database(
        argparse.Namespace(instansi=args.instansi, employees=args.employees + extra), ctx.env
    )
    measured = accounts[: args.employees]
    during_drain = accounts[args.employees : args.employees + extra]
    reserve = accounts[args.employees + extra :]
    login_users = min(login_users, len(measured))
    # Everybody but the HTTP logins (and the warm-up) starts with a force_login session.
    make_sessions(measured[login_users:] + during_drain + reserve)
    for account in accounts:
        account.data_url = data_url(signature_png(account.index))
    server = Gunicorn(workers, ctx.env, ctx.tmp / f"gunicorn-{workers}.log")
    http = Http(server.port)
    load = {"pids": server.pids(), "database": db.db_name(URL)}
    sign = sign_action(http, len(IKRAR_POINTS))
    try:
        warm = reserve[: WARMUP_PER_WORKER * workers]
        reserve = reserve[len(warm) :]
        phase = Phase("warm-up", min(workers, args.concurrency))
        print_phase(run_phase(phase, warm, sign, max_seconds=120, **load))
        disturbed: list[str] = []  # other benchmarks found running at the end of a phase
        login = memory = None
        if login_users:
            login = run_phase(Phase("login", args.concurrency), measured[:login_users],
                              login_action(http), max_seconds=args.max_seconds, quiet=ctx.quiet,
                              **load)  # fmt: skip
            print_phase(login)
            memory = peak_rss_mib(server.worker_pids())
            print(f"    workers' peak RSS: {', '.join(f'{m:.0f} MiB' for m in memory)}")
            disturbed += other_benches()
            # Employees the login phase did not reach (--max-seconds) sign with a session too.
            untried = [a for a in measured[:login_users] if not a.step]
            if untried:
                make_sessions(untried)
        signing = run_phase(Phase("signing", args.concurrency), measured, sign,
                            max_seconds=args.max_seconds, quiet=ctx.quiet, **load)  # fmt: skip
        print_phase(signing)
        disturbed += other_benches()
        trivial = run_phase(Phase("trivial view", args.concurrency), measured,
                            trivial_action(http), max_seconds=args.max_seconds, quiet=ctx.quiet,
                            **load)  # fmt: skip
        print_phase(trivial)
        with_worker = worker = None
        if during_drain:
            with_worker, worker = signing_with_worker(ctx, during_drain, sign, load)
        disturbed += other_benches()
    finally:
        server.stop()
    check = check_database(ctx.env, measured + warm + during_drain, warm)
    print(f"  check: {check['summary']}")
    codes = [a.code for a in measured + warm if a.code]
    run = SignRun(workers, args.concurrency, seeded, login, signing, check, server.log_errors(),
                  codes, sorted(set(disturbed)), trivial, memory, with_worker, worker)  # fmt: skip
    return run, reserve


def signing_with_worker(ctx: Context, accounts: list[Account], sign, load: dict):
    """A further signing phase while `manage.py db_worker` at nice 10 (docs/deployment.md)
    drains the queue the signing phase left: does signing keep its cores?"""
    from pledges.models import Certificate

    before = Certificate.objects.count()
    worker = DbWorker(ctx.env, ctx.tmp / "db_worker.log", nice=10)
    try:
        time.sleep(2)  # the worker's start-up (Django, WeasyPrint) is not part of the phase
        cpu_before = proc_cpu(worker.pid)
        phase = run_phase(Phase("signing with a db_worker", ctx.args.concurrency), accounts, sign,
                          max_seconds=ctx.args.max_seconds, quiet=ctx.quiet, **load)  # fmt: skip
        cpu = proc_cpu(worker.pid) - cpu_before
    finally:
        worker.stop()
    made = Certificate.objects.count() - before
    print_phase(phase)
    print(f"    db_worker (nice 10): {cpu / phase.window:.2f} cores, {made:,} certificates "
          f"made during the phase and its start-up")  # fmt: skip
    return phase, {"cores": cpu / phase.window if phase.window else 0.0, "made": made}


def drain(ctx: Context) -> dict:
    """One `manage.py db_worker --batch` over the certificate queue, timed."""
    from django_tasks_db.models import DBTaskResult

    from pledges.models import Certificate

    max_tasks = ctx.args.drain_max
    queued = DBTaskResult.objects.filter(status="READY").count()
    command = ["db_worker", "--batch", "--no-startup-delay"]
    command += ["--max-tasks", str(max_tasks)] if max_tasks else []
    before = Certificate.objects.count()
    print(f"\n== draining {min(queued, max_tasks or queued):,} of {queued:,} queued tasks ==")
    ctx.quiet.wait("certificate drain")
    start = time.perf_counter()
    done = manage(*command, env=ctx.env, check=False, capture=True)
    wall = time.perf_counter() - start
    made = Certificate.objects.count() - before
    statuses = dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))
    print(f"  {made:,} certificates in {wall:.1f} s = {made / wall:.1f}/s, tasks {statuses}")
    return {"queued": queued, "made": made, "wall": wall, "rate": made / wall if wall else 0,
            "statuses": statuses, "exit": done.returncode,
            "command": "manage.py " + " ".join(command)}  # fmt: skip


# --- What --write records ------------------------------------------------------------------


def cpu_per(phase: Phase) -> dict[str, float] | None:
    """CPU-seconds per success of the gunicorn workers and of PostgreSQL."""
    if not phase.cpu or not phase.ok:
        return None
    gunicorn = phase.cpu["gunicorn"] * phase.cpu["wall"] / phase.ok
    postgres = phase.cpu["postgres"] * phase.cpu["wall"] / phase.ok
    return {"gunicorn": gunicorn, "postgres": postgres, "ceiling": CORES / (gunicorn + postgres)}


def runs_block(args, host: str, quiet: Quiet, quiet_note: str, runs: list[SignRun],
               seeded: str, best: SignRun | None, command: str) -> str:  # fmt: skip
    later = [n for n in quiet.notes if not n.startswith("start:")]
    out = [
        f"- Machine: {host}",
        f"- Before measuring: {quiet_note.removeprefix('start: ')}"
        + (f"; later: {'; '.join(later)}" if later else ""),
        f"- Data: {args.instansi} instansi, {args.employees:,} employees (+{RESERVE} reserve for "
        f"warm-up and profiling) with users, one open campaign per instansi; fresh database "
        f"bench_load per run ({seeded}); {db.server_label()} (synchronous_commit "
        f"{db.pg_setting('synchronous_commit')}, shared_buffers {db.pg_setting('shared_buffers')})",
        f"- Command: `{command}`",
    ]
    if not runs:
        return "\n".join(out) + "\n"
    head = ["workers", "concurrency", "POST measured", "ok of taken", "window", "rate",
            "POST p50 / p95 / p99", "GET before it p50 / p95 / p99", "errors"]  # fmt: skip
    rows = []
    for run in runs:
        for phase, step, get in [(run.login, "POST /masuk/", "GET /masuk/"),
                                 (run.sign, "POST /ikrar/<pk>/", "GET /ikrar/<pk>/"),
                                 (run.with_worker, "POST /ikrar/<pk>/ (db_worker running)",
                                  "GET /ikrar/<pk>/")]:  # fmt: skip
            if phase is None:
                rows.append([run.workers, run.concurrency, step, *["–"] * 6])
                continue
            key = "POST /ikrar/<pk>/" if phase is run.with_worker else step
            flag = " (stopped by --max-seconds)" if phase.stopped_by_deadline else ""
            rows.append([run.workers, phase.concurrency, step,
                         f"{phase.ok:,} of {phase.attempted:,}{flag}", f"{phase.window:.1f} s",
                         f"**{phase.rate:.1f}/s**", lat(phase.latencies[key]),
                         lat(phase.latencies[get]), phase.error_count])  # fmt: skip
    out += ["", md.table(head, rows)]
    phases = [([str(r.workers), p.name], p) for r in runs
              for p in (r.login, r.sign, r.trivial, r.with_worker) if p]  # fmt: skip
    out.append(cpu_table(["workers", "phase"], phases))
    for run in runs:
        w = f"- {run.workers} workers"
        if per := cpu_per(run.sign):
            out.append(f"{w}, CPU per signing (GET + POST): {ms(per['gunicorn'])} in gunicorn + "
                       f"{ms(per['postgres'])} in PostgreSQL: two cores would allow at most "
                       f"{per['ceiling']:.0f} signings/s without the load generator")  # fmt: skip
        trivial = cpu_per(run.trivial) if run.trivial else None
        if per and trivial:
            out.append(
                f"{w}, the trivial view (GET /sehat/hidup/, no query, no template, with the same "
                f"sessions through the same middleware, right after the signing phase): "
                f"{run.trivial.ok:,} at {run.trivial.rate:.1f}/s, {ms(trivial['gunicorn'])} of "
                f"gunicorn CPU each: a signing (GET + POST) costs **"
                f"{per['gunicorn'] / trivial['gunicorn']:.1f} times** the trivial request"
            )  # fmt: skip
        if run.memory:
            out.append(f"{w}, login: the workers' peak resident memory after the login phase "
                       f"{', '.join(f'{m:.0f}' for m in run.memory)} MiB (Argon2id takes 19 MiB "
                       f"per hash while it runs)")  # fmt: skip
        if run.with_worker and run.worker:
            p95 = pct(run.with_worker.latencies["POST /ikrar/<pk>/"], 0.95)
            out.append(
                f"{w}, signing while `nice -n 10 manage.py db_worker` drains the queue: "
                f"{run.with_worker.ok:,} signings at {run.with_worker.rate:.1f}/s, POST p95 "
                f"{ms(p95)} ({'within' if p95 <= 1 else 'over'} the 1 s goal), the worker "
                f"{run.worker['cores']:.2f} cores busy, {run.worker['made']:,} certificates made"
            )  # fmt: skip
        out.append(f"{w}, database check: {run.check['summary']}")
        if run.log_errors:
            out.append(f"{w}, gunicorn log: {len(run.log_errors)} error lines, e.g. "
                       f"`{run.log_errors[0][:200]}`")  # fmt: skip
        examples = (run.login.examples if run.login else []) + run.sign.examples
        if examples:
            out.append(f"{w}, errors: " + "; ".join(f"`{e[:160]}`" for e in examples[:3]))
        if run.disturbed:
            out.append(f"{w}: other benchmarks ran meanwhile: " + "; ".join(run.disturbed))
    if best is not None:
        p95 = pct(best.sign.latencies["POST /ikrar/<pk>/"], 0.95)
        out.append(f"- Best run (the drain, the profiles and the verification use its worker "
                   f"count): {best.workers} workers, {best.sign.rate:.1f} signings/s, POST p95 "
                   f"{ms(p95)}, {best.sign.error_count} errors")  # fmt: skip
    return "\n".join(out) + "\n"


def drain_block(drained: dict) -> str:
    statuses = ", ".join(f"{k} {v:,}" for k, v in drained["statuses"].items())
    return md.table(
        ["command", "queued", "certificates made", "wall", "rate", "exit", "tasks afterwards"],
        [[f"`{drained['command']}`", f"{drained['queued']:,}", f"{drained['made']:,}",
          f"{drained['wall']:.1f} s", f"**{drained['rate']:.1f}/s**", drained["exit"],
          statuses]],
    )  # fmt: skip


def profile_block(workers: int, spy: dict | None, prof: dict | None) -> str:
    out = []
    if spy:
        total, phase = spy["total"] or 1, spy["phase"]
        out += [
            f"- py-spy: one of the {workers} workers sampled during a further signing phase of "
            f"{phase.ok:,} reserve employees at concurrency {phase.concurrency}: "
            f"{phase.rate:.1f} signings/s while sampled, that worker {spy['worker_cpu']:.2f} "
            f"cores busy, {spy['total']:,} samples",
            "",
            md.table(["frame (inclusive)", "share of the worker's request time"],
                     [[label, f"{spy['inclusive'][label] / total:.1%}"] for label, *_ in FRAMES]),
            md.table(["function (own time)", "share of the worker's request time"],
                     [[f"`{name}`", f"{n / total:.1%}"] for name, n in spy["self"][:12]]),
        ]  # fmt: skip
    if prof:
        (n_plain, n_prof), plain, wall = prof["n"], prof["plain"], prof["profiled_wall"]
        out += [
            f"- In this process through django.test.Client: {n_plain} signings timed plainly, "
            f"then {n_prof} under cProfile; one login's password check (`{prof['hasher']}`): "
            f"{ms(prof['pbkdf2'])} of CPU",
            "",
            md.table(["request", f"median (N={n_plain})", "queries", "waiting on the database",
                      f"median under cProfile (N={n_prof})"],
                     [[k, ms(plain[k]["median"]), f"{plain[k]['queries']:.0f}", ms(plain[k]["db"]),
                       ms(wall[k])] for k in ("GET", "POST")]),
            md.table(["function (cumulative per request, under cProfile)", "GET", "POST"],
                     [[label, ms(get_s), ms(post_s)] for (label, get_s), (_l, post_s)
                      in zip(prof["functions"]["GET"], prof["functions"]["POST"], strict=True)]),
        ]  # fmt: skip
    return "\n".join(out)


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mode", choices=["both", "sign", "verify"], default="both")
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--instansi", type=int, default=1)
    parser.add_argument(
        "--workers",
        default=f"{2 * CORES + 1},3",
        help="gunicorn worker counts to try (default 2 x cores + 1, then 3)",
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--login-users",
        type=int,
        default=200,
        help="employees that log in over HTTP first (PBKDF2); default 200",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=300,
        help="bound of each phase: no new employee after this (default 300)",
    )
    parser.add_argument("--verify-requests", type=int, default=6000)
    parser.add_argument(
        "--worker-phase",
        type=int,
        default=500,
        help="employees who sign, after the signing phase, while a db_worker at nice 10 "
        "drains the queue (0: no such phase; default 500)",
    )
    parser.add_argument(
        "--drain-max",
        type=int,
        default=0,
        help="--max-tasks for the timed db_worker --batch (0: the whole queue)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="no REDIS_URL: per-process cache, sessions in the database",
    )
    parser.add_argument("--no-drain", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other benches")
    parser.add_argument("--keep", action="store_true", help="keep bench_load at the end")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    try:
        worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        parser.error("--workers is a comma-separated list of integers")
    if (not worker_counts or min(worker_counts) < 1 or args.employees < 1 or args.instansi < 1
            or args.concurrency < 1 or args.login_users < 0):  # fmt: skip
        parser.error("counts must be positive")
    if args.mode == "verify":
        worker_counts = worker_counts[:1]

    global REDIS_URL
    if args.no_redis:
        REDIS_URL = ""
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = server_env(tmp, {"secret": secrets.token_urlsafe(50),
                           "evidence": secrets.token_urlsafe(50)})  # fmt: skip
    adopt_server_env(env)
    host = machine()
    ctx = Context(args, env, tmp, Quiet(not args.no_wait))
    quiet_note = ctx.quiet.wait("start")
    print(quiet_note)
    setup_django(URL)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    from django.db import connections

    command = md.command("load_signing.py", sys.argv[1:])
    runs: list[SignRun] = []
    drained = spy = prof = None
    verify: list[Phase] = []
    try:
        reserve: list[Account] = []
        for workers in worker_counts:
            login_users = 0 if args.mode == "verify" else args.login_users
            run, reserve = signing_run(ctx, workers, login_users=login_users)
            runs.append(run)
        best = max(runs, key=lambda r: (r.sign.rate, -pct(r.sign.latencies["POST /ikrar/<pk>/"],
                                                           0.95)))  # fmt: skip
        if args.mode != "verify" and not args.no_drain:
            drained = drain(ctx)
        if args.mode != "verify" and not args.no_profile:
            # Logged in just before, as the signing phase's employees were: a login's copy of
            # the user lives USER_CACHE_SECONDS, and the reserve's sessions are minutes old.
            make_sessions(reserve[:PYSPY_USERS])
            spy = pyspy_profile(env, tmp, best.workers, reserve[:PYSPY_USERS], points=4,
                                concurrency=args.concurrency, max_seconds=args.max_seconds,
                                database=db.db_name(URL), quiet=ctx.quiet)  # fmt: skip
            prof = cprofile_signing(reserve[PYSPY_USERS : PYSPY_USERS + CPROFILE_USERS], ctx.quiet)
        if args.mode != "sign":
            verify = verify_runs(env, tmp, best.workers, runs[-1].codes,
                                 requests=args.verify_requests, concurrency=args.concurrency,
                                 max_seconds=args.max_seconds, database=db.db_name(URL),
                                 quiet=ctx.quiet)  # fmt: skip
        shown = runs if args.mode != "verify" else []
        none = f"Not measured by the last run (`{command}`)."
        blocks = [
            ("bench/load_signing.py", "",
             runs_block(args, host, ctx.quiet, quiet_note, shown, runs[0].seeded,
                        best if shown else None, command)),
            ("bench/load_signing.py certificate queue", "Certificate queue",
             drain_block(drained) if drained else none),
            ("bench/load_signing.py verification", "Public verification",
             verify_block(best.workers, args.verify_requests, args.concurrency, verify)
             if verify else none),
            ("bench/load_signing.py profile", "Profile of the signing request",
             profile_block(best.workers, spy, prof) if spy or prof else none),
        ]  # fmt: skip
    finally:
        connections.close_all()
        if args.keep:
            print(f"kept {URL} (media in {tmp / 'media'})")
        else:
            db.drop_database(URL)
            shutil.rmtree(tmp, ignore_errors=True)
    for _key, heading, text in blocks:
        print(f"\n{heading or SECTION}\n\n{text}")
    if args.write:
        md.write(SECTION, blocks)


if __name__ == "__main__":
    main()
