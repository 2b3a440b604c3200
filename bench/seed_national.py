"""Seed a national-scale data set: 552 instansi, 1,000,000 ASN, an open campaign each, 60% signed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_national \\
        .venv/bin/python bench/seed_national.py [--instansi 552] [--employees 1000000] \\
        [--signed-share 0.6] [--seed 2024] [--today YYYY-MM-DD] [--writers 2] [--plain] \\
        [--fresh] [--verify] [--write]

The database (bench_national when DATABASE_URL is unset) is created if missing and migrated, and
must hold no instansi yet: --fresh drops and recreates it first (bench* names only). SQLite is
accepted up to 100,000 employees. What is made, and how: docs/benchmarks.md, "Data nasional";
the generator is bench/lib/national.py, the COPY writers bench/lib/pgcopy.py. bench/dashboard.py
calls seed() below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from dataclasses import dataclass, field

from lib import db
from lib import report as md
from lib.django_setup import setup
from lib.machine import machine
from lib.national import (
    CAMPAIGN_DAYS_AFTER,
    CAMPAIGN_DAYS_BEFORE,
    EMPLOYEE_COLUMNS,
    HEAD_COLUMNS,
    REVIEW_COLUMNS,
    SIGNATURE_COLUMNS,
    UNIT_COLUMNS,
    Batch,
    Generator,
    plan,
)
from lib.pgcopy import BulkLoad, CopyWriter, OrmWriter

SECTION = "## Data nasional (bench/seed_national.py)"
DEFAULT_URL = f"{db.PG_SERVER}/bench_national"
SQLITE_MAX = 100_000
BATCH_EMPLOYEES = 20_000


@dataclass
class Report:
    instansi: int
    employees: int
    signed_share: float
    seed: int
    today: dt.date
    wall: float = 0.0
    ready: float = 0.0  # the wall time before the verification
    phases: list[tuple[str, float, int | None]] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    verified: str = ""
    database: str = ""
    size_bytes: int | None = None

    def table(self) -> str:
        return md.table(["phase", "time", "rows", "rows/s"], (
            (name, f"{seconds:,.1f} s", f"{rows:,}" if rows else "",
             f"{rows / seconds:,.0f}" if rows and seconds else "")
            for name, seconds, rows in self.phases
        ))  # fmt: skip


def check_columns() -> None:
    """The COPY column lists must be exactly the tables' columns (a new column fails here)."""
    from pledges.models import ReviewEvent, Signature
    from portal.evidence import ChainHead
    from portal.models import Employee, Unit

    for model, columns in [(Unit, UNIT_COLUMNS), (Employee, EMPLOYEE_COLUMNS),
                           (Signature, SIGNATURE_COLUMNS), (ReviewEvent, REVIEW_COLUMNS),
                           (ChainHead, HEAD_COLUMNS)]:  # fmt: skip
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            sys.exit(f"{model._meta.db_table}: columns changed: {sorted(actual ^ set(columns))}")


def seed(*, instansi: int, employees: int, signed_share: float, seed: int = 2024,
         today: dt.date | None = None, writers: int = 2, bulk_mode: bool = True,
         verify_all: bool = False, log=print) -> Report:  # fmt: skip
    """Fill the (empty, migrated) default database. Django must be set up."""
    from django.db import connection

    from pledges.models import IKRAR_POINTS, Campaign, Signature
    from portal import nip as nip_mod
    from portal.models import Employee, Instansi, User

    if Instansi.objects.exists() or Employee.objects.exists():
        sys.exit("the database already holds instansi or employees; seed an empty one (--fresh)")
    check_columns()
    today = today or dt.date.today()
    report = Report(instansi, employees, signed_share, seed, today, database=db.server_label())
    wall = time.perf_counter()

    start = time.perf_counter()
    regions = plan(instansi, employees, seed)
    fields = ("code", "kind", "name", "place_name", "time_zone", "head_title")
    objects = Instansi.objects.bulk_create(
        [Instansi(**{f: getattr(r, f) for f in fields}) for r in regions]
    )
    opens_on = today - dt.timedelta(days=CAMPAIGN_DAYS_BEFORE)
    frozen = dt.datetime.combine(opens_on, dt.time(0), tzinfo=dt.UTC)
    campaigns = []
    for obj in objects:
        campaign = Campaign(
            instansi=obj, title="Pemilu dan Pemilihan Tahun 2024", opens_on=opens_on,
            closes_on=today + dt.timedelta(days=CAMPAIGN_DAYS_AFTER),
            ikrar_points=list(IKRAR_POINTS), frozen_at=frozen,
        )  # fmt: skip
        campaign.text_hash = campaign.compute_text_hash()
        campaigns.append(campaign)
    campaigns = Campaign.objects.bulk_create(campaigns)
    # One BKD admin per instansi: the actor of its review events (decided statuses).
    reviewers = User.objects.bulk_create(
        [
            User(
                username=f"bkd.{o.code}",
                role=User.Role.BKD,
                instansi=o,
                password="!",
                first_name=f"Admin BKD {o.place_name}",
            )
            for o in objects
        ]  # fmt: skip
    )
    report.phases.append(("instansi and campaigns (ORM bulk_create)", time.perf_counter() - start,
                          len(objects) + len(campaigns)))  # fmt: skip

    postgres = connection.vendor == "postgresql"
    bulk = BulkLoad(enabled=postgres and bulk_mode)
    start = time.perf_counter()
    bulk.begin()
    if bulk.enabled:
        report.phases.append((f"drop {len(bulk.indexes)} secondary indexes for the load",
                              time.perf_counter() - start, None))  # fmt: skip
    writer = (CopyWriter(connection.get_connection_params(), writers,
                         skip_fk_triggers=bulk.skip_fk_triggers)
              if postgres else OrmWriter())  # fmt: skip
    gen = Generator(seed=seed, signed_share=signed_share, today=today, null=writer.null)
    start = time.perf_counter()
    built = checked = 0.0
    batch, done, next_report = Batch(), 0, 0.1
    try:
        for region, obj, campaign, reviewer in zip(
            regions, objects, campaigns, reviewers, strict=True
        ):
            t = time.perf_counter()
            gen.region(region, obj, campaign, batch, reviewer)
            built += time.perf_counter() - t
            if len(batch.employees) >= BATCH_EMPLOYEES or region is regions[-1]:
                t = time.perf_counter()
                for row in batch.employees:
                    if nip_mod.parse(row[3], today=today).kind != row[4]:
                        raise AssertionError(f"NIP {row[3]} is not a {row[4]} NIP")
                checked += time.perf_counter() - t
                done += len(batch.employees)
                writer.put(batch)
                batch = Batch()
                if done >= next_report * employees:
                    elapsed = time.perf_counter() - start
                    log(f"  {done:>9,} employees, {gen.signature_id:>9,} signatures "
                        f"({elapsed:6.1f} s, {done / elapsed:,.0f} employees/s)")  # fmt: skip
                    next_report += 0.1
    finally:
        try:
            writer.close()
        finally:
            load = time.perf_counter() - start
            after_load = bulk.finish()
    sizes = sorted(r.employees for r in regions)
    report.sizes = {"min": sizes[0], "median": sizes[len(sizes) // 2], "max": sizes[-1]}
    report.stats = dict(gen.stats)
    total_rows = sum(writer.rows.values())
    pipelined = ", pipelined" if postgres else ""
    report.phases.append((f"build, hash and {writer.verb} units, employees, signatures, chain "
                          f"heads (wall{pipelined})", load, total_rows))  # fmt: skip
    report.phases.append(("- building rows and hashing (main thread)", built, None))
    report.phases.append(("- portal.nip.parse() of every NIP", checked, employees))
    threads = f", summed over {writers} writer threads" if postgres and writers > 1 else ""
    for table, seconds in writer.seconds.items():
        label = f"{writer.verb} {table}" if table in writer.rows else table
        report.phases.append((f"- {label}{threads}", seconds, writer.rows.get(table)))
    report.phases += after_load

    start = time.perf_counter()
    reset_sequences()
    report.phases.append(("reset sequences", time.perf_counter() - start, None))
    if postgres:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("portal_instansi", "portal_unit", "portal_employee",
                          "pledges_campaign", "pledges_signature", "pledges_reviewevent",
                          "portal_chainhead"):  # fmt: skip
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("SELECT pg_database_size(current_database())")
            report.size_bytes = cursor.fetchone()[0]
        report.phases.append(("VACUUM (ANALYZE)", time.perf_counter() - start, None))

    report.ready = time.perf_counter() - wall
    start = time.perf_counter()
    report.verified = verify(objects, verify_all)
    report.phases.append((f"verify: {report.verified}", time.perf_counter() - start, None))
    report.wall = time.perf_counter() - wall
    log(report.table())
    assert Signature.objects.count() == writer.rows.get("pledges_signature", 0)
    return report


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from pledges.models import ReviewEvent, Signature
    from portal.evidence import ChainHead
    from portal.models import Employee, Unit

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Unit, Employee, Signature, ReviewEvent, ChainHead]
        ):
            cursor.execute(sql)


def verify(instansi, verify_all: bool) -> str:
    """Every chain through `manage.py verify_chain`, or the first instansi's chain."""
    from django.core.management import call_command

    from pledges.models import Signature
    from portal.evidence import verify as verify_chain

    if verify_all:
        out = io.StringIO()
        call_command("verify_chain", stdout=out)  # raises CommandError on a broken chain
        lines = [line for line in out.getvalue().splitlines() if "tanda tangan" in line]
        records = sum(int(line.split(": ")[1].split()[0]) for line in lines)
        return (f"manage.py verify_chain: {len(lines)} signature chains ({records:,} records) "
                "OK")  # fmt: skip
    first = instansi[0]
    chain = Signature(instansi=first).chain_key()
    broken = verify_chain(Signature, chain)
    if broken is not None:
        raise AssertionError(f"chain {chain} broken at #{broken.seq}: {broken.reason}")
    count = Signature.objects.filter(chain=chain).count()
    return f"chain of {first.code} recomputed ({count:,} records), OK"


def block(rep: Report, command_line: str, host: str) -> str:
    """What --write records: machine, database, data, command, totals and the phase table."""
    stats = rep.stats
    ikrar = sum(v for k, v in stats.items() if k.startswith("ikrar:"))
    pakta = sum(v for k, v in stats.items() if k.startswith("pakta:"))
    mix = ", ".join(f"{k.split(':')[1]} {v:,}" for k, v in sorted(stats.items())
                    if k.startswith("ikrar:"))  # fmt: skip
    size = f", {rep.size_bytes / 2**30:.2f} GiB on disk" if rep.size_bytes else ""
    sizes = rep.sizes
    return (
        f"- Machine: {host}\n"
        f"- Database: {rep.database}{size}\n"
        f"- Data: {rep.instansi:,} instansi (employees per instansi: min {sizes['min']:,}, "
        f"median {sizes['median']:,}, max {sizes['max']:,}), {stats.get('units', 0):,} units, "
        f"{rep.employees:,} employees, {ikrar:,} ikrar signatures ({mix}; --signed-share "
        f"{rep.signed_share}) and {pakta:,} pakta, seed {rep.seed}, today {rep.today}\n"
        f"- Command: `{command_line}`\n"
        f"- Total, after migrate: {rep.ready:,.1f} s to a seeded, indexed and analysed "
        f"database ({rep.employees / rep.ready:,.0f} employees/s), "
        f"{rep.wall:,.1f} s with the verification\n\n" + rep.table()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instansi", type=int, default=552)
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--signed-share", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="campaign dates count from this day (default: today)")  # fmt: skip
    parser.add_argument("--writers", type=int, default=2, help="COPY threads (default 2)")
    parser.add_argument("--plain", action="store_true",
                        help="load with all indexes and foreign-key triggers live")  # fmt: skip
    parser.add_argument("--fresh", action="store_true", help="drop and recreate a bench* database")
    parser.add_argument("--verify", action="store_true", help="run verify_chain over all chains")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.instansi < 1 or args.employees < args.instansi or not 0 <= args.signed_share <= 1:
        parser.error("need --instansi >= 1, --employees >= --instansi, 0 <= --signed-share <= 1")

    given = "DATABASE_URL" in os.environ
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("sqlite"):
        if args.employees > SQLITE_MAX:
            sys.exit(f"SQLite is for small sizes only (up to {SQLITE_MAX:,} employees); "
                     "use PostgreSQL for the national data set")  # fmt: skip
    elif not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL")
    elif args.fresh or not db.database_exists(url):
        if args.fresh and not db.db_name(url).startswith("bench"):
            sys.exit("--fresh drops the database: only for bench* databases")
        db.create_database(url)
    host = machine()
    setup(url)
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    rep = seed(instansi=args.instansi, employees=args.employees, signed_share=args.signed_share,
               seed=args.seed, today=args.today, writers=args.writers, bulk_mode=not args.plain,
               verify_all=args.verify)  # fmt: skip
    print(f"total {rep.wall:,.1f} s")
    if args.write:
        line = md.command("seed_national.py", sys.argv[1:], url if given else None)
        md.write(SECTION, [("bench/seed_national.py", "", block(rep, line, host))])


if __name__ == "__main__":
    main()
