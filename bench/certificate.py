"""Benchmark: issue ikrar certificates (number, render, PDF/A-3b, PAdES seal, store) next to a
bare one-page WeasyPrint document in the same run, and serve a stored one over HTTP.

    .venv/bin/python bench/certificate.py [--runs 30] [--instructions 5] [--write]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cert \\
        .venv/bin/python bench/certificate.py [--runs 30] [--instructions 5] [--write]

Without DATABASE_URL it runs on a throwaway SQLite file; with a PostgreSQL URL that database is
made afresh and dropped at the end. --instructions N also counts, under valgrind's callgrind,
the instructions of N bare pages and N issues in a second process (on a database of its own):
a figure that other jobs on a shared machine do not move. Method and results:
docs/benchmarks.md, "Sertifikat"; --write records this database's block there.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from lib import db
from lib import report as md
from lib.django_setup import AUTH_BACKEND, DUMMY_TASKS, IMMEDIATE_TASKS, configure
from lib.machine import machine
from lib.stats import ms, p95, timed

SECTION = "## Sertifikat (bench/certificate.py)"
BARE_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Serif", "Noto Serif", "Noto Serif CJK SC", "Noto Naskh Arabic", serif;
       font-size: 10.5pt; }
h1 { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic", sans-serif;
     font-size: 13pt; }
</style></head><body><h1>Ikrar Netralitas</h1><p>Yang bertanda tangan di bawah ini menyatakan
berikrar untuk menjaga dan menegakkan prinsip netralitas pegawai ASN.</p></body></html>"""


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
    with override_settings(TASKS={"default": {"BACKEND": DUMMY_TASKS}}):
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
    with override_settings(TASKS={"default": {"BACKEND": DUMMY_TASKS}}):
        for i in range(count):
            employee = Employee.objects.create(
                instansi=campaign.instansi, unit=unit, name=f"Yohanes Seran {i}, S.Pd.",
                nip=make_nip(), golongan="III/a", jabatan="Guru Ahli Pertama",
            )  # fmt: skip
            signatures.append(make_signature(employee, campaign))
    return signatures


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


def pages(pdf: bytes) -> str:
    from pypdf import PdfReader

    count = len(PdfReader(io.BytesIO(pdf)).pages)
    return f"{count} page" + ("" if count == 1 else "s")


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
    from django.template.loader import render_to_string
    from django.utils import translation

    from pledges.certificates import DENSITIES, certificate_context, issue_certificate
    from pledges.models import Certificate
    from portal import documents, seals, stamping
    from portal.pdf import html_to_pdf

    context = certificate_context(signature)
    instansi = signature.instansi
    number = "800.1.6/IKR/2026/000001"

    def bare() -> bytes:
        return html_to_pdf(BARE_PAGE)

    def render() -> bytes:
        page = documents.page_context(instansi, number=number)
        html = render_to_string(
            "pdf/certificate.html", {**context, "doc": page, "density": DENSITIES[0]}
        )
        return html_to_pdf(html)

    def render_pdfa() -> bytes:
        return documents.render(
            "pdf/certificate.html", context, instansi=instansi, number=number, max_pages=1
        )

    def blank_page() -> object:
        """The campaign's blank page, laid out afresh (once per process and template)."""
        slots: dict = {}
        page = documents.page_context(instansi, number=number)
        with translation.override("id"):
            html = render_to_string("pdf/certificate.html", {
                **context, "doc": page, "density": 0, stamping.SLOTS: slots,
            })  # fmt: skip
        return documents._blank_page.__wrapped__(html)

    def stamp() -> bytes:
        issued = documents.issue_stamped(
            "pdf/certificate.html", context, instansi=instansi, number=number, reason="Ikrar"
        )
        assert issued is not None, "the benchmark's certificate must be stamped"
        return issued.pdf

    cold_s, pdf = timed(render)
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    bare()
    seals.get_seal(instansi)  # the development CA and the seal, once per process
    pdfa = render_pdfa()
    seals.seal_pdf(pdfa, instansi, reason="warm-up")

    times: dict[str, list[float]] = {}
    # Interleaved, so a load spike from another job on the machine hits every step alike.
    for _ in range(runs):
        for name, fn in [
            ("bare", bare),
            ("render", render),
            ("pdfa", render_pdfa),
            ("seal", lambda: seals.seal_pdf(pdfa, instansi, reason="Ikrar Netralitas")),
            ("blank", blank_page),
            ("stamp", stamp),
        ]:
            times.setdefault(name, []).append(timed(fn)[0])

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
    client.force_login(user, backend=AUTH_BACKEND)
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
    bare_median = statistics.median(times["bare"])
    issue_median = statistics.median(issued)

    def row(label, values):
        return (f"{label} (N={len(values)})", ms(statistics.median(values)), ms(p95(values)),
                ms(min(values)), f"{statistics.median(values) / bare_median:.2f}x")  # fmt: skip

    rows = [
        ("`import weasyprint` (once per process)", ms(import_s), "", "", ""),
        ("cold first render (font discovery; = warm-up)", ms(cold_s), "", "", ""),
        row("bare one-page document, same fonts", times["bare"]),
        row("render certificate (plain PDF)", times["render"]),
        row("render certificate as PDF/A-3b", times["pdfa"]),
        row("seal (PAdES B-B) of the PDF/A bytes", times["seal"]),
        row("lay out the campaign's blank page (once per process and template)", times["blank"]),
        row("stamp values into the blank page + seal", times["stamp"]),
        row("**issue**: number + stamp (or render) + seal + SHA-256 + store", issued),
        row("serve stored certificate: GET + read body", served),
    ]  # fmt: skip
    goals = (
        f"\nIssue / bare page: **{issue_median / bare_median:.2f}x**. One process issued "
        f"{len(issued)} certificates in {wall:.2f} s wall: **{len(issued) / wall:.1f} "
        f"certificates/s**, using {cpu:.2f} s of CPU ({1000 * cpu / len(issued):.0f} ms each): "
        f"**{len(issued) / cpu:.1f} certificates per CPU-second**, what one worker does on a "
        f"core of its own. Load average {os.getloadavg()[0]:.1f} at the end of the timed runs.\n"
    )
    database = db.server_label()
    return {
        "table": md.table(["step", "median (or single)", "p95", "min", "/ bare"], rows) + goals,
        "database": database + (" (temporary file, WAL)" if database.startswith("SQLite") else ""),
        "weasyprint": version("weasyprint"),
        "pydyf": version("pydyf"),
        "pango": f"{v // 10000}.{v // 100 % 100}.{v % 100}",
        "harfbuzz_subset": harfbuzz_subset(),
        "size": cert.size,
        "seal": seals.get_seal(instansi).subject,
        "pages": pages(body),
    }


# --- Instructions (valgrind callgrind) -------------------------------------------------------


def _callgrind(*args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(os.getpid())], capture_output=True, check=True)


def callgrind_child(runs: int) -> None:
    """Run under `valgrind --tool=callgrind --instr-atstart=no`: set up as run() does, then count
    `runs` bare pages (first dump) and `runs` issues (second dump), nothing else."""
    import django

    django.setup()
    from django.core.management import call_command

    from pledges.certificates import issue_certificate
    from portal.pdf import html_to_pdf

    call_command("migrate", verbosity=0)
    _user, signature = make_owner_signature()
    issue_certificate(signature.pk)  # warm: fonts, seal, numbering
    html_to_pdf(BARE_PAGE)
    pending = make_signatures(signature.campaign, runs)
    _callgrind("-i", "on")
    for _ in range(runs):
        html_to_pdf(BARE_PAGE)
    _callgrind("-d")
    for s in pending:
        issue_certificate(s.pk)
    _callgrind("-d")
    _callgrind("-i", "off")


def instructions(runs: int, url: str | None, tmp: Path) -> dict[str, float]:
    """Instructions per bare page and per issue, from a callgrind run of callgrind_child."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (Debian package valgrind)")
    env = dict(os.environ)
    if url:
        child_url = url.rstrip("/") + "_cg"
        db.create_database(child_url)
    else:
        child_url = f"sqlite:///{tmp / 'callgrind.sqlite3'}"
    env["DATABASE_URL"] = child_url
    out = tmp / "callgrind.out"
    try:
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
             sys.executable, __file__, "--callgrind-child", str(runs)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    finally:
        if url:
            db.drop_database(child_url)
    totals = []
    for dump in sorted(tmp.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:])):
        text = dump.read_text(errors="replace")
        totals.append(int(re.search(r"^(?:totals|summary): (\d+)", text, re.M).group(1)))
    bare, issue = totals[0], totals[1]
    return {"bare": bare / runs, "issue": issue / runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (default 30)")
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="also count the instructions of N bare pages and N issues",
    )
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--callgrind-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.callgrind_child:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        return callgrind_child(args.callgrind_child)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (or be unset for a temporary SQLite)")
    host = machine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-certificate-"))
    if url:
        db.create_database(url)
    configure(url or f"sqlite:///{tmp / 'bench.sqlite3'}", tasks=IMMEDIATE_TASKS, tmp=tmp)
    try:
        results = run(args.runs)
        if args.instructions:
            counted = instructions(args.instructions, url, tmp)
            results["table"] += (
                f"\nInstructions (valgrind callgrind, N={args.instructions} each, in a process of "
                f"its own): bare page {counted['bare'] / 1e6:.1f} M, **issue "
                f"{counted['issue'] / 1e6:.1f} M = {counted['issue'] / counted['bare']:.2f}x** "
                "the bare page.\n"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if url:
            db.drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)

    print(results["table"])
    if args.write:
        vendor = "PostgreSQL" if url else "SQLite"
        text = (
            f"- Machine: {host}\n"
            f"- Database: {results['database']}\n"
            f"- WeasyPrint {results['weasyprint']} (pydyf {results['pydyf']}, "
            f"Pango {results['pango']})\n"
            f"- libharfbuzz-subset0: {results['harfbuzz_subset']}\n"
            f"- Seal: {results['seal']} (development CA, ECDSA P-256)\n"
            f"- N = {args.runs} timed runs each, after the cold render as warm-up\n"
            f"- PDF: {results['size']:,} bytes, {results['pages']}\n"
            f"- Command: `{md.command('certificate.py', sys.argv[1:], url)}`\n\n" + results["table"]
        )
        md.write(SECTION, [(f"bench/certificate.py {vendor}", vendor, text)])


if __name__ == "__main__":
    main()
