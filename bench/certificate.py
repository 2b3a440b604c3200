"""Benchmark: issue ikrar certificates (render, PDF/A-3b, PAdES seal, store) next to a bare
WeasyPrint page, and serve a stored one over HTTP.

    .venv/bin/python bench/certificate.py [--runs 30] [--write]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cert \\
        .venv/bin/python bench/certificate.py [--runs 30] [--write]

Without DATABASE_URL the benchmark runs on a throwaway SQLite file in a temporary directory; with
a PostgreSQL URL the database is created fresh (a leftover bench* database of that name is
dropped first), migrated, and dropped again at the end. Media (signature image, certificate) goes
to the temporary directory, which is removed at the end.

Measured, in one process, each N times (median, p95, min) after warm-ups:

- `import weasyprint` and the cold first render (font discovery), once;
- *bare page*: a one-page WeasyPrint document with the certificate's fonts (DejaVu Serif and
  Sans, the Noto fallbacks named) and one paragraph: the yardstick;
- *render*: the certificate template to a plain PDF (portal.pdf.html_to_pdf);
- *render, PDF/A-3b*: the same through portal.documents.render (what is sealed);
- *seal*: portal.seals.seal_pdf on those bytes (PAdES B-B, the development CA's ECDSA P-256
  seal, loaded once per process);
- *issue*: pledges.certificates.issue_certificate on N signatures not issued yet (number,
  render, PDF/A, seal, SHA-256, store): the step the background task runs after signing; its
  ratio to the bare page and the certificates per second of one process (N / wall time);
- *serve*: GET /sertifikat/<code>.pdf through django.test.Client, reading the whole body.

Signatures are made through pledges.services.sign_ikrar (tests/pledges_helpers) with the dummy
task backend, so nothing is issued before it is timed. --write replaces this database's
subsection of "## Sertifikat (bench/certificate.py)" in docs/benchmarks.md.
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
    "Ikrar certificates (A4, one page: letterhead with logo, drawn signature image, PNG "
    "QR code in the foot band, DejaVu fonts with Noto fallbacks named) for signatures made "
    "through pledges.services.sign_ikrar, in one process, next to a *bare page*: a one-page "
    "WeasyPrint document with the same fonts and one paragraph, rendered in the same run. "
    "*Render* is the certificate template to a plain PDF; *PDF/A* the same as PDF/A-3b "
    "(portal.documents.render); *seal* is pyHanko's PAdES B-B seal of those bytes "
    "(portal.seals.seal_pdf, development CA, ECDSA P-256, key loaded once per process); "
    "*issue* is pledges.certificates.issue_certificate on a signature not issued yet (number, "
    "render, PDF/A, seal, SHA-256, store): the step the background task runs after signing. "
    "*Serve* is `GET /sertifikat/<code>.pdf` through django.test.Client logged in as the "
    "owner, reading the whole streamed body. Media on the local filesystem (a temporary "
    "directory). Goals (issue #13): issue within 2.5x the bare page, 12 certificates/s.\n\n"
    "**Both goals are not met** (below: 8 certificates/s, about 9-11x the bare page). Where "
    "the time goes (cProfile of issue_certificate): WeasyPrint lays out and draws about 60 "
    "lines, a letterhead, two images and the foot band against the bare page's two lines, "
    "so the render alone is about 6x the bare page; the PAdES seal is about 16 ms (pyHanko "
    "building the CMS with asn1crypto; reserving the signature's size up front instead of "
    "pyHanko's dummy signing halved it); numbering (a locked sequence row and an insert), "
    "the context (QR code with the standard's mask selection, the signature image as JPEG), "
    "SHA-256 and the store make the rest, 15-20 ms. What already halved the render: blocks "
    "instead of tables (a table lays its text out again for intrinsic widths, worse with "
    "`overflow-wrap: anywhere` on everything), a fixed width for the foot band's margin box, "
    "two font faces, the logo and signature as JPEG and the QR code as a one-pixel-per-module "
    "PNG (WeasyPrint re-compresses every PNG with its alpha and parses an SVG path on each "
    "render). Reaching 12/s on one process needs about a third less again, most of it inside "
    "WeasyPrint (style cascade and line layout); the 2.5x ratio would need a document barely "
    "larger than the bare page. Throughput scales with worker processes (one per core)."
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


def make_signatures(campaign, count: int) -> list:
    """`count` more ikrar of the same campaign, by as many employees, none issued yet."""
    from django.test import override_settings

    from portal.models import Employee
    from tests.conftest import make_nip
    from tests.pledges_helpers import make_signature

    unit = campaign.instansi.units.get()
    signatures = []
    with override_settings(TASKS={"default": {"BACKEND": DUMMY}}):
        for i in range(count):
            employee = Employee.objects.create(
                instansi=campaign.instansi, unit=unit, name=f"Yohanes Seran {i}, S.Pd.",
                nip=make_nip(), golongan="III/a", jabatan="Guru Ahli Pertama",
            )  # fmt: skip
            signatures.append(make_signature(employee, campaign))
    return signatures


BARE_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Serif", "Noto Serif", "Noto Serif CJK SC", "Noto Naskh Arabic", serif;
       font-size: 10.5pt; }
h1 { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic", sans-serif;
     font-size: 13pt; }
</style></head><body><h1>Ikrar Netralitas</h1><p>Yang bertanda tangan di bawah ini menyatakan
berikrar untuk menjaga dan menegakkan prinsip netralitas pegawai ASN.</p></body></html>"""


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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
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
    from django.core.files.storage import default_storage

    from pledges.certificates import DENSITIES, certificate_context, issue_certificate
    from pledges.models import Certificate
    from portal import documents, seals
    from portal.pdf import html_to_pdf

    context = certificate_context(signature)
    instansi = signature.instansi
    number = "800.1.6/IKR/2026/000001"

    def bare() -> bytes:
        return html_to_pdf(BARE_PAGE)

    def render() -> bytes:
        from django.template.loader import render_to_string

        page = documents.page_context(instansi, number=number)
        html = render_to_string(
            "pdf/certificate.html", {**context, "doc": page, "density": DENSITIES[0]}
        )
        return html_to_pdf(html)

    def render_pdfa() -> bytes:
        return documents.render(
            "pdf/certificate.html", context, instansi=instansi, number=number, max_pages=1
        )

    cold_s, pdf = timed(render)
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    bare()
    seals.get_seal(instansi)  # the development CA and the seal, once per process
    pdfa = render_pdfa()
    seals.seal_pdf(pdfa, instansi, reason="warm-up")

    results = {}
    # Interleaved, so a load spike from another job on the machine hits every step alike.
    for _ in range(runs):
        for name, fn in [
            ("bare", bare),
            ("render", render),
            ("pdfa", render_pdfa),
            ("seal", lambda: seals.seal_pdf(pdfa, instansi, reason="Ikrar Netralitas")),
        ]:
            results.setdefault(name, []).append(timed(fn)[0])

    pending = make_signatures(signature.campaign, runs)
    issue_certificate(signature.pk)  # warm: numbering, storage
    issued = []
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for s in pending:
        issued.append(timed(lambda s=s: issue_certificate(s.pk))[0])
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    cert = Certificate.objects.get(signature=signature)
    assert cert.size > 0 and default_storage.exists(cert.file.name)
    assert seals.validate(cert.file.read()).ok

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
    bare_median = statistics.median(results["bare"])
    issue_median = statistics.median(issued)

    def row(label, times):
        return (f"{label} (N={len(times)})", ms(statistics.median(times)), ms(p95(times)),
                ms(min(times)), f"{statistics.median(times) / bare_median:.2f}x")  # fmt: skip

    rows = [
        ("`import weasyprint` (once per process)", ms(import_s), "", "", ""),
        ("cold first render (font discovery; = warm-up)", ms(cold_s), "", "", ""),
        row("bare one-page document, same fonts", results["bare"]),
        row("render certificate (plain PDF)", results["render"]),
        row("render certificate as PDF/A-3b", results["pdfa"]),
        row("seal (PAdES B-B) of the PDF/A bytes", results["seal"]),
        row("**issue**: number + render PDF/A + seal + SHA-256 + store", issued),
        row("serve stored certificate: GET + read body", served),
    ]  # fmt: skip
    goals = (
        f"\nIssue / bare page: **{issue_median / bare_median:.2f}x** (goal 2.5x). One process "
        f"issued {len(issued)} certificates in {wall:.2f} s wall: **{len(issued) / wall:.1f} "
        f"certificates/s** (goal 12/s), using {cpu:.2f} s of CPU: {len(issued) / cpu:.1f} "
        "certificates per CPU-second, what one worker would do on a core of its own.\n"
    )
    table = (
        "| step | median (or single) | p95 | min | / bare |\n|---|---|---|---|---|\n"
        + "".join(f"| {' | '.join(r)} |\n" for r in rows)
        + goals
    )
    return {
        "table": table,
        "database": database_label(),
        "weasyprint": version("weasyprint"),
        "pydyf": version("pydyf"),
        "pango": pango_version,
        "harfbuzz_subset": harfbuzz_subset(),
        "size": cert.size,
        "seal": seals.get_seal(instansi).subject,
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
