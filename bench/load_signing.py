"""Benchmark: ASN signing the ikrar over HTTP under load (gunicorn + PostgreSQL), and the
public verification page under load.

    .venv/bin/python bench/load_signing.py [--mode both|sign|verify] [--employees 2000]
        [--instansi 1] [--workers 5,3] [--concurrency 50] [--login-users 200]
        [--max-seconds 300] [--verify-requests 6000] [--drain-max 0] [--no-drain]
        [--no-profile] [--no-wait] [--keep] [--write]

Everything runs on loopback. Before anything is measured the script waits (polling every 30 s,
up to 20 minutes in all) until no other benchmark (bench/bulk_download, dashboard,
seed_national) is running and the machine is nearly idle, and again before each measured
phase if one has started meanwhile; --no-wait skips that.

For each gunicorn worker count in --workers (default 2 x cores + 1, then 3):

1. A fresh PostgreSQL database bench_load (a leftover one is dropped), `manage.py migrate`,
   then seeded: --instansi instansi (default 1) with --employees ASN in all (valid NIPs from
   portal.demo.NipFactory, spread over 10 units each), each with a User whose username is the
   NIP. Every user gets the same password hash, made once with the default hasher
   (make_password: PBKDF2-SHA256, Django's iteration count), so a login costs one real PBKDF2
   check. One open ikrar campaign per instansi (opens_on yesterday, closes_on in 30 days, the
   four IKRAR_POINTS). 400 more employees are seeded as a reserve for warm-up and profiling.
2. `.venv/bin/gunicorn portal.wsgi --workers W --bind 127.0.0.1:PORT` (sync workers) with the
   production settings of docs/deployment.md: DEBUG=0, random SECRET_KEY and EVIDENCE_HMAC_KEY,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, PROXY_COUNT=1, CONN_MAX_AGE=60,
   TASK_BACKEND=django_tasks_db.DatabaseBackend (certificates are queued in the database; no
   worker runs during the measured run), MEDIA_ROOT and STATIC_ROOT in a temporary directory
   (collectstatic runs once first, as the manifest storage of DEBUG=0 needs it). The load
   generator plays the TLS-terminating nginx in front: every request carries
   X-Forwarded-Proto: https and an X-Forwarded-For of its own virtual user, so Django sees
   HTTPS (secure cookies, HSTS, the CSRF Origin/Referer checks of HTTPS); cookies are sent back
   from Set-Cookie whatever their Secure flag.
3. The load generator (asyncio, raw HTTP/1.1 over asyncio streams, one connection per request
   as gunicorn's sync worker closes each): --concurrency virtual users, each taking the next
   employee not yet taken.
   - Login phase (the first --login-users employees): GET /masuk/ (csrftoken cookie and the
     form's csrfmiddlewaretoken), POST /masuk/ with the NIP and the password; a 302 to / with
     a sessionid cookie is a success.
   - Signing phase (every one of the --employees): GET /ikrar/<campaign>/ (csrf token), POST
     /ikrar/<campaign>/ with point_1..point_4=on, method=drawn and signature= a PNG data URL of
     a drawn stroke (a transparent 600 x 200 pad as tests.pledges_helpers.drawn_png draws it,
     the stroke moved per employee so every image and its SHA-256 is different); a 302 to
     /ikrar/tercatat/<code>/ is a success. Employees that did not log in over HTTP start with a
     session made in the database as force_login makes it (PBKDF2 at ~3 logins/s on two cores
     would otherwise take the whole run: the login phase measures it on its own).
   Each phase is bounded by --max-seconds (no new employee is taken after it). Reported per
   phase: successes, errors (any other status, or an exception), the rate over the phase's
   window (first request sent to last answer read), p50/p95/p99 latency of the POST alone
   (and of the GET), and the CPU used meanwhile (from /proc) by the gunicorn workers, by
   PostgreSQL (this database's backends and the server's own processes), by the load generator
   itself and by other processes, and the hypervisor's steal time (all on the same two cores).
4. Checked in the database after the run: every employee that got the 302 has exactly one
   signature, with the code of the redirect; no employee has two valid ones; every signature
   has its own image hash and a render_certificate task waiting in the queue; and
   `manage.py verify_chain` passes.

After the runs, on the last run's database (both and sign modes): one `manage.py db_worker
--batch` drains the certificate queue (--drain-max caps it with --max-tasks), timed, as
certificates per second. Then (unless --no-profile) the signing request is profiled: with
py-spy attached to one gunicorn worker (sampling, non-blocking) during a further signing
phase of reserve employees, and in this process under cProfile through django.test.Client
(query count and database time per request with an execute wrapper).

Verify mode (both and verify modes; verify alone first runs one signing phase to make codes):
GET /v/<code>/ for the codes just made, by --concurrency virtual users, on the best worker
count, as deployed (PROXY_COUNT=1: the client address is the last X-Forwarded-For entry):
--verify-requests requests each from an address of its own, then a third as many all from
one address, started at the beginning of that address's rate-limit window (VERIFY_RATE,
django-ratelimit on the default cache, which is a per-process LocMemCache without
REDIS_URL). A 429 is counted apart, not as an error. Only if the first run was limited
anyway is it repeated with a throwaway settings module that adds RATELIMIT_ENABLE = False,
for the page's own capacity.

The database is dropped at the end (--keep keeps it) and the temporary directory removed.
--write replaces "## Signing load (bench/load_signing.py)" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import io
import math
import os
import pstats
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from base64 import b64encode
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _common import (
    PG_SERVER,
    ROOT,
    create_database,
    db_name,
    drop_database,
    machine,
    ms,
    setup_django,
    write_section,
)

SECTION = "## Signing load (bench/load_signing.py)"
URL = f"{PG_SERVER}/bench_load"
VENV_BIN = ROOT / ".venv" / "bin"
OTHER_BENCHES = "bench/(bulk_download|dashboard|seed_national)"
QUIET_CORES = 0.3
PASSWORD = "bench-sandi-ikrar-2024"
USER_AGENT = "Mozilla/5.0 (Linux; Android 13; bench) load_signing/1.0"
UNITS_PER_INSTANSI = 10
RESERVE = 400  # employees beyond --employees, for warm-up and the profiles
WARMUP_PER_WORKER = 4
PYSPY_USERS = 300
CPROFILE_USERS = 40
REQUEST_TIMEOUT = 120.0
TARGET_RATE = 200.0
TARGET_P95 = 0.300
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGNED_RE = re.compile(r"/ikrar/tercatat/([0-9A-Z]{16})/")
DB_TASKS = "django_tasks_db.DatabaseBackend"
NO_LIMIT_SETTINGS = "bench_load_settings"


# --- Waiting for a quiet machine -----------------------------------------------------------


def other_benches() -> list[str]:
    out = subprocess.run(["pgrep", "-af", OTHER_BENCHES], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


class Quiet:
    """The 20-minute budget for waiting on a quiet machine: no other benchmark running and
    under QUIET_CORES busy over a few seconds. Spent before the run, and again before each
    measured phase if another benchmark has started meanwhile."""

    def __init__(self, enabled: bool, budget: float = 20 * 60, every: float = 30) -> None:
        self.enabled, self.left, self.every = enabled, budget, every
        self.notes: list[str] = []

    def wait(self, label: str) -> str:
        if not self.enabled:
            return "not checked (--no-wait)"
        start = time.monotonic()
        while True:
            running = other_benches()
            busy = background_cpu(3.0) if not running else float("nan")
            waited = time.monotonic() - start
            if not running and busy < QUIET_CORES:
                self.left -= waited
                note = f"{label}: {busy:.2f} cores busy"
                if waited > 10:
                    note = (
                        f"{label}: waited {waited:.0f} s for other jobs, then {busy:.2f} cores busy"
                    )
                    self.notes.append(note)
                return note
            what = "; ".join(running) if running else f"{busy:.2f} cores busy with other jobs"
            if waited >= self.left:
                self.left = 0
                note = f"{label}: measured although the machine was busy ({what})"
                print(note)
                self.notes.append(note)
                return note
            print(f"waiting before {label}: {what}")
            time.sleep(min(self.every, max(1.0, self.left - waited)))


QUIET = Quiet(False)


# --- CPU accounting from /proc ---------------------------------------------------------------


TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def all_processes() -> dict[int, tuple[str, float]]:
    """Every process's command name and CPU-seconds so far."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                head, rest = (entry / "stat").read_text().rsplit(")", 1)
                fields = rest.split()
                comm = head.split("(", 1)[1]
                if comm == "postgres":
                    comm = postgres_role(entry)
                found[int(entry.name)] = (comm, (int(fields[11]) + int(fields[12])) / TICK)
    return found


PG_TITLE_DB = re.compile(r"postgres: [^:]+: (?:autovacuum worker (\S+)|\S+ (\S+) \S+\()")


def postgres_role(entry: Path) -> str:
    """ "postgres" for this benchmark's backends and the server's own processes (WAL writer,
    checkpointer ...), "postgres <db>" for a backend of another database."""
    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    found = PG_TITLE_DB.search(title)
    database = next((g for g in found.groups() if g), "") if found else ""
    return "postgres" if database in ("", db_name(URL)) else f"postgres {database}"


def system_busy() -> tuple[float, float, float]:
    """(all, idle + iowait, steal) CPU-seconds of the machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]) / TICK, (values[3] + values[4]) / TICK, values[7] / TICK


def background_cpu(seconds: float = 5.0) -> float:
    """Cores busy over `seconds` (steal time included), whoever keeps them busy."""
    before = system_busy()
    time.sleep(seconds)
    after = system_busy()
    total, idle = after[0] - before[0], after[1] - before[1]
    return (total - idle) / total * (os.cpu_count() or 1) if total else 0.0


@dataclass
class CpuSnapshot:
    """CPU-seconds of the gunicorn workers, of PostgreSQL, of this process and of everything."""

    workers: set[int]
    processes: dict[int, tuple[str, float]]
    me: float
    wall: float
    system: tuple[float, float, float]

    @classmethod
    def take(cls, worker_pids: list[int]) -> CpuSnapshot:
        return cls(set(worker_pids), all_processes(), time.process_time(), time.perf_counter(),
                   system_busy())  # fmt: skip

    def since(self, before: CpuSnapshot) -> dict:
        wall = self.wall - before.wall
        cores = os.cpu_count() or 1
        used: Counter = Counter()
        others: Counter = Counter()
        for pid, (comm, seconds) in self.processes.items():
            spent = seconds - before.processes.get(pid, (comm, 0.0))[1]
            if pid in self.workers:
                used["gunicorn"] += spent
            elif comm == "postgres":
                used["postgres"] += spent
            elif pid == os.getpid():
                continue
            else:
                used["other"] += spent
                others[comm] += spent
        total = self.system[0] - before.system[0]
        idle = self.system[1] - before.system[1]
        steal = self.system[2] - before.system[2]
        return {
            "wall": wall,
            "gunicorn": used["gunicorn"] / wall,
            "postgres": used["postgres"] / wall,
            "loadgen": (self.me - before.me) / wall,
            "other": used["other"] / wall,
            "others": [(comm, sec / wall) for comm, sec in others.most_common(3) if sec > 0],
            "steal": steal / total * cores if total else 0.0,
            "system": (total - idle) / total * cores if total else 0.0,
        }


def cpu_text(cpu: dict) -> str:
    others = ", ".join(f"{comm} {c:.2f}" for comm, c in cpu.get("others", []) if c >= 0.01)
    return (
        f"{cpu['gunicorn']:.2f} gunicorn + {cpu['postgres']:.2f} PostgreSQL + "
        f"{cpu['loadgen']:.2f} load generator + {cpu.get('other', 0.0):.2f} other processes"
        + (f" ({others})" if others else "")
        + f" + {cpu.get('steal', 0.0):.2f} steal (hypervisor) = {cpu['system']:.2f} of "
        f"{os.cpu_count()} cores busy"
    )


# --- Data ----------------------------------------------------------------------------------


@dataclass
class Account:
    index: int
    nip: str
    user_id: int
    instansi_code: str
    campaign_pk: int
    ip: str
    session_key: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    data_url: str = ""
    code: str = ""
    step: str = ""


def visitor_ip(n: int) -> str:
    """A distinct public-looking address per virtual user (TEST-NET-3 and 198.18/15 space)."""
    return f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}"


def signature_png(n: int) -> bytes:
    """tests.pledges_helpers.drawn_png's pad and stroke, the stroke moved for employee n."""
    from PIL import Image, ImageDraw

    rng = random.Random(n)
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    points = [(40, 150), (120, 40), (200, 160), (300, 60), (420, 140)]
    points = [(x + rng.randint(-25, 25), y + rng.randint(-25, 25)) for x, y in points]
    points.append((480 + n % 97, 60 + n % 89))
    ImageDraw.Draw(image).line(points, fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + b64encode(png).decode()


def migrate(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def seed(instansi_count: int, employees: int) -> tuple[list[Account], float]:
    """Instansi, units, employees with users sharing one real password hash, open campaigns."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from pledges.models import IKRAR_POINTS, Campaign
    from portal import demo
    from portal import nip as nip_mod
    from portal.models import Employee, Instansi, Unit, User

    start = time.perf_counter()
    password_hash = make_password(PASSWORD)  # the default hasher, once
    nips = demo.NipFactory(random.Random(2024))
    accounts: list[Account] = []
    with transaction.atomic():
        regions = []
        for k in range(instansi_count):
            code = f"bench-{k + 1:02d}"
            region = Instansi.objects.create(
                code=code,
                kind=Instansi.Kind.KABUPATEN,
                name=f"Pemerintah Kabupaten Uji {k + 1}",
                place_name=f"Kota Uji {k + 1}",
                time_zone="Asia/Jakarta",
                head_title="Bupati",
            )
            units = Unit.objects.bulk_create(
                Unit(instansi=region, kind=Unit.Kind.DINAS, name=f"Dinas Uji {u + 1}")
                for u in range(UNITS_PER_INSTANSI)
            )
            today = timezone.localdate(timezone=region.tz)
            campaign = Campaign.objects.create(
                instansi=region,
                title="Pemilu dan Pemilihan Tahun 2024",
                opens_on=today - dt.timedelta(days=1),
                closes_on=today + dt.timedelta(days=30),
                ikrar_points=list(IKRAR_POINTS),
            )
            regions.append((region, units, campaign))
        rows = []
        for i in range(employees):
            region, units, _campaign = regions[i % instansi_count]
            pppk = i % 4 == 3
            nip = nips.make(pppk=pppk)
            rows.append(
                Employee(
                    instansi=region,
                    unit=units[i // instansi_count % UNITS_PER_INSTANSI],
                    nip=nip,
                    kind=nip_mod.parse(nip).kind,
                    name=f"Pegawai Uji {i + 1:05d}",
                    golongan="IX" if pppk else "III/a",
                    jabatan="Guru Ahli Pertama",
                    jabatan_category=Employee.JabatanCategory.FUNGSIONAL,
                )
            )
        rows = Employee.objects.bulk_create(rows, batch_size=2000)
        users = User.objects.bulk_create(
            (User(username=e.nip, password=password_hash, employee=e) for e in rows),
            batch_size=2000,
        )
        for i, (employee, user) in enumerate(zip(rows, users, strict=True)):
            region, _units, campaign = regions[i % instansi_count]
            accounts.append(
                Account(i, employee.nip, user.pk, region.code, campaign.pk, visitor_ip(i))
            )
    return accounts, time.perf_counter() - start


def make_sessions(accounts: list[Account]) -> None:
    """Sessions as django.contrib.auth.login (force_login) stores them, in bulk."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from portal.models import User

    hashes = {
        u.pk: u.get_session_auth_hash()
        for u in User.objects.filter(pk__in=[a.user_id for a in accounts])
    }
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = []
    for account in accounts:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(account.user_id),
            HASH_SESSION_KEY: hashes[account.user_id],
            BACKEND_SESSION_KEY: "portal.backends.UserBackend",
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        account.session_key = key
        account.cookies = {settings.SESSION_COOKIE_NAME: key}
    Session.objects.bulk_create(rows, batch_size=2000)


# --- HTTP/1.1 over asyncio streams ---------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name), "")


class Http:
    """Requests as nginx would pass them on: HTTPS terminated in front, the client's address
    in X-Forwarded-For, one connection per request (gunicorn's sync worker closes each)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.origin = f"https://{self.host}"

    async def request(
        self,
        account: Account | None,
        ip: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
    ) -> tuple[float, Reply]:
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}",
            f"User-Agent: {USER_AGENT}",
            "Accept: text/html,application/xhtml+xml",
            "Accept-Language: id-ID,id;q=0.9",
            f"X-Forwarded-For: {ip}",
            "X-Forwarded-Proto: https",
            "Connection: close",
        ]
        if account is not None and account.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in account.cookies.items()))
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {self.origin}",
                f"Referer: {self.origin}{path}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        start = time.perf_counter()
        reply = await asyncio.wait_for(self._exchange(raw), REQUEST_TIMEOUT)
        elapsed = time.perf_counter() - start
        if account is not None:
            store_cookies(account, reply)
        return elapsed, reply

    async def _exchange(self, raw: bytes) -> Reply:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            headers = []
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.append((name.strip().lower(), value.strip()))
            values = dict(headers)
            if "content-length" in values:
                body = await reader.readexactly(int(values["content-length"]))
            elif "chunked" in values.get("transfer-encoding", ""):
                body = await read_chunked(reader)
            else:
                body = await reader.read()
            return Reply(status, headers, body)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readline()).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readline()
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


def store_cookies(account: Account, reply: Reply) -> None:
    """Keep what Set-Cookie says, whatever its Secure flag (TLS is the proxy's)."""
    for name, value in reply.headers:
        if name != "set-cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value)
        except CookieError:
            continue
        for key, morsel in jar.items():
            if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                account.cookies.pop(key, None)
            else:
                account.cookies[key] = morsel.coded_value


def csrf_token(body: bytes) -> str:
    found = CSRF_RE.search(body)
    if not found:
        raise ValueError("no csrfmiddlewaretoken in the form")
    return found.group(1).decode()


# --- Phases of load ------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    concurrency: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    ok: int = 0
    attempted: int = 0
    window: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    first_limited: float | None = None  # verify: seconds into the phase of the first 429
    ok_before_limit: int = 0
    stopped_by_deadline: bool = False
    started: float = 0.0
    background: float | None = None  # cores busy just before the phase

    def record(self, step: str, seconds: float, reply: Reply, good: bool) -> None:
        self.latencies[step].append(seconds)
        self.statuses[(step, reply.status)] += 1
        if not good:
            self.fail(step, f"HTTP {reply.status} {reply.header('location')}".strip())

    def fail(self, step: str, reason: str) -> None:
        self.errors[(step, reason[:120])] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{step}: {reason[:300]}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.ok / self.window if self.window else 0.0


def measured_phase(phase: Phase, items: list, action, *, max_seconds: float, pids: list[int]):
    """run_phase after waiting for a quiet machine and noting how busy it is (gunicorn idle)."""
    QUIET.wait(phase.name)
    phase.background = background_cpu(3.0)
    return asyncio.run(run_phase(phase, items, action, max_seconds=max_seconds, worker_pids=pids))


async def run_phase(
    phase: Phase, items: list, action, *, max_seconds: float, worker_pids: list[int]
) -> Phase:
    queue = iter(items)
    before = CpuSnapshot.take(worker_pids)
    phase.started = time.perf_counter()
    deadline = phase.started + max_seconds

    async def virtual_user() -> None:
        while True:
            if time.perf_counter() >= deadline:
                phase.stopped_by_deadline = True
                return
            item = next(queue, None)
            if item is None:
                return
            phase.attempted += 1
            try:
                if await action(item, phase):
                    phase.ok += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                step = item.step if isinstance(item, Account) else "GET /v/<code>/"
                phase.fail(step, f"{type(exc).__name__}: {exc}")

    await asyncio.gather(*(virtual_user() for _ in range(phase.concurrency)))
    phase.window = time.perf_counter() - phase.started
    phase.cpu = CpuSnapshot.take(worker_pids).since(before)
    return phase


def login_action(http: Http):
    async def action(account: Account, phase: Phase) -> bool:
        account.step = "GET /masuk/"
        seconds, reply = await http.request(account, account.ip, "GET", "/masuk/")
        phase.record(account.step, seconds, reply, reply.status == 200)
        if reply.status != 200:
            return False
        form = {
            "username": account.nip,
            "password": PASSWORD,
            "next": "",
            "csrfmiddlewaretoken": csrf_token(reply.body),
        }
        account.step = "POST /masuk/"
        seconds, reply = await http.request(account, account.ip, "POST", "/masuk/", form)
        good = (
            reply.status == 302
            and reply.header("location") == "/"
            and "sessionid" in account.cookies
        )
        phase.record(account.step, seconds, reply, good)
        return good

    return action


def sign_action(http: Http, points: int):
    async def action(account: Account, phase: Phase) -> bool:
        path = f"/ikrar/{account.campaign_pk}/"
        account.step = "GET /ikrar/<pk>/"
        seconds, reply = await http.request(account, account.ip, "GET", path)
        phase.record(account.step, seconds, reply, reply.status == 200)
        if reply.status != 200:
            return False
        form = {f"point_{i}": "on" for i in range(1, points + 1)}
        form.update(
            method="drawn",
            signature=account.data_url,
            typed_name="",
            csrfmiddlewaretoken=csrf_token(reply.body),
        )
        account.step = "POST /ikrar/<pk>/"
        seconds, reply = await http.request(account, account.ip, "POST", path, form)
        found = SIGNED_RE.fullmatch(reply.header("location"))
        good = reply.status == 302 and found is not None
        phase.record(account.step, seconds, reply, good)
        if good:
            account.code = found.group(1)
        return good

    return action


def verify_action(http: Http, *, limited_ok: bool):
    async def action(item: tuple[str, str], phase: Phase) -> bool:
        code, ip = item
        seconds, reply = await http.request(None, ip, "GET", f"/v/{code}/")
        if reply.status == 429 and limited_ok:
            phase.latencies["GET /v/<code>/ (429)"].append(seconds)
            phase.statuses[("GET /v/<code>/", 429)] += 1
            if phase.first_limited is None:
                phase.first_limited = time.perf_counter() - phase.started
                phase.ok_before_limit = phase.ok
            return False
        good = reply.status == 200 and code.encode() in reply.body.replace(b"-", b"")
        phase.record("GET /v/<code>/", seconds, reply, good)
        return good

    return action


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, workers: int, env: dict[str, str], log: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.log = log
        self.command = [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*self.command, "--error-logfile", "-"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            if len(self.worker_pids()) == self.workers:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", self.port), timeout=1),
                ):
                    return
            time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not come up in {limit:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def gunicorn_log_errors(log: Path) -> list[str]:
    if not log.exists():
        return []
    bad = ("Traceback", "ERROR", "CRITICAL", "WORKER TIMEOUT")
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if any(word in line for word in bad)
    ]


# --- One signing run -----------------------------------------------------------------------


@dataclass
class SignRun:
    workers: int
    concurrency: int
    employees: int
    instansi: int
    seeded: str
    login: Phase | None
    sign: Phase
    check: dict
    log_errors: list[str]
    codes: list[str]
    disturbed: list[str]
    accounts: list[Account] = field(default_factory=list)


def pct(times: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not times:
        return float("nan")
    ordered = sorted(times)
    return ordered[max(0, math.ceil(round(q * len(ordered), 9)) - 1)]


def lat(times: list[float]) -> str:
    if not times:
        return "n/a"
    return f"{ms(pct(times, 0.50))} / {ms(pct(times, 0.95))} / {ms(pct(times, 0.99))}"


def print_phase(phase: Phase) -> None:
    print(
        f"  {phase.name}: {phase.ok:,} ok of {phase.attempted:,} in {phase.window:.1f} s = "
        f"{phase.rate:.1f}/s, errors {phase.error_count}"
        + (" (stopped by --max-seconds)" if phase.stopped_by_deadline else "")
    )
    for step, times in phase.latencies.items():
        print(f"    {step}: n={len(times):,} p50/p95/p99 {lat(times)}")
    if phase.cpu:
        print(f"    CPU: {cpu_text(phase.cpu)}")
    if phase.background is not None:
        print(f"    before the phase: {phase.background:.2f} cores busy (gunicorn idle)")
    for example in phase.examples:
        print(f"    error: {example}")


def server_env(tmp: Path, keys: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=URL,
        DEBUG="0",
        SECRET_KEY=keys["secret"],
        EVIDENCE_HMAC_KEY=keys["evidence"],
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TASK_BACKEND=DB_TASKS,
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        VAR_DIR=str(tmp / "var"),
        CONN_MAX_AGE="60",
        PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="https://127.0.0.1",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("DEFAULT_STORAGE_BACKEND", None)
    env.pop("REDIS_URL", None)
    return env


def prepare_database(args, env) -> tuple[list[Account], str]:
    from django.db import connections

    connections.close_all()
    create_database(URL)
    migrate_s = migrate(env)
    accounts, seed_s = seed(args.instansi, args.employees + RESERVE)
    return accounts, (
        f"migrate {migrate_s:.0f} s, seed {seed_s:.1f} s "
        f"({args.employees + RESERVE:,} employees and users incl. the "
        f"{RESERVE} reserve)"
    )


def signing_run(args, env, tmp: Path, workers: int, *, login_users: int) -> tuple[SignRun, list]:
    """One fresh database, one gunicorn, a login phase and a signing phase, then the checks.
    Returns the run and the reserve accounts not used yet (gunicorn is stopped)."""
    from pledges.models import IKRAR_POINTS

    print(f"\n== signing run: {workers} workers, concurrency {args.concurrency} ==")
    accounts, seeded = prepare_database(args, env)
    measured, reserve = accounts[: args.employees], accounts[args.employees :]
    login_users = min(login_users, len(measured))
    # Everybody but the HTTP logins (and the warm-up) starts with a force_login session.
    make_sessions(measured[login_users:] + reserve)
    for account in accounts:
        account.data_url = data_url(signature_png(account.index))
    log = tmp / f"gunicorn-{workers}.log"
    server = Gunicorn(workers, env, log)
    http = Http(server.port)
    pids = [server.process.pid, *server.worker_pids()]  # the arbiter counts too
    try:
        warm = reserve[: WARMUP_PER_WORKER * workers]
        reserve = reserve[len(warm) :]
        warm_phase = asyncio.run(
            run_phase(
                Phase("warm-up", min(workers, args.concurrency)),
                warm,
                sign_action(http, len(IKRAR_POINTS)),
                max_seconds=120,
                worker_pids=pids,
            )
        )
        print_phase(warm_phase)
        disturbed: list[str] = []  # other benchmarks found running at the end of a phase
        login = None
        if login_users:
            login = measured_phase(
                Phase("login", args.concurrency),
                measured[:login_users],
                login_action(http),
                max_seconds=args.max_seconds,
                pids=pids,
            )
            print_phase(login)
            disturbed += other_benches()
            # Employees the login phase did not reach (--max-seconds) sign with a session too.
            untried = [a for a in measured[:login_users] if not a.step]
            if untried:
                make_sessions(untried)
        sign = measured_phase(
            Phase("signing", args.concurrency),
            measured,
            sign_action(http, len(IKRAR_POINTS)),
            max_seconds=args.max_seconds,
            pids=pids,
        )
        print_phase(sign)
        disturbed += other_benches()
    finally:
        server.stop()
    check = check_database(env, measured + warm, warm)
    print(f"  check: {check['summary']}")
    run = SignRun(
        workers,
        args.concurrency,
        args.employees,
        args.instansi,
        seeded,
        login,
        sign,
        check,
        gunicorn_log_errors(log),
        [a.code for a in measured + warm if a.code],
        sorted(set(disturbed)),
        measured,
    )
    return run, reserve


def check_database(env: dict[str, str], accounts: list[Account], warm: list[Account]) -> dict:
    from django_tasks_db.models import DBTaskResult

    from pledges.models import Signature

    signed = {a.nip: a.code for a in accounts if a.code}
    rows = list(
        Signature.objects.filter(kind=Signature.Kind.IKRAR).values_list(
            "employee__nip", "code", "status", "image_sha256"
        )
    )
    per_employee = Counter(nip for nip, *_ in rows)
    valid = Counter(nip for nip, _c, status, _h in rows if status in Signature.VALID_STATUSES)
    codes = {nip: code for nip, code, *_ in rows}
    exactly_one = sum(
        1 for nip, code in signed.items() if per_employee[nip] == 1 and codes[nip] == code
    )
    two_valid = sum(1 for n in valid.values() if n > 1)
    unexpected = sum(1 for nip in per_employee if nip not in signed)
    hashes = len({h for *_x, h in rows})
    queued = DBTaskResult.objects.filter(
        task_path__endswith="render_certificate", status="READY"
    ).count()
    chain = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "verify_chain"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    chain_lines = [line for line in chain.stdout.splitlines() if line.strip()]
    chain_ok = chain.returncode == 0 and all(line.startswith("OK") for line in chain_lines)
    ok = (
        exactly_one == len(signed)
        and two_valid == 0
        and unexpected == 0
        and hashes == len(rows)
        and queued == len(rows)
        and chain_ok
    )
    summary = (
        f"{'PASS' if ok else 'FAIL'}: {len(signed):,} employees got the 302 ({len(warm)} of them "
        f"warm-up), {exactly_one:,} of them have exactly one signature with the redirect's code; "
        f"{two_valid} employees with two valid signatures; {unexpected} signatures of employees "
        f"without a 302; {len(rows):,} signatures, {hashes:,} distinct image hashes, "
        f"{queued:,} render_certificate tasks queued; `manage.py verify_chain`: "
        + (
            "; ".join(chain_lines)
            if chain_ok
            else f"FAILED (exit {chain.returncode}): {chain.stdout.strip()} {chain.stderr.strip()}"
        )
    )
    return {"ok": ok, "summary": summary, "signatures": len(rows)}


# --- Certificate queue ---------------------------------------------------------------------


def drain(env: dict[str, str], max_tasks: int) -> dict:
    from django_tasks_db.models import DBTaskResult

    from pledges.models import Certificate

    queued = DBTaskResult.objects.filter(status="READY").count()
    command = [str(VENV_BIN / "python"), "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    if max_tasks:
        command += ["--max-tasks", str(max_tasks)]
    before = Certificate.objects.count()
    print(f"\n== draining {min(queued, max_tasks or queued):,} of {queued:,} queued tasks ==")
    QUIET.wait("certificate drain")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    made = Certificate.objects.count() - before
    statuses = dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))
    result = {
        "queued": queued,
        "made": made,
        "wall": wall,
        "rate": made / wall if wall else 0,
        "statuses": statuses,
        "exit": done.returncode,
        "command": "manage.py db_worker --batch --no-startup-delay"
        + (f" --max-tasks {max_tasks}" if max_tasks else ""),
    }
    print(f"  {made:,} certificates in {wall:.1f} s = {result['rate']:.1f}/s, tasks {statuses}")
    return result


# --- Verification load ---------------------------------------------------------------------


ONE_ADDRESS = "198.51.100.7"


def verify_runs(args, env, tmp: Path, workers: int, codes: list[str]) -> list[Phase]:
    """GET /v/<code>/ as deployed: each request from an address of its own, then every request
    from one address; if the first was rate limited anyway, once more with the limit off."""
    items = [(code, visitor_ip(100_000 + n)) for n, code in enumerate(codes)]
    distinct = [items[i % len(items)] for i in range(args.verify_requests)]
    one = [(codes[i % len(codes)], ONE_ADDRESS) for i in range(max(1, args.verify_requests // 3))]
    phases: list[Phase] = []
    print(f"\n== verification load: {workers} workers ==")
    server = Gunicorn(workers, env, tmp / "gunicorn-verify.log")
    http = Http(server.port)
    try:
        # Warm-up from one address used nowhere else.
        warm = [(code, "192.0.2.1") for code in codes[: 2 * workers]]
        asyncio.run(
            run_phase(Phase("warm-up", workers), warm, verify_action(http, limited_ok=True),
                      max_seconds=60, worker_pids=server.worker_pids())
        )  # fmt: skip
        for label, requests, address in [
            (VERIFY_DISTINCT, distinct, None),
            (VERIFY_ONE, one, ONE_ADDRESS),
        ]:
            phase = Phase(label, args.concurrency)
            QUIET.wait(f"verification, {label}")
            phase.background = background_cpu(3.0)
            if address:
                # Start on a fresh rate-limit window of that address's key.
                wait_for_window(limit_key(address), 60)
            asyncio.run(
                run_phase(phase, requests, verify_action(http, limited_ok=True),
                          max_seconds=args.max_seconds, worker_pids=server.worker_pids())
            )  # fmt: skip
            print_verify(phase)
            phases.append(phase)
    finally:
        server.stop()
    if phases[0].first_limited is not None:
        (tmp / "settings").mkdir(exist_ok=True)
        (tmp / "settings" / f"{NO_LIMIT_SETTINGS}.py").write_text(
            "from portal.settings import *  # noqa: F403\n\nRATELIMIT_ENABLE = False\n"
        )
        unlimited = {**env, "DJANGO_SETTINGS_MODULE": NO_LIMIT_SETTINGS,
                     "PYTHONPATH": os.pathsep.join([str(tmp / "settings"), str(ROOT)])}  # fmt: skip
        server = Gunicorn(workers, unlimited, tmp / "gunicorn-verify-unlimited.log")
        http = Http(server.port)
        try:
            phase = Phase(VERIFY_UNLIMITED, args.concurrency)
            QUIET.wait(f"verification, {VERIFY_UNLIMITED}")
            phase.background = background_cpu(3.0)
            asyncio.run(
                run_phase(phase, distinct, verify_action(http, limited_ok=False),
                          max_seconds=args.max_seconds, worker_pids=server.worker_pids())
            )  # fmt: skip
        finally:
            server.stop()
        print_verify(phase)
        phases.append(phase)
    return phases


VERIFY_DISTINCT = "as deployed, every request from an address of its own"
VERIFY_ONE = f"as deployed, every request from one address ({ONE_ADDRESS})"
VERIFY_UNLIMITED = "RATELIMIT_ENABLE = False (throwaway settings module)"


def print_verify(phase: Phase) -> None:
    print_phase(phase)
    limited = phase.statuses[("GET /v/<code>/", 429)]
    if limited:
        print(f"    429: {limited:,}, the first after {phase.first_limited or 0:.2f} s and "
              f"{phase.ok_before_limit:,} answers")  # fmt: skip


def limit_key(address: str) -> str:
    """The rate-limit key of pledges.views.verify for a request from `address` through the
    proxy (X-Forwarded-For as nginx sends it)."""
    from django.test import RequestFactory

    from pledges.views import _client_ip

    request = RequestFactory().get(
        "/v/x/", HTTP_X_FORWARDED_FOR=address, HTTP_X_FORWARDED_PROTO="https"
    )
    return _client_ip("pledges.views.verify", request)


def wait_for_window(value: str, period: int) -> None:
    """Sleep until django-ratelimit's fixed window for `value` has just begun.

    Its windows end at whole seconds t with t % period == crc32(value) % period, and second t
    itself still belongs to the window that ends then: the next one begins at t + 1."""
    now = time.time()
    offset = zlib.crc32(value.encode()) % period
    end = now - (now - offset) % period + period  # the next window end
    time.sleep(max(0.0, end + 1 - now) + 0.2)


# --- Profiles ------------------------------------------------------------------------------


def pyspy_profile(args, env, tmp: Path, workers: int, accounts: list[Account]) -> dict | None:
    """A further signing phase of reserve employees with py-spy sampling every worker."""
    from pledges.models import IKRAR_POINTS

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
        asyncio.run(
            run_phase(
                Phase("warm-up", workers),
                warm,
                sign_action(http, 4),
                max_seconds=60,
                worker_pids=server.worker_pids(),
            )
        )
        QUIET.wait("py-spy profile")
        target = server.worker_pids()[0]
        spy = subprocess.Popen(
            [str(pyspy), "record", "--pid", str(target), "--nonblocking", "--rate", "100",
             "--format", "raw", "--duration", "600", "--output", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        before = proc_cpu(target)
        time.sleep(2)  # py-spy attaches to the worker
        phase = asyncio.run(
            run_phase(
                Phase("signing under py-spy", args.concurrency),
                accounts[len(warm) :],
                sign_action(http, len(IKRAR_POINTS)),
                max_seconds=args.max_seconds,
                worker_pids=server.worker_pids(),
            )
        )
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
    ("    the campaign (get_campaign_for)", "get_campaign_for", "pledges/access.py"),
    ("  request body parsed (HttpRequest.POST)", "_load_post_and_files", "django/http/"),
    ("  session load (SessionStore.load)", "load", "django/contrib/sessions/backends/db.py"),
    ("  session save (SessionStore.save)", "save", "django/contrib/sessions/backends/db.py"),
    ("  request.user (auth get_user)", "get_user", "django/contrib/auth/__init__.py"),
    ("  CSRF check (CsrfViewMiddleware.process_view)", "process_view", "middleware/csrf.py"),
    ("  connection health check (DatabaseWrapper.is_usable)", "is_usable", "postgresql/base"),
    ("  all SQL through the Django cursor (CursorWrapper._execute)", "_execute", "backends/utils"),
    ("  gunicorn writing the response (util.write)", "write", "gunicorn/util.py"),
]


def frame_matches(func: str, path: str, name: str, fragment: str) -> bool:
    return fragment in path and (func == name or func.endswith("." + name))


FRAME_RE = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def summarise_pyspy(raw: str, phase: Phase) -> dict:
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
        hit = set()
        for label, name, fragment in FRAMES:
            if any(frame_matches(func, path, name, fragment) for func, path in frames):
                hit.add(label)
        for label in hit:
            inclusive[label] += n
    return {
        "total": total,
        "inclusive": inclusive,
        "self": self_time.most_common(15),
        "phase": phase,
    }


def short_path(path: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


@contextlib.contextmanager
def query_timer(bucket: dict):
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


def cprofile_signing(accounts: list[Account]) -> dict:
    """GET + POST of the signing page through one django.test.Client in this process (one
    handler, so middleware is loaded once as in a worker), with the database task backend:
    plain timings, queries and database time, then the same under cProfile."""
    from django.contrib.auth.hashers import check_password
    from django.test import Client, override_settings

    from pledges.models import IKRAR_POINTS
    from portal.models import User

    print(f"\n== in-process profile: {len(accounts)} signings through django.test.Client ==")
    QUIET.wait("in-process profile")
    hashed = User.objects.get(pk=accounts[0].user_id).password
    pbkdf2 = []
    for _ in range(5):
        start = time.perf_counter()
        assert check_password(PASSWORD, hashed)
        pbkdf2.append(time.perf_counter() - start)
    half = len(accounts) // 2
    results: dict = {"pbkdf2": statistics.median(pbkdf2), "hasher": hashed.split("$", 2)[:2]}
    client = Client(headers={"user-agent": USER_AGENT})
    profiles = {"GET": cProfile.Profile(), "POST": cProfile.Profile()}
    with override_settings(TASKS={"default": {"BACKEND": DB_TASKS}}):
        users = {u.pk: u for u in User.objects.filter(pk__in=[a.user_id for a in accounts])}

        def one(account: Account, profiled: bool, timing: dict) -> None:
            client.force_login(users[account.user_id], backend="portal.backends.UserBackend")
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
                    response = send(
                        path,
                        form if kind == "POST" else None,
                        secure=True,
                        HTTP_X_FORWARDED_FOR=account.ip,
                    )
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
        k: {
            "median": statistics.median(v["wall"]),
            "queries": v["queries"] / n_plain,
            "db": v["seconds"] / n_plain,
        }
        for k, v in plain.items()
    }
    results["profiled_wall"] = {k: statistics.median(v["wall"]) for k, v in profiled.items()}
    results["functions"] = {
        kind: cumulative(pstats.Stats(profile), n_prof) for kind, profile in profiles.items()
    }
    results["top"] = {}
    for kind, profile in profiles.items():
        buffer = io.StringIO()
        pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(15)
        results["top"][kind] = top_functions(pstats.Stats(profile), n_prof)
        print(f"  --- {kind}, by own time ---\n{buffer.getvalue()}")
    results["n"] = (n_plain, n_prof)
    for kind, row in results["plain"].items():
        print(
            f"  {kind}: median {ms(row['median'])}, {row['queries']:.1f} queries, "
            f"DB {ms(row['db'])}"
        )
    for kind, rows in results["functions"].items():
        for label, seconds in rows:
            print(f"  {kind} {label}: {ms(seconds)} per request (under cProfile)")
    return results


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
    ("  the campaign (get_campaign_for)", "get_campaign_for", "pledges/access.py"),
    ("session load (SessionStore.load)", "load", "django/contrib/sessions/backends/db.py"),
    ("session save (SessionStore.save)", "save", "django/contrib/sessions/backends/db.py"),
    ("request.user (auth get_user)", "get_user", "django/contrib/auth/__init__.py"),
    ("SQL: Django cursor (CursorWrapper._execute)", "_execute", "django/db/backends/utils.py"),
    ("  of which psycopg2 cursor.execute (round trip)", "execute' of 'psycopg2", "~"),
    ("COMMIT (psycopg2 connection.commit, WAL flush)", "commit' of 'psycopg2", "~"),
]


def cumulative(stats: pstats.Stats, n: int) -> list[tuple[str, float]]:
    table = stats.stats  # type: ignore[attr-defined]
    found = []
    for label, name, fragment in CPROFILE_FUNCS:
        if fragment == "~":
            total = sum(v[3] for (path, _l, func), v in table.items() if name in func)
        else:
            total = sum(
                v[3] for (path, _l, func), v in table.items() if func == name and fragment in path
            )
        found.append((label, total / n))
    return found


def top_functions(stats: pstats.Stats, n: int, count: int = 8) -> list[tuple[str, float]]:
    table = stats.stats  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return [
        (f"{func} ({short_path(path)}:{line})" if path != "~" else func, v[2] / n)
        for (path, line, func), v in rows
    ]


# --- docs/benchmarks.md --------------------------------------------------------------------


def phase_row(run: SignRun, phase: Phase | None, step: str, get: str) -> str:
    if phase is None:
        return f"| {run.workers} | {run.concurrency} | {step} | – | – | – | – | – | – |"
    flag = " (stopped by --max-seconds)" if phase.stopped_by_deadline else ""
    return (
        f"| {run.workers} | {phase.concurrency} | {step} | {phase.ok:,} of "
        f"{phase.attempted:,}{flag} | {phase.window:.1f} s | **{phase.rate:.1f}/s** | "
        f"{lat(phase.latencies[step])} | {lat(phase.latencies[get])} | "
        f"{phase.error_count} |"
    )


def section(
    args,
    host: str,
    quiet: str,
    runs: list[SignRun],
    best: SignRun | None,
    drained: dict | None,
    verify: list[Phase],
    spy: dict | None,
    prof: dict | None,
    command: str,
) -> str:
    out = [
        f"{SECTION}\n",
        "ASN signing the ikrar over HTTP: gunicorn (sync workers) on 127.0.0.1 with the "
        "production settings of docs/deployment.md (DEBUG=0, PROXY_COUNT=1, CONN_MAX_AGE=60, "
        "the database task queue), PostgreSQL on 127.0.0.1, and the load generator (asyncio, "
        "raw HTTP/1.1, one connection per request) all on the same machine. The generator "
        "plays the TLS-terminating nginx: `X-Forwarded-Proto: https` and an `X-Forwarded-For` "
        "per virtual user on every request, cookies sent back from Set-Cookie whatever their "
        "Secure flag. *Login* is GET /masuk/ + POST /masuk/ (NIP and password; one real PBKDF2 "
        "check: every user has the same hash made once with the default hasher). *Signing* is "
        "GET /ikrar/<pk>/ + POST /ikrar/<pk>/ (four points, method drawn, a 600 x 200 PNG data "
        "URL with a stroke of its own per employee); employees that did not log in over HTTP "
        "start with a session stored as force_login stores it. Rates are successes over the "
        "phase's window (first request sent to last answer read); latencies p50 / p95 / p99 "
        "(nearest rank) of the POST alone and of the GET before it, including queueing for a "
        "free worker. Certificates are queued, not rendered, during the run (no db_worker "
        "runs); the queue is drained afterwards and timed on its own.\n",
        f"- Machine: {host}",
        f"- Before measuring: {quiet.removeprefix('start: ')}"
        + (
            f"; later: {'; '.join(later)}"
            if (later := [n for n in QUIET.notes if not n.startswith("start:")])
            else ""
        ),
        f"- Data: {args.instansi} instansi, {args.employees:,} employees (+{RESERVE} reserve for "
        f"warm-up and profiling) with users, one open campaign per instansi; fresh database "
        f"bench_load per run ({(runs or [best])[0].seeded if (runs or best) else ''}); "
        f"PostgreSQL {pg_version()} "
        f"(synchronous_commit {pg_setting('synchronous_commit')}, shared_buffers "
        f"{pg_setting('shared_buffers')})",
        f"- Command: `{command}`",
        f"- Target of the issue: at least {TARGET_RATE:.0f} signings/s with p95 under "
        f"{TARGET_P95 * 1000:.0f} ms and no errors",
        "",
    ]
    if runs:
        out += [
            "| workers | concurrency | POST measured | ok of taken | window | rate | POST p50 / "
            "p95 / p99 | GET before it p50 / p95 / p99 | errors |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for run in runs:
            out.append(phase_row(run, run.login, "POST /masuk/", "GET /masuk/"))
            out.append(phase_row(run, run.sign, "POST /ikrar/<pk>/", "GET /ikrar/<pk>/"))
        out.append("")
        for run in runs:
            login = run.login
            cpu = f"signing CPU: {cpu_text(run.sign.cpu)}"
            if login is not None:
                cpu += f"; login CPU: {cpu_text(login.cpu)}"
            before = [f"{p.name} {p.background:.2f}" for p in (login, run.sign)
                      if p is not None and p.background is not None]  # fmt: skip
            if before:
                cpu += "; cores busy just before the phase (gunicorn idle): " + ", ".join(before)
            out.append(f"- {run.workers} workers: {cpu}")
            per = cpu_per(run.sign)
            if per:
                out.append(
                    f"- {run.workers} workers, CPU per signing (GET + POST): "
                    f"{ms(per['gunicorn'])} in gunicorn + {ms(per['postgres'])} in PostgreSQL: "
                    f"two cores would allow at most {per['ceiling']:.0f} signings/s without the "
                    f"load generator"
                )
            out.append(f"- {run.workers} workers, database check: {run.check['summary']}")
            if run.log_errors:
                out.append(
                    f"- {run.workers} workers, gunicorn log: {len(run.log_errors)} error "
                    f"lines, e.g. `{run.log_errors[0][:200]}`"
                )
            examples = (login.examples if login else []) + run.sign.examples
            if examples:
                out.append(
                    f"- {run.workers} workers, errors: "
                    + "; ".join(f"`{e[:160]}`" for e in examples[:3])
                )
            if run.disturbed:
                out.append(
                    f"- {run.workers} workers: other benchmarks ran meanwhile: "
                    + "; ".join(run.disturbed)
                )
        if best is not None:
            s = best.sign
            p95 = pct(s.latencies["POST /ikrar/<pk>/"], 0.95)
            met = s.rate >= TARGET_RATE and p95 < TARGET_P95 and s.error_count == 0
            out.append(
                f"- Best: {best.workers} workers, {s.rate:.1f} signings/s, POST p95 {ms(p95)}, "
                f"{s.error_count} errors: the target is **{'met' if met else 'not met'}**"
                + ("" if met else f" ({s.rate / TARGET_RATE:.0%} of the rate)")
            )
            if best.login is not None:
                login_rate = best.login.rate
                both = 1 / (1 / login_rate + 1 / s.rate) if login_rate and s.rate else 0.0
                out.append(
                    f"- Logins run at {login_rate:.1f}/s: a user who logs in and signs "
                    f"costs both, so the whole flow (login + signing) is bounded near "
                    f"{both:.1f} users/s on this machine"
                )
        out.append("")
    if drained:
        out.append(
            f"Certificate queue after the last run: one `{drained['command']}` made "
            f"{drained['made']:,} certificates (of {drained['queued']:,} queued) in "
            f"{drained['wall']:.1f} s = **{drained['rate']:.1f} certificates/s** on one "
            f"process (exit {drained['exit']}; task statuses afterwards {drained['statuses']}).\n"
        )
    if verify:
        out += [
            f"Public verification `GET /v/<code>/` for the codes just made, by "
            f"{args.concurrency} virtual users on {best.workers if best else ''} workers, "
            f"PROXY_COUNT=1 as deployed (the client address is the last X-Forwarded-For "
            f"entry): {args.verify_requests:,} requests each from an address of its own (a "
            f"crowd of phones scanning QR codes), then "
            f"{max(1, args.verify_requests // 3):,} requests all from one address (a room "
            f"behind one NAT), started at the beginning of that address's rate-limit window. "
            f"A 429 is the limit (VERIFY_RATE {verify_rate()}) doing its job and is counted "
            f"apart, not as an error:\n",
            "| configuration | 200 | 429 | errors | window | 200/s | first 429 after | "
            "p50 / p95 / p99 (200) | p50 / p95 / p99 (429) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for phase in verify:
            limited = phase.statuses[("GET /v/<code>/", 429)]
            first = (
                f"{phase.first_limited:.2f} s, {phase.ok_before_limit:,} answers"
                if phase.first_limited is not None
                else "–"
            )
            out.append(
                f"| {phase.name} | {phase.ok:,} | {limited:,} | {phase.error_count} | "
                f"{phase.window:.1f} s | {phase.rate:.1f}/s | {first} | "
                f"{lat(phase.latencies['GET /v/<code>/'])} | "
                f"{lat(phase.latencies['GET /v/<code>/ (429)'])} |"
            )
        out.append("")
        out += [f"- {p.name}: CPU {cpu_text(p.cpu)}" for p in verify if p.cpu]
        out.append("")
    if spy or prof:
        out.append("### Profile of the signing request\n")
    if spy:
        total = spy["total"] or 1
        phase = spy["phase"]
        out.append(
            f"py-spy (`record --pid <one worker> --nonblocking --rate 100`) on one of the "
            f"{best.workers if best else ''} workers during a further signing phase of "
            f"{phase.ok:,} reserve employees at concurrency {phase.concurrency} "
            f"({phase.rate:.1f} signings/s while sampled; that worker was "
            f"{spy['worker_cpu']:.2f} cores busy): {spy['total']:,} samples. py-spy drops the "
            f"samples of a worker idle in accept(), but keeps those of a worker waiting for "
            f"PostgreSQL's answer or for a free core, so the shares are of the worker's wall "
            f"time spent on requests, not of its CPU:\n"
        )
        out += ["| frame (inclusive) | share of the worker's request time |", "|---|---|"]
        out += [f"| {label} | {spy['inclusive'][label] / total:.1%} |" for label, *_ in FRAMES]
        out += ["", "| function (own time) | share of the worker's request time |", "|---|---|"]
        out += [f"| `{name}` | {n / total:.1%} |" for name, n in spy["self"][:12]]
        out.append("")
    if prof:
        plain = prof["plain"]
        out.append(
            f"In this process through one django.test.Client (no network, no queueing, one "
            f"request at a time, database task backend, force_login before each employee), "
            f"{prof['n'][0]} signings timed plainly: GET median {ms(plain['GET']['median'])} "
            f"with {plain['GET']['queries']:.0f} queries ({ms(plain['GET']['db'])} of it "
            f"waiting on the database), POST median {ms(plain['POST']['median'])} with "
            f"{plain['POST']['queries']:.0f} queries ({ms(plain['POST']['db'])} waiting on the "
            f"database). One login's password check ({prof['hasher'][0]}, "
            f"{prof['hasher'][1]} iterations): {ms(prof['pbkdf2'])} of CPU. Then {prof['n'][1]} "
            f"more under cProfile (which inflates Python-heavy code: medians GET "
            f"{ms(prof['profiled_wall']['GET'])}, POST {ms(prof['profiled_wall']['POST'])}), "
            f"cumulative time per request:\n"
        )
        out += ["| function | GET | POST |", "|---|---|---|"]
        for (label, get_s), (_label, post_s) in zip(
            prof["functions"]["GET"], prof["functions"]["POST"], strict=True
        ):
            out.append(f"| {label} | {ms(get_s)} | {ms(post_s)} |")
        out.append("")
    out.append(
        findings(best if runs else None, drained, verify, spy, prof, best.workers if best else 0)
    )
    return "\n".join(out).rstrip("\n") + "\n"


def verify_rate() -> str:
    from pledges.views import VERIFY_RATE

    return VERIFY_RATE


def cpu_per(phase: Phase) -> dict[str, float] | None:
    """CPU-seconds per success of the gunicorn workers and of PostgreSQL."""
    if not phase.cpu or not phase.ok:
        return None
    wall = phase.cpu["wall"]
    gunicorn = phase.cpu["gunicorn"] * wall / phase.ok
    postgres = phase.cpu["postgres"] * wall / phase.ok
    cores = os.cpu_count() or 1
    return {"gunicorn": gunicorn, "postgres": postgres, "ceiling": cores / (gunicorn + postgres)}


def findings(best, drained, verify, spy, prof, verify_workers: int) -> str:
    out = ["### Findings and proposals\n"]
    if best is not None:
        s = best.sign
        per = cpu_per(s)
        rate = s.rate
        out.append(
            (
                "- **Throughput is CPU-bound, and the target is out of reach on two cores.** "
                if per and per["ceiling"] < TARGET_RATE
                else "- **Throughput.** "
            )
            + f"The best run signs {rate:.1f} times a second with "
            f"{s.cpu.get('system', 0):.2f} of {os.cpu_count()} cores busy"
            + (
                f"; a signing (GET + POST) costs {ms(per['gunicorn'] + per['postgres'])} of CPU "
                f"({ms(per['gunicorn'])} Python in the worker, {ms(per['postgres'])} PostgreSQL), "
                f"so two cores cannot exceed about {per['ceiling']:.0f} signings/s even without "
                f"the load generator. {TARGET_RATE:.0f}/s needs about "
                f"{TARGET_RATE / per['ceiling'] * (os.cpu_count() or 1):.0f} such cores, or a "
                f"signing {TARGET_RATE / per['ceiling']:.0f} times cheaper"
                if per
                else ""
            )
            + ". The p95 at concurrency "
            f"{s.concurrency} is queueing: every virtual user has one request in flight, so by "
            f"Little's law a request spends about concurrency / request rate = "
            f"{s.concurrency} / {2 * rate:.0f} per s = "
            f"{ms(s.concurrency / (2 * rate)) if rate else 'n/a'} waiting and being served, "
            f"whatever its own cost; p95 under {TARGET_P95 * 1000:.0f} ms at this concurrency "
            f"needs well over {s.concurrency / TARGET_P95:.0f} requests/s."
        )
    if prof:
        plain = prof["plain"]
        get, post = plain["GET"], plain["POST"]
        fn = {kind: dict(rows) for kind, rows in prof["functions"].items()}
        tpl = fn["GET"]["  template rendering (django.shortcuts.render)"]
        append = fn["POST"]["  pledges.services.append_signature"]
        clean = fn["POST"]["    clean_signature (base64, Pillow decode, ink check)"]
        chain = fn["POST"]["    ChainedRecord.append (head lock, hash, insert)"]
        out.append(
            f"- **Where a signing's time goes** (one process, no queueing): the page (GET) "
            f"{ms(get['median'])} with {get['queries']:.0f} queries, the POST "
            f"{ms(post['median'])} with {post['queries']:.0f} queries (savepoint and release "
            f"counted); {ms(get['db'] + post['db'])} of the two is waiting on PostgreSQL. Under "
            f"cProfile the GET's template rendering is {ms(tpl)}, and the POST's "
            f"append_signature {ms(append)}, of which clean_signature (base64, Pillow decode, "
            f"ink mask) {ms(clean)} and the chain append {ms(chain)}. No single hot spot is "
            f"left: the cost is Django's per-request machinery (middleware, session, auth, ORM "
            f"query building: a select_related query costs 1-3 ms of CPU to build) plus the "
            f"round trips, on both requests."
        )
        out.append(
            '- **What was fixed after the first profile** (see "Signing load: before and '
            "after\" below): the session's user now comes with its employee, unit and "
            "instansi in one query (portal.backends.UserBackend), the campaign with its "
            "is_superseded answer (CampaignQuerySet.with_supersession), a frozen campaign's "
            "hash is not re-read, the chain head is locked without a get_or_create() first, "
            "and the ink mask is one multiply of two lookup-table masks. "
            "tests/test_pledges_signing.py pins the query counts. Left as they are: the "
            "health-check `SELECT 1` (it keeps a restarted PostgreSQL from failing the next "
            "request of every worker) and the render_certificate task row written after "
            "COMMIT (written inside the transaction, the immediate backend of dev and tests "
            "would render while holding the chain lock)."
        )
        out.append(
            "- **More throughput needs more cores, not more tuning.** What is left is spread "
            "over Django's own request path; 200 signings/s needs the cores of the CPU split "
            "above (more gunicorn workers on more app servers behind the load balancer: the "
            "scale-out test shows several app servers on one database stay correct) or a "
            "request path without the ORM and templates, which this project does not trade "
            "its clarity for."
        )
        out.append(
            f"- **Login is the real ceiling of a rush.** One password check "
            f"({prof['hasher'][0]}, {prof['hasher'][1]} iterations) is {ms(prof['pbkdf2'])} of "
            f"CPU, so two cores log in only "
            f"{(os.cpu_count() or 1) / prof['pbkdf2']:.1f} ASN per second at best, and a worker "
            f"busy with PBKDF2 serves no signature. Proposals: keep ASN sessions long "
            f"(SESSION_COOKIE_AGE is 12 h), spread the invitation e-mails over the morning, "
            f"and give logins their own worker pool (a second gunicorn behind the same nginx "
            f"for /masuk/) so that signing latency does not suffer; a cheaper hasher is not an "
            f"option for passwords."
        )
    if spy:
        total = spy["total"] or 1
        sql = spy["inclusive"]["  all SQL through the Django cursor (CursorWrapper._execute)"]
        health = spy["inclusive"]["  connection health check (DatabaseWrapper.is_usable)"]
        out.append(
            f"- **In a worker under load** (py-spy above) {sql / total:.0%} of the request time "
            f"is spent inside SQL calls (waiting for PostgreSQL, which shares the two cores) "
            f"and {health / total:.0%} in the health-check `SELECT 1` alone."
        )
    out.append(
        ""
        if best is None
        else "- **The evidence chain serialises appends per instansi** (the ChainHead row lock is "
        "held from SELECT ... FOR UPDATE to COMMIT, which waits for the WAL flush with "
        "synchronous_commit on): one instansi's rate is bounded by 1 / lock hold time "
        "whatever the core count. At these rates the CPU is the limit, not the lock; "
        "`--instansi K` spreads the load over K chains."
    )
    if drained and drained["rate"]:
        out.append(
            f"- **Certificates** render at {drained['rate']:.1f}/s on one db_worker: "
            f"{drained['made']:,} took {drained['wall'] / 60:.1f} min. During a rush the queue "
            f"grows by the signing rate minus that, and the worker competes for the same cores: "
            f"run db_worker at lower CPU priority (nice) on the web server, or on its own machine."
        )
    if verify:
        out.append(verify_finding(verify, verify_workers))
    return "\n".join(line for line in out if line) + "\n"


def verify_finding(verify: list[Phase], workers: int | None) -> str:
    distinct = next((p for p in verify if p.name == VERIFY_DISTINCT), None)
    one = next((p for p in verify if p.name == VERIFY_ONE), None)
    limit = int(verify_rate().split("/")[0])
    parts = ["- **Public verification**:"]
    if distinct is not None:
        if distinct.first_limited is None:
            parts.append(
                f"{distinct.ok:,} answers at {distinct.rate:.0f}/s, none limited: with "
                f"PROXY_COUNT=1 every visitor address has its own bucket."
            )
        else:
            parts.append(
                f"visitors with addresses of their own were limited after "
                f"{distinct.ok_before_limit:,} answers: the rate-limit key does not tell them "
                f"apart (check portal.audit.client_ip behind the proxy)."
            )
    if one is not None and one.first_limited is not None and workers:
        parts.append(
            f"From one address, {one.ok:,} answers in {one.window:.0f} s (the first 429 after "
            f"{one.ok_before_limit:,}) against a limit of {limit} a minute: the limit lives in "
            f"the default cache, a per-process LocMemCache without REDIS_URL, so each of the "
            f"{workers} workers counts on its own (up to {workers} x {limit} = "
            f"{workers * limit:,} a minute). Set REDIS_URL (a shared cache) in production so "
            f"that VERIFY_RATE, UPLOAD_RATE and the account rate limits hold per deployment."
        )
    elif one is not None:
        parts.append(f"From one address: {one.ok:,} answers and no 429.")
    return " ".join(parts)


def pg_version() -> str:
    from django.db import connection

    v = connection.pg_version
    return f"{v // 10000}.{v % 10000}"


def pg_setting(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mode", choices=["both", "sign", "verify"], default="both")
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--instansi", type=int, default=1)
    parser.add_argument(
        "--workers",
        default=f"{2 * cores + 1},3",
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
        "--drain-max",
        type=int,
        default=0,
        help="--max-tasks for the timed db_worker --batch (0: the whole queue)",
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
    if (
        not worker_counts
        or min(worker_counts) < 1
        or args.employees < 1
        or args.instansi < 1
        or args.concurrency < 1
        or args.login_users < 0
    ):
        parser.error("counts must be positive")
    if args.mode == "verify":
        worker_counts = worker_counts[:1]

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    keys = {"secret": secrets.token_urlsafe(50), "evidence": secrets.token_urlsafe(50)}
    env = server_env(tmp, keys)
    # This process runs with the server's settings (same keys, media, DEBUG=0), except that
    # setup_django makes its own task backend a dummy.
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "EVIDENCE_HMAC_KEY",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "VAR_DIR",
        "CONN_MAX_AGE",
        "PROXY_COUNT",
        "SITE_URL",
    ):
        os.environ[name] = env[name]
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    host = machine()
    global QUIET
    QUIET = Quiet(not args.no_wait)
    quiet = QUIET.wait("start")
    print(quiet)
    setup_django(URL)
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    from django.db import connections

    runs: list[SignRun] = []
    best = None
    drained = spy = prof = None
    verify: list[Phase] = []
    try:
        reserve: list[Account] = []
        for workers in worker_counts:
            login_users = 0 if args.mode == "verify" else args.login_users
            run, reserve = signing_run(args, env, tmp, workers, login_users=login_users)
            runs.append(run)
        best = max(
            runs, key=lambda r: (r.sign.rate, -pct(r.sign.latencies["POST /ikrar/<pk>/"], 0.95))
        )
        if args.mode != "verify" and not args.no_drain:
            drained = drain(env, args.drain_max)
        if args.mode != "verify" and not args.no_profile:
            spy = pyspy_profile(args, env, tmp, best.workers, reserve[:PYSPY_USERS])
            prof = cprofile_signing(reserve[PYSPY_USERS : PYSPY_USERS + CPROFILE_USERS])
        if args.mode != "sign":
            verify = verify_runs(args, env, tmp, best.workers, runs[-1].codes)
        text = section(
            args,
            host,
            quiet,
            runs if args.mode != "verify" else [],
            best,
            drained,
            verify,
            spy,
            prof,
            shlex.join([".venv/bin/python", "bench/load_signing.py", *sys.argv[1:]]),
        )
    finally:
        connections.close_all()
        if args.keep:
            print(f"kept {URL} (media in {tmp / 'media'})")
        else:
            drop_database(URL)
            shutil.rmtree(tmp, ignore_errors=True)
    print("\n" + text)
    if args.write:
        write_section(SECTION, text)
        print(f"wrote {SECTION!r} to docs/benchmarks.md")


if __name__ == "__main__":
    main()
