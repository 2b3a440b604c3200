"""Benchmark: the bulk ZIP of every stored ikrar certificate of a campaign (pledges.bulk.build).

    .venv/bin/python bench/bulk_download.py [--sizes 800,3200] [--runs 3] [--write]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bulk \\
        .venv/bin/python bench/bulk_download.py [--sizes 800,3200] [--runs 3] [--write]

Without DATABASE_URL it runs on a throwaway SQLite file; with a PostgreSQL URL that database is
made afresh and dropped at the end. Each build runs in a fresh child process (this script with
--child) so that its memory figures are its own. Method and results: docs/benchmarks.md,
"Unduhan massal"; --write records this database's block there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from lib import ROOT, db
from lib import report as md
from lib.django_setup import DUMMY_TASKS, configure
from lib.machine import machine, reset_peak_rss, vm_rss_kib
from lib.procs import run_forked

SECTION = "## Unduhan massal (bench/bulk_download.py)"
UNITS = 40
SIGN_BATCH = 400
SAMPLE = 100


# --- Data ----------------------------------------------------------------------------------


def make_kabupaten(count: int):
    """An instansi with 40 units, `count` employees spread over them, an open campaign and a
    BKD admin (the export's created_by)."""
    from django.db import transaction

    from portal import demo
    from portal.models import Employee, Instansi, Unit, User
    from tests.pledges_helpers import make_campaign

    rng = random.Random(7)
    nips = demo.NipFactory(rng)
    with transaction.atomic():
        instansi = Instansi.objects.create(
            code="belu", kind=Instansi.Kind.KABUPATEN, name="Pemerintah Kabupaten Belu",
            place_name="Atambua", time_zone="Asia/Makassar", head_title="Bupati",
        )  # fmt: skip
        kinds = [(kind, name) for kind, name, _ in demo.COMMON_UNITS]
        kinds += [(Unit.Kind.KECAMATAN, f"Kecamatan {n}") for n in demo.REGIONS[0]["kecamatan"]]
        n = 1
        while len(kinds) < UNITS:
            kinds.append((Unit.Kind.OTHER, f"UPTD Puskesmas {n}"))
            n += 1
        units = [Unit.objects.create(instansi=instansi, kind=k, name=name) for k, name in kinds]
        employees = []
        for i in range(count):
            pppk = i % 4 == 3
            employees.append(
                Employee.objects.create(
                    instansi=instansi,
                    unit=units[i % UNITS],
                    name=f"Pegawai Uji {i + 1:04d}",
                    nip=nips.make(pppk=pppk),
                    golongan="IX" if pppk else "III/a",
                    jabatan="Guru Ahli Pertama",
                    jabatan_category=Employee.JabatanCategory.FUNGSIONAL,
                )  # fmt: skip
            )
        campaign = make_campaign(instansi)
        admin = User.objects.create_user(
            username="bkd-belu", password=None, role=User.Role.BKD, instansi=instansi
        )
    return instansi, campaign, admin, employees


def sign_all(campaign, employees) -> list:
    """sign_ikrar for each employee, SIGN_BATCH to a transaction; the signatures."""
    from django.db import transaction

    from pledges.services import sign_ikrar
    from tests.pledges_helpers import drawn_input

    data = drawn_input()
    signatures = []
    for start in range(0, len(employees), SIGN_BATCH):
        with transaction.atomic():
            for employee in employees[start : start + SIGN_BATCH]:
                signatures.append(sign_ikrar(employee=employee, campaign=campaign, data=data))
    return signatures


def store_copies(signatures, pdf: bytes) -> None:
    """A Certificate for each signature: the real PDF plus a unique trailing comment."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    from pledges.models import Certificate

    for start in range(0, len(signatures), SIGN_BATCH):
        rows = []
        for signature in signatures[start : start + SIGN_BATCH]:
            data = pdf + f"\n%bench {signature.code}\n".encode()
            certificate = Certificate(
                signature=signature, instansi_id=signature.instansi_id,
                sha256=hashlib.sha256(data).hexdigest(), size=len(data),
            )  # fmt: skip
            certificate.file.save(f"{signature.code}.pdf", ContentFile(data), save=False)
            rows.append(certificate)
        with transaction.atomic():
            for certificate in rows:  # each joins the instansi's certificate chain
                certificate.append()


# --- One build, in a child process ---------------------------------------------------------


def child(export_id: int, trace: bool) -> None:
    """Run build(export_id) once and print its figures as one JSON line."""
    import django

    django.setup()
    from pledges import bulk
    from pledges.models import BulkExport

    BulkExport.objects.get(pk=export_id)  # the connection open and the ORM warm
    reset = reset_peak_rss()
    rss_before = vm_rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    bulk.build(export_id)
    seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_reset": reset,
                "rss_before_kib": rss_before,
                "maxrss_before_kib": peak_before,
                "maxrss_after_kib": peak_after,
                "traced_peak_bytes": traced_peak,
            }
        )
    )


def run_child(export, trace: bool = False) -> dict:
    """One build in a fresh process; the previous ZIP of this export is deleted afterwards."""
    from django.db import connections

    previous = export.file.name
    connections.close_all()
    # Forked by a shell, so that its ru_maxrss does not start from this process's (~80 MiB).
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", str(export.pk)]
    out = run_forked(argv + (["--trace"] if trace else []))
    if out.returncode != 0:
        sys.exit(f"child build failed:\n{out.stderr}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    export.refresh_from_db()
    if previous and previous != export.file.name:
        export.file.storage.delete(previous)
    return figures


# --- Verification --------------------------------------------------------------------------


def verify(export, count: int) -> None:
    from pledges.models import BulkExport, Certificate

    assert export.status == BulkExport.Status.DONE, (export.status, export.error)
    assert export.total == export.done == count, (export.total, export.done)
    digests = dict(
        Certificate.objects.filter(signature__campaign=export.campaign).values_list(
            "signature__code", "sha256"
        )
    )
    assert len(digests) == count, len(digests)
    with export.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        infos = archive.infolist()
        assert len(infos) == count, len(infos)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        assert archive.testzip() is None, "bad CRC"
        codes = {i.filename.rsplit("-", 1)[1].removesuffix(".pdf"): i for i in infos}
        assert codes.keys() == digests.keys(), "entry names do not match the signature codes"
        for code in random.Random(count).sample(sorted(codes), min(SAMPLE, count)):
            digest = hashlib.sha256(archive.read(codes[code])).hexdigest()
            assert digest == digests[code], (code, digest, digests[code])


# --- Run -----------------------------------------------------------------------------------


def run(sizes: list[int], runs: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from pledges.certificates import issue_certificate
    from pledges.models import BulkExport

    call_command("migrate", verbosity=0)
    setup = {"sign": 0.0, "copies": 0.0}
    start = time.perf_counter()
    instansi, campaign, admin, employees = make_kabupaten(sizes[-1])
    setup["employees"] = time.perf_counter() - start
    signed_before = 0
    pdf = b""
    rows = []
    for size in sizes:
        start = time.perf_counter()
        signed = sign_all(campaign, employees[signed_before:size])
        setup["sign"] += time.perf_counter() - start
        if not pdf:
            start = time.perf_counter()
            certificate = issue_certificate(signed[0].pk)
            setup["render"] = time.perf_counter() - start
            with certificate.file.open("rb") as fh:
                pdf = fh.read()
            signed = signed[1:]
        start = time.perf_counter()
        store_copies(signed, pdf)
        setup["copies"] += time.perf_counter() - start
        signed_before = size

        export = BulkExport.objects.create(
            instansi=instansi, campaign=campaign, kind=BulkExport.Kind.IKRAR_ZIP, created_by=admin
        )
        timed_runs = [run_child(export) for _ in range(runs)]
        traced = run_child(export, trace=True)
        verify(export, size)
        rows.append(row(size, export.file.size, timed_runs, traced))
        print(rows[-1]["line"], flush=True)
    return {
        "database": db.server_label(),
        "pdf": len(pdf),
        "setup": setup,
        "rows": rows,
        "table": table(rows, runs),
        "slope": slope(rows) if len(rows) > 1 else "",
    }


def row(size: int, zip_bytes: int, runs: list[dict], traced: dict) -> dict:
    times = [r["seconds"] for r in runs]
    growth = [r["maxrss_after_kib"] - r["maxrss_before_kib"] for r in runs]
    widest = max(runs, key=lambda r: r["maxrss_after_kib"] - r["maxrss_before_kib"])
    reset = "" if all(r["peak_reset"] for r in runs) else " (high-water mark not reset)"
    median = statistics.median(times)
    cells = [
        f"{size:,}",
        f"{zip_bytes / 2**20:,.1f} MiB ({zip_bytes:,} bytes)",
        f"{median:,.2f} s",
        f"{min(times):,.2f}–{max(times):,.2f} s",
        f"{size / median:,.0f} files/s, {zip_bytes / 2**20 / median:,.0f} MiB/s",
        f"{widest['maxrss_before_kib'] / 1024:,.1f} → {widest['maxrss_after_kib'] / 1024:,.1f} MiB",
        " / ".join(f"{g / 1024:,.1f}" for g in growth) + " MiB" + reset,
        f"{traced['traced_peak_bytes'] / 2**20:,.2f} MiB",
    ]
    return {
        "size": size,
        "rss_growth_kib": max(growth),
        "traced_peak_bytes": traced["traced_peak_bytes"],
        "cells": cells,
        "line": " | ".join(cells),
    }


def slope(rows: list[dict]) -> str:
    """How much the peaks grow per certificate added between the smallest and largest size."""
    first, last = rows[0], rows[-1]
    added = last["size"] - first["size"]
    rss = (last["rss_growth_kib"] - first["rss_growth_kib"]) / added
    traced = (last["traced_peak_bytes"] - first["traced_peak_bytes"]) / 1024 / added
    return (
        f"from {first['size']:,} to {last['size']:,} certificates the peak RSS growth changes by "
        f"{rss:,.1f} KiB and the tracemalloc peak by {traced:,.1f} KiB per certificate added"
    )


def table(rows: list[dict], runs: int) -> str:
    head = [
        "certificates", "ZIP size", f"build median (N={runs})", "min–max", "throughput",
        "ru_maxrss before → after (largest run)", "peak RSS growth, each run",
        "tracemalloc peak",
    ]  # fmt: skip
    return md.table(head, (r["cells"] for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes", default="800,3200", help="certificate counts, ascending (default 800,3200)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed builds per size (default 3)")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.trace)
        return
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes must be comma-separated integers")
    if sizes != sorted(set(sizes)) or sizes[0] < 1:
        parser.error("--sizes must be positive and strictly ascending")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (or be unset for a temporary SQLite)")
    host = machine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    if url:
        db.create_database(url)
    # The environment is inherited by the child processes.
    configure(url or f"sqlite:///{tmp / 'bench.sqlite3'}", tasks=DUMMY_TASKS, tmp=tmp)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p
    )
    try:
        results = run(sizes, args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        if url:
            db.drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)

    setup = results["setup"]
    data = (
        f"{sizes[-1]:,} employees over {UNITS} units, signed through sign_ikrar in transactions "
        f"of {SIGN_BATCH} ({setup['sign']:.1f} s in all); 1 certificate rendered "
        f"({results['pdf']:,} bytes, {setup['render']:.2f} s), the others stored as copies "
        f"({setup['copies']:.1f} s)"
    )
    print(f"\n{data}\n{results['slope']}\n\n{results['table']}")
    if args.write:
        vendor = "PostgreSQL" if url else "SQLite"
        database = results["database"] + ("" if url else " (temporary file, WAL)")
        text = (
            f"- Machine: {host}\n"
            f"- Database: {database}\n"
            f"- Data: {' and '.join(f'{s:,}' for s in sizes)} certificates; {data}\n"
            f"- Command: `{md.command('bulk_download.py', sys.argv[1:], url)}`\n"
            + (f"- Memory against size: {results['slope']}\n" if results["slope"] else "")
            + "\n"
            + results["table"]
        )
        md.write(SECTION, [(f"bench/bulk_download.py {vendor}", vendor, text)])


if __name__ == "__main__":
    main()
