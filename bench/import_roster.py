"""Benchmark: import a 100,000-row roster CSV into PostgreSQL, fresh and again unchanged.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \\
        .venv/bin/python bench/import_roster.py [--write]

The database is made afresh, migrated and dropped at the end; BENCH_ROWS (default 100000)
sets the roster size. Method and results: docs/benchmarks.md, "Roster import"; --write records
the block there.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time

from lib import db
from lib import report as md
from lib.django_setup import setup
from lib.machine import machine

DEFAULT_URL = f"{db.PG_SERVER}/bench_import"
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
RUNS = 3
SECTION = "## Roster import"


def roster_csv(rows: int, seed: int = 7) -> bytes:
    from portal import demo

    rng = random.Random(seed)
    nips = demo.NipFactory(rng)
    units = [name for _, name, _ in demo.COMMON_UNITS]
    units += [f"Kecamatan {n}" for n in demo.REGIONS[0]["kecamatan"]]
    units += [f"UPTD Puskesmas {n}" for n in range(1, 40)]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["nip", "nama", "golongan", "jabatan", "kategori_jabatan", "unit", "email",
                     "telepon", "aktif"])  # fmt: skip
    for n in range(rows):
        pppk = n % 4 == 0
        golongan = rng.choice(["V", "VII", "IX"]) if pppk else rng.choice(["II/c", "III/a", "IV/a"])
        jabatan, category, _ = rng.choice(demo.STAFF_JOBS)
        writer.writerow([
            nips.make(pppk=pppk), demo._name(rng), golongan, jabatan, category,
            rng.choice(units), f"pegawai{n}@example.go.id", f"0812{n:08d}", "ya",
        ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode()


def roster_xlsx(csv_data: bytes) -> bytes:
    """The same rows as an XLSX. openpyxl writes inline strings, which read slower than the
    shared strings Excel writes, so this is the slow side of what users upload."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pegawai")
    for row in csv.reader(io.StringIO(csv_data.decode("utf-8-sig")), delimiter=";"):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed_import(instansi, data: bytes, name: str) -> tuple[float, object]:
    from portal import roster
    from portal.services import import_roster

    start = time.perf_counter()
    rows = roster.parse(data, name).rows
    result = import_roster(instansi=instansi, rows=rows, source=name)
    return time.perf_counter() - start, result


def clear(instansi) -> None:
    """Untimed: the benchmark instansi's roster goes, so the next import starts fresh."""
    from django.db import connection, transaction

    # The audit log is append-only (a trigger refuses DELETE): the benchmark owns its database
    # and lifts the triggers for its own cleanup, as only a superuser can.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in ("portal_employee", "portal_unit", "portal_auditevent"):
            cursor.execute(f"DELETE FROM {table} WHERE instansi_id = %s", [instansi.pk])  # noqa: S608


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL")
    db.create_database(url)
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Instansi

    call_command("migrate", verbosity=0)
    instansi, _ = Instansi.objects.get_or_create(
        code="bench",
        defaults={"kind": "kabupaten", "name": "Pemerintah Kabupaten Bench",
                  "place_name": "Bench", "time_zone": "Asia/Makassar", "head_title": "Bupati"},
    )  # fmt: skip
    host = machine()
    data = roster_csv(ROWS)
    xlsx = roster_xlsx(data)
    fresh, again, fresh_xlsx = [], [], []
    for _ in range(RUNS):
        clear(instansi)
        seconds, result = timed_import(instansi, data, "bench.csv")
        assert result.created == ROWS and not result.errors, result.summary()
        fresh.append(seconds)
        seconds, result = timed_import(instansi, data, "bench.csv")
        assert result.unchanged == ROWS, result.summary()
        again.append(seconds)
        clear(instansi)
        seconds, result = timed_import(instansi, xlsx, "bench.xlsx")
        assert result.created == ROWS and not result.errors, result.summary()
        fresh_xlsx.append(seconds)

    csv_label = f"{ROWS:,} rows CSV ({len(data) / 2**20:.1f} MB)"
    xlsx_label = f"{ROWS:,} rows XLSX ({len(xlsx) / 2**20:.1f} MB)"
    table = md.table(["data", "run", "median time", "throughput"], (
        (label, run, f"{statistics.median(times):.2f} s",
         f"{ROWS / statistics.median(times):,.0f} rows/s")
        for label, run, times in [
            (csv_label, "fresh import", fresh),
            (csv_label, "re-import, nothing changed", again),
            (xlsx_label, "fresh import", fresh_xlsx),
        ]
    ))  # fmt: skip
    print(table, end="")
    database = db.server_label()
    connection.close()
    db.drop_database(url)
    if args.write:
        rows = f"BENCH_ROWS={os.environ['BENCH_ROWS']} " if "BENCH_ROWS" in os.environ else ""
        md.write(SECTION, [("bench/import_roster.py", "", (
            f"- Machine: {host}\n"
            f"- Database: {database}\n"
            f"- Data: {ROWS:,} synthetic ASN (NIPs from portal.demo.NipFactory, 1 in 4 PPPK), "
            f"as a semicolon CSV with BOM ({len(data):,} bytes) and as an XLSX written by "
            f"openpyxl ({len(xlsx):,} bytes)\n"
            f"- Command: `{rows}{md.command('import_roster.py', sys.argv[1:], url)}`\n\n" + table
        ))])  # fmt: skip


if __name__ == "__main__":
    main()
