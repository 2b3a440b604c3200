"""Benchmark: CPU instructions the app spends on one signing (GET + POST of /ikrar/<pk>/).

    .venv/bin/python bench/signing_instructions.py [--before CHECKOUT] [--repeats 3] [--write]

valgrind's callgrind counts the instructions of this script run twice per measurement on one
seeded database (10 warm-up signings alone, then with 40 more); the difference over 40 is one
signing's. --before measures another checkout alongside (one core each), e.g. an older commit:

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv

Each checkout gets a database of its own and is driven by its own bench/load_signing.py and
portal code. Method and results: docs/benchmarks.md, "Signing instructions"; --write records
the block there. valgrind comes from Debian's package of that name.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SECTION = "## Signing instructions (bench/signing_instructions.py)"
WARMUP = 10
MEASURED = 40
EMPLOYEES = 200  # load_signing seeds its 400 reserve on top: 600 in all
SEEDED = EMPLOYEES + 400
TRIVIAL = "/sehat/hidup/"  # the trivial view the signing is compared with (this checkout's)
TRIVIAL_MEASURED = 200


# --- Children: run with the measured checkout's own code --------------------------------------


def setup(root: Path, media: Path):
    """The checkout's load_signing module, with Django set up as its server runs."""
    sys.path.insert(0, str(root / "bench"))
    import load_signing as ls

    ls.URL = database_url(root)
    if hasattr(ls, "REDIS_URL"):  # older checkouts ran without the shared cache
        ls.REDIS_URL = redis_url(root)
    os.environ.update(ls.server_env(media, {"secret": "s" * 50, "evidence": "e" * 50}))
    os.environ.update(DATABASE_URL=ls.URL, ALLOWED_HOSTS="testserver")
    ls.setup_django(ls.URL)
    import config.wsgi  # noqa: F401 (what a gunicorn worker does at start-up, this does too)

    return ls


def seed(root: Path, media: Path) -> None:
    ls = setup(root, media)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=root, env=os.environ, check=True,
    )  # fmt: skip
    ls.prepare_database(argparse.Namespace(instansi=1, employees=EMPLOYEES), dict(os.environ))


def sign(root: Path, media: Path, start: int, count: int) -> None:
    """WARMUP + count signings, by the employees start, start + 1, ..."""
    ls = setup(root, media)
    if hasattr(ls, "REDIS_URL"):
        ls.db.flush_redis(ls.REDIS_URL)  # both runs of a measurement start from the same cache
    from django.conf import settings
    from django.test import Client, override_settings

    from pledges.models import IKRAR_POINTS, Campaign
    from portal.models import User

    # An older checkout may not have portal/backends.py.
    backend = (
        "portal.backends.UserBackend"
        if (root / "portal" / "backends.py").exists()
        else "django.contrib.auth.backends.ModelBackend"
    )
    asn = User.objects.filter(employee__isnull=False).order_by("pk")
    # Migrations add national campaigns (no instansi); the seeded one is the instansi's.
    path = f"/ikrar/{Campaign.objects.get(instansi__isnull=False).pk}/"
    points = {f"point_{i}": "on" for i in range(1, len(IKRAR_POINTS) + 1)}
    client = Client(headers={"user-agent": ls.USER_AGENT})
    # The drawn signatures are made up front, and as many in both runs of a measurement: PNG
    # encoding is the browser's work, not the app's (made inside the loop, it used to count
    # about 40 M instructions per signing).
    images = {n: ls.data_url(ls.signature_png(n)) for n in range(start, start + WARMUP + MEASURED)}
    # So are the sessions: logging in is measured in its own phase of bench/load_signing.py,
    # and a force_login per signing (about 5 ms of CPU: a session written to the database and
    # the cache, the login signals) used to be counted as the signing's. A client of its own
    # for each, since logging a client in again ends its previous session. (A checkout whose
    # login keeps the user's copy in the cache keeps it here too.)
    sessions = {}
    for n, user in enumerate(asn[start : start + WARMUP + MEASURED], start):
        login = Client()
        login.force_login(user, backend=backend)
        sessions[n] = login.cookies[settings.SESSION_COOKIE_NAME].value
    with override_settings(TASKS={"default": {"BACKEND": ls.DB_TASKS}}):
        for n in range(start, start + WARMUP + count):
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[n]
            ip = ls.visitor_ip(n)
            page = client.get(path, secure=True, HTTP_X_FORWARDED_FOR=ip)
            form = dict(points, method="drawn", typed_name="", signature=images[n])
            done = client.post(path, form, secure=True, HTTP_X_FORWARDED_FOR=ip)
            if (page.status_code, done.status_code) != (200, 302):
                sys.exit(f"employee {n}: GET {page.status_code}, POST {done.status_code}")


def trivial(root: Path, media: Path, count: int) -> None:
    """WARMUP + count GETs of the trivial view (/sehat/hidup/: no query, no template) by one
    signed-in ASN, through the same middleware stack as the signing."""
    ls = setup(root, media)
    from django.test import Client

    from portal.models import User

    client = Client(headers={"user-agent": ls.USER_AGENT})
    client.force_login(User.objects.filter(employee__isnull=False).order_by("-pk").first(),
                       backend="portal.backends.UserBackend")  # fmt: skip
    for n in range(WARMUP + count):
        page = client.get(TRIVIAL, secure=True, HTTP_X_FORWARDED_FOR=ls.visitor_ip(n))
        if page.status_code != 200:
            sys.exit(f"{TRIVIAL}: {page.status_code}")


# --- The parent: no Django, only processes ------------------------------------------------


def parent_lib():
    """This checkout's bench/lib, for the parent only: imported at the top it would also be
    imported by a child first, and the measured checkout's load_signing would then find this
    checkout's lib, whose ROOT puts this checkout's portal code on sys.path."""
    from lib import db, machine, report

    return db, machine, report


def database_url(root: Path) -> str:
    return f"postgres://postgres@127.0.0.1:5432/bench_instructions_{zlib.crc32(bytes(root)):08x}"


def redis_url(root: Path) -> str:
    """A Redis database per checkout too (two measured at once must not share cached rows)."""
    return f"redis://127.0.0.1:6379/{12 + zlib.crc32(bytes(root)) % 4}"


def child(root: Path, media: Path, *args: str, valgrind: str | None = None) -> str:
    command = [str(root / ".venv" / "bin" / "python"), __file__, "--root", str(root),
               "--media", str(media), *args]  # fmt: skip
    if valgrind:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={valgrind}", *command]
    # A fixed hash seed, so that both runs of a measurement iterate sets and dicts alike.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return run.stderr


def instructions(root: Path, media: Path, *args: str) -> int:
    with tempfile.TemporaryDirectory() as out:
        stderr = child(root, media, *args, valgrind=f"{out}/cg.out")
    return int(re.search(r"Collected : (\d+)", stderr).group(1))


def measure(root: Path, repeats: int) -> tuple[list[float], list[float]]:
    """Millions of instructions per signing and per trivial request (where the checkout has
    the trivial view), one value per measurement."""
    media = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    values, trivials, start = [], [], 0
    has_trivial = "sehat/hidup/" in (root / "config" / "urls.py").read_text()
    try:
        child(root, media, "--seed")
        for _ in range(repeats):
            alone = instructions(root, media, "--sign", str(start), "0")
            more = instructions(root, media, "--sign", str(start + WARMUP), str(MEASURED))
            start += 2 * WARMUP + MEASURED
            values.append((more - alone) / MEASURED / 1e6)
            line = f"  {root}: {values[-1]:,.1f} M instructions per signing"
            if has_trivial:
                alone = instructions(root, media, "--trivial", "0")
                more = instructions(root, media, "--trivial", str(TRIVIAL_MEASURED))
                trivials.append((more - alone) / TRIVIAL_MEASURED / 1e6)
                line += f", {trivials[-1]:,.2f} M per trivial request"
            print(line, flush=True)
    finally:
        parent_lib()[0].drop_database(database_url(root))
        shutil.rmtree(media, ignore_errors=True)
    return values, trivials


def describe(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              text=True).stdout.strip()  # fmt: skip

    text = f"{git('rev-parse', '--short', 'HEAD')} {git('log', '-1', '--format=%s')}"
    if git("status", "--porcelain", "--untracked-files=no"):
        text += " (with uncommitted changes)"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--media", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sign", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trivial", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed or args.sign or args.trivial is not None:
        root = args.root.resolve()
        if args.seed:
            seed(root, args.media)
        elif args.sign:
            sign(root, args.media, *args.sign)
        else:
            trivial(root, args.media, args.trivial)
        return
    most = SEEDED // (2 * WARMUP + MEASURED)
    if not 1 <= args.repeats <= most:
        parser.error(f"--repeats is 1 to {most}")
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed: apt-get install valgrind")
    here = Path(__file__).resolve().parent.parent
    roots = [args.before.resolve(), here] if args.before else [here]
    for root in roots:
        if not (root / ".venv" / "bin" / "python").exists():
            sys.exit(f"{root} has no .venv (link this one: ln -s {here / '.venv'} {root}/.venv)")
    _db, machine, md = parent_lib()
    host = machine.machine()
    with ThreadPoolExecutor(len(roots)) as pool:
        results = list(pool.map(lambda root: measure(root, args.repeats), roots))
    labels = ["before", "after"] if args.before else ["this checkout"]
    rows = []
    for label, root, (values, trivials) in zip(labels, roots, results, strict=True):
        median = statistics.median(values)
        change = ratio = ""
        if args.before and root == here:
            change = f" ({(median / statistics.median(results[0][0]) - 1) * 100:+.1f}%)"
        if trivials:
            ratio = (f"{statistics.median(trivials):,.2f} M; the signing "
                     f"**{median / statistics.median(trivials):,.1f} x**")  # fmt: skip
        rows.append([label, describe(root), ", ".join(f"{v:,.1f}" for v in values),
                     f"**{median:,.1f} M**{change}", ratio or "not in this checkout"])  # fmt: skip
    argv = [*(["--before", str(args.before)] if args.before else []),
            "--repeats", str(args.repeats), *(["--write"] if args.write else [])]  # fmt: skip
    text = "\n".join([
        f"- Machine: {host}",
        f"- Data: 1 instansi, {SEEDED} employees with users (bench/load_signing.py's seed), "
        f"{args.repeats} measurements of {MEASURED} signings per checkout, each by employees "
        "who had not signed",
        f"- Command: `{md.command('signing_instructions.py', argv)}`", "",
        md.table(["checkout", "commit", "M instructions per signing, each measurement",
                  "median", f"trivial request ({TRIVIAL}), median"], rows),
    ])  # fmt: skip
    print("\n" + text)
    if args.write:
        md.write(SECTION, [("bench/signing_instructions.py", "", text)])


if __name__ == "__main__":
    main()
