"""Benchmark: render one ikrar certificate with WeasyPrint, and serve a stored one over HTTP.

    .venv/bin/python bench/certificate.py [--runs 30] [--write]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cert \\
        .venv/bin/python bench/certificate.py [--runs 30] [--write]

Without DATABASE_URL the benchmark runs on a throwaway SQLite file in a temporary directory; with
a PostgreSQL URL the database is created fresh (a leftover bench* database of that name is
dropped first), migrated, and dropped again at the end. Media (signature image, certificate) goes
to the temporary directory, which is removed at the end.

Measured, in one process:

- `import weasyprint` (portal.pdf imports it lazily, on the first render);
- the cold first render of render_pdf("pdf/certificate.html", certificate_context(signature)),
  which pays font discovery (one FontConfiguration per process), reported separately; it is
  also the warm-up;
- the same expression N times (median, p95, min);
- issuing the certificate once through the pledges.tasks.render_certificate task (render +
  SHA-256 + store), as the immediate backend does on commit after signing;
- serving the stored certificate N times: GET /sertifikat/<code>.pdf through django.test.Client
  logged in as the owner, reading the whole streamed body.

The signature is made like the tests make it (tests/pledges_helpers.make_signature, which signs
through pledges.services.sign_ikrar), with the dummy task backend while signing so the on-commit
render does not happen there and the cold render is the one timed here. --write replaces this
database's subsection of "## Sertifikat (bench/certificate.py)" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Sertifikat (bench/certificate.py)"
SITE_URL = "https://netralitas.example.go.id"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DUMMY = "django_tasks.backends.dummy.DummyBackend"
INTRO = (
    "One ikrar certificate (A4, one page: drawn signature image, inline-SVG QR code, DejaVu "
    "fonts) for a signature made through pledges.services.sign_ikrar, in one process. *Render* "
    'is `render_pdf("pdf/certificate.html", certificate_context(signature))`; the cold first '
    "render (font discovery, after `import weasyprint`) is reported on its own and is also the "
    "warm-up. *Issue* is the pledges.tasks.render_certificate task once (render + SHA-256 + "
    "store). *Serve* is `GET /sertifikat/<code>.pdf` through django.test.Client logged in as "
    "the owner, reading the whole streamed body, with the certificate already stored. "
    "Media on the local filesystem (a temporary directory)."
)


# --- Database ------------------------------------------------------------------------------


def _server(url: str):
    import psycopg2

    parts = urlparse(url)
    server = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    server.autocommit = True
    return server, parts.path.lstrip("/")


def create_database(url: str) -> None:
    """A fresh database; an existing one is dropped only if its name says it is a bench one."""
    from psycopg2 import sql

    server, name = _server(url)
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is not None:
            if not name.startswith("bench"):
                sys.exit(f"database {name!r} exists and is not a bench database; not touching it")
            cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def drop_database(url: str) -> None:
    from psycopg2 import sql

    server, name = _server(url)
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    server.close()


# --- Data ----------------------------------------------------------------------------------


def make_owner_signature():
    """An instansi, unit, employee with a user account, a campaign and a drawn ikrar, as in
    tests/conftest.py and tests/pledges_helpers.py."""
    from django.test import override_settings

    from portal.models import Employee, Instansi, Unit, User
    from tests.pledges_helpers import make_campaign, make_signature

    instansi = Instansi.objects.create(
        code="belu", kind=Instansi.Kind.KABUPATEN, name="Pemerintah Kabupaten Belu",
        place_name="Atambua", time_zone="Asia/Makassar", head_title="Bupati",
    )  # fmt: skip
    unit = Unit.objects.create(
        instansi=instansi, name="Dinas Pendidikan dan Kebudayaan", kind=Unit.Kind.DINAS
    )
    employee = Employee.objects.create(
        instansi=instansi, unit=unit, name="Maria Bere, S.Pd.", nip="198504122010031001",
        golongan="III/a", jabatan="Guru Ahli Pertama",
        jabatan_category=Employee.JabatanCategory.FUNGSIONAL, email="maria.bere@example.go.id",
    )  # fmt: skip
    user = User.objects.create_user(
        username=employee.nip, password=None, employee=employee, email=employee.email
    )
    with override_settings(TASKS={"default": {"BACKEND": DUMMY}}):
        signature = make_signature(employee, make_campaign(instansi))
    return user, signature


# --- Timing --------------------------------------------------------------------------------


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


# --- Machine and environment ---------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = "unknown RAM"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
            break
    load = os.getloadavg()[0]
    return (
        f"nproc {os.cpu_count()}, {model}, {ram}, Python {platform.python_version()}, "
        f"load average {load:.1f} at start (the machine is shared with other jobs)"
    )


def harfbuzz_subset() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status} ${Version}", "libharfbuzz-subset0"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        package = "dpkg-query not available"
    else:
        status = out.stdout.strip()
        if out.returncode == 0 and status.startswith("install ok installed"):
            package = f"installed ({status.rsplit(' ', 1)[-1]})"
        else:
            package = "not installed"
    from weasyprint.text import ffi

    used = "loaded by WeasyPrint" if ffi.harfbuzz_subset is not None else "not loaded by WeasyPrint"
    return f"{package}, {used}"


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        v = connection.pg_version
        return f"PostgreSQL {v // 10000}.{v % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (temporary file, WAL)"
    return connection.vendor


def command(args: list[str], url: str | None) -> str:
    prefix = f"DATABASE_URL={url} " if url else ""
    return f"{prefix}.venv/bin/python bench/certificate.py" + (
        " " + shlex.join(args) if args else ""
    )


# --- docs/benchmarks.md --------------------------------------------------------------------


def write_subsection(heading: str, text: str, *, section_title: str = SECTION,
                     intro: str = INTRO) -> None:  # fmt: skip
    """Replace (or add) this database's subsection inside the section, keeping the others."""
    path = ROOT / "docs" / "benchmarks.md"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    start = current.find(section_title)
    if start == -1:
        before, section, after = current.rstrip("\n") + "\n\n", "", ""
    else:
        end = current.find("\n## ", start + len(section_title))
        before = current[:start]
        section = current[start:] if end == -1 else current[start : end + 1]
        after = "" if end == -1 else current[end + 1 :]
    parts = section.split("\n### ")
    keep = [p for p in parts[1:] if p.split("\n", 1)[0].strip() != heading]
    keep.append(f"{heading}\n\n{text.strip()}\n")
    keep.sort(key=lambda p: p.split("\n", 1)[0])
    body = f"{section_title}\n\n{intro}\n\n" + "\n".join(
        "### " + p.rstrip("\n") + "\n" for p in keep
    )
    out = before + body + ("\n" + after if after else "")
    path.write_text(out.rstrip("\n") + "\n")


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (default 30)")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (or be unset for a temporary SQLite)")
    host = machine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-certificate-"))
    if url:
        create_database(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(
        VAR_DIR=str(tmp / "var"), MEDIA_ROOT=str(tmp / "media"), SITE_URL=SITE_URL,
        TASK_BACKEND=IMMEDIATE, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )  # fmt: skip
    os.environ.pop("DEFAULT_STORAGE_BACKEND", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    try:
        results = run(args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        if url:
            drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)

    print(results["table"])
    if args.write:
        write_subsection(
            "PostgreSQL" if url else "SQLite",
            f"- Machine: {host}\n"
            f"- Database: {results['database']}\n"
            f"- WeasyPrint {results['weasyprint']} (pydyf {results['pydyf']}, "
            f"Pango {results['pango']})\n"
            f"- libharfbuzz-subset0: {results['harfbuzz_subset']}\n"
            f"- N = {args.runs} timed runs each, after the cold render as warm-up\n"
            f"- PDF: {results['size']:,} bytes, {results['pages']}\n"
            f"- Command: `{command(sys.argv[1:], url)}`\n\n" + results["table"],
        )
        print(f"wrote {SECTION!r} / {'PostgreSQL' if url else 'SQLite'} to docs/benchmarks.md")


def run(runs: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    user, signature = make_owner_signature()

    assert "weasyprint" not in sys.modules, "weasyprint was imported before the timed import"
    import_s, _ = timed(lambda: __import__("weasyprint"))
    from pledges.certificates import certificate_context
    from pledges.models import Certificate
    from pledges.tasks import render_certificate
    from portal.pdf import render_pdf

    def render() -> bytes:
        return render_pdf("pdf/certificate.html", certificate_context(signature))

    assert not Certificate.objects.filter(signature=signature).exists()
    cold_s, pdf = timed(render)
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    warm = [timed(render)[0] for _ in range(runs)]

    issue_s, _ = timed(lambda: render_certificate.enqueue(signature.pk))
    cert = Certificate.objects.get(signature=signature)
    assert cert.size > 0

    client = Client()
    client.force_login(user, backend="portal.backends.UserBackend")
    path = reverse("pledges:certificate", args=[signature.code])

    def serve() -> bytes:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content)

    body = serve()  # untimed: the first request warms the URLconf, session and middleware
    assert len(body) == cert.size, (len(body), cert.size)
    served = [timed(serve)[0] for _ in range(runs)]

    from weasyprint.text.ffi import pango

    v = pango.pango_version()
    pango_version = f"{v // 10000}.{v // 100 % 100}.{v % 100}"
    rows = [
        ("`import weasyprint` (once per process)", ms(import_s), "", ""),
        ("cold first render (font discovery; = warm-up)", ms(cold_s), "", ""),
        (f"render one certificate, warm (N={runs})", ms(statistics.median(warm)),
         ms(p95(warm)), ms(min(warm))),
        ("issue once: render_certificate task (render + SHA-256 + store)", ms(issue_s), "", ""),
        (f"serve stored certificate: GET + read body (N={runs})", ms(statistics.median(served)),
         ms(p95(served)), ms(min(served))),
    ]  # fmt: skip
    table = "| step | median (or single) | p95 | min |\n|---|---|---|---|\n" + "".join(
        f"| {name} | {median} | {high} | {low} |\n" for name, median, high, low in rows
    )
    return {
        "table": table,
        "database": database_label(),
        "weasyprint": version("weasyprint"),
        "pydyf": version("pydyf"),
        "pango": pango_version,
        "harfbuzz_subset": harfbuzz_subset(),
        "size": cert.size,
        "pages": pages(body),
    }


def pages(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return "page count unknown (pypdf not installed)"
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    return f"{count} page" + ("" if count == 1 else "s")


if __name__ == "__main__":
    main()
