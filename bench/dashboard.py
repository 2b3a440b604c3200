"""Benchmark: the BKD compliance dashboard and the auditor's national page, small and national.

    .venv/bin/python bench/dashboard.py [--runs 30] [--warmup 3] [--only small|national]
        [--instansi 552] [--employees 1000000] [--slow-ms 100] [--reuse] [--keep] [--write]

Two sizes, each in its own PostgreSQL database on 127.0.0.1:5432 seeded by bench/seed_national.py:
small (bench_dashboard, one kabupaten of 3,000 ASN, dropped at the end) and national
(bench_national, --instansi and --employees; with --reuse an already seeded one is taken as it
is; dropped at the end unless --keep). Method and results: docs/benchmarks.md, "Dasbor
kepatuhan"; --write records its blocks there. The trial index of the counting queries is
created in the benchmark database and dropped again: the app itself is not changed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import warnings
from dataclasses import dataclass, field

import seed_national
from lib import db
from lib import report as md
from lib.django_setup import AUTH_BACKEND, setup
from lib.machine import machine
from lib.stats import ms, p95, timed

SECTION = "## Dasbor kepatuhan (bench/dashboard.py)"
SMALL_URL = f"{db.PG_SERVER}/bench_dashboard"
NATIONAL_URL = f"{db.PG_SERVER}/bench_national"
SMALL_EMPLOYEES = 3000
TYPICAL = 2000
GOAL_SECONDS = 1.0


@dataclass
class Page:
    size: str
    label: str
    times: list[float]
    queries: int
    query_seconds: float
    slowest: tuple[float, str]
    campaign_pk: int | None = None
    target: str = ""
    parts: list[tuple[str, list[float]]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Slow:
    page: str
    seconds: float
    sql: str
    plan: str


@dataclass
class Size:
    name: str
    data: str
    seeded: str = ""
    pages: list[Page] = field(default_factory=list)
    slow: list[Slow] = field(default_factory=list)
    alternatives: list[tuple[str, str, list[float]]] = field(default_factory=list)


def prepare(url: str, *, instansi: int, employees: int, reuse: bool) -> str:
    """A migrated, seeded database at `url`; returns how it was seeded."""
    from django.core.management import call_command

    from portal.models import Employee

    if reuse and db.database_exists(url):
        db.switch_database(url)
        count = Employee.objects.count()
        if count:
            return f"reused (already seeded, {count:,} employees)"
    db.create_database(url)
    db.switch_database(url)
    call_command("migrate", verbosity=0)
    report = seed_national.seed(instansi=instansi, employees=employees, signed_share=0.6)
    return (f"seeded in {report.ready:,.1f} s by seed_national.seed(instansi={instansi}, "
            f"employees={employees}, signed_share=0.6)")  # fmt: skip


def user(username: str, role: str, instansi=None):
    from portal.models import User

    account, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "instansi": instansi}
    )
    return account


def measure(client, path: str, *, runs: int, warmup: int, before=None) -> list[float]:
    """`runs` timed GETs after `warmup` untimed ones; `before()` runs untimed before each."""

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    times = []
    for n in range(warmup + runs):
        if before is not None:
            before()
        seconds, _ = timed(get)
        if n >= warmup:
            times.append(seconds)
    return times


def national_counts():
    """compliance.across_instansi() counted afresh (it shares its numbers through the cache
    for five minutes since 330692f; a bare list before)."""
    from django.core.cache import cache

    from pledges import compliance

    cache.clear()
    result = compliance.across_instansi()
    return result[0] if isinstance(result, tuple) else result


def capture(client, path: str, page_label: str, slow_ms: float, slow: list[Slow]):
    """One more request with its queries captured; EXPLAIN ANALYZE the slow ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    slowest = max(queries) if queries else (0.0, "")
    for seconds, sql in queries:
        if seconds * 1000 >= slow_ms and sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            slow.append(Slow(page_label, seconds, sql, plan))
            print(f"\nslow query on {page_label}: {ms(seconds)}\n{abbreviate(sql)}\n{plan}\n")
    return len(queries), sum(s for s, _ in queries), slowest


def parts_of(campaign, runs: int) -> list[tuple[str, list[float]]]:
    from pledges import compliance

    calls = [
        ("compliance.overview", lambda: compliance.overview(campaign)),
        ("compliance.unit_rows", lambda: compliance.unit_rows(campaign)),
        ("compliance.daily", lambda: compliance.daily(campaign)),
    ]
    return [(name, [timed(fn)[0] for _ in range(runs)]) for name, fn in calls]


def run_size(name: str, *, runs: int, warmup: int, slow_ms: float, national: bool) -> Size:
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from pledges.models import Campaign
    from portal.models import Employee, Instansi, Unit

    counts = dict(
        Employee.objects.active().values("instansi").annotate(n=Count("pk"))
        .values_list("instansi", "n")
    )  # fmt: skip
    total = Employee.objects.count()
    size = Size(name, f"{Instansi.objects.count():,} instansi, {total:,} employees")
    if national:
        typical = min(counts, key=lambda pk: (abs(counts[pk] - TYPICAL), pk))
        largest = max(counts, key=lambda pk: (counts[pk], -pk))
        targets = [("typical instansi", typical), ("largest instansi", largest)]
    else:
        targets = [("kabupaten", next(iter(counts)))]
    for label, pk in targets:
        instansi = Instansi.objects.get(pk=pk)
        campaign = Campaign.objects.filter(instansi=instansi).current().get()
        units = Unit.objects.filter(instansi=instansi).count()
        bkd = user(f"bench.bkd.{instansi.code}", "bkd", instansi)
        client = Client()
        client.force_login(bkd, backend=AUTH_BACKEND)
        path = reverse("pledges:dashboard", args=[campaign.pk])
        page_label = (f"BKD dashboard, {label} ({instansi.code}: {counts[pk]:,} active ASN, "
                      f"{units} units)")  # fmt: skip
        print(f"{name}: {page_label} {path}")
        times = measure(client, path, runs=runs, warmup=warmup)
        queries, query_seconds, slowest = capture(client, path, page_label, slow_ms, size.slow)
        target = f"{label} ({counts[pk]:,} active ASN)"
        page = Page(name, page_label, times, queries, query_seconds, slowest, campaign.pk, target)
        page.parts = parts_of(campaign, runs)
        size.pages.append(page)
        print(f"  median {ms(page.median)}, p95 {ms(p95(times))}, {queries} queries")

    auditor = user("bench.auditor", "auditor")
    client = Client()
    client.force_login(auditor, backend=AUTH_BACKEND)
    path = reverse("pledges:dashboard_latest")
    scope = f"{len(counts):,} instansi, {sum(counts.values()):,} active ASN"
    # The national numbers are shared through the cache for five minutes: measured once
    # counted afresh on every request (the cache emptied, untimed, before each; the sessions
    # are in the database) and once served from the cache.
    for how, before in [("counted afresh", cache.clear), ("from the cache", None)]:
        page_label = f"auditor's national page, {how} ({scope})"
        print(f"{name}: {page_label} {path}")
        times = measure(client, path, runs=runs, warmup=warmup, before=before)
        if before is not None:
            before()
        queries, query_seconds, slowest = capture(client, path, page_label, slow_ms, size.slow)
        page = Page(name, page_label, times, queries, query_seconds, slowest)
        if before is not None:
            page.parts = [("compliance.across_instansi, cache emptied",
                           [timed(national_counts)[0] for _ in range(runs)])]  # fmt: skip
        size.pages.append(page)
        print(f"  median {ms(page.median)}, p95 {ms(p95(times))}, {queries} queries")
    alternatives(size, runs)
    return size


# --- Alternatives to the slow queries (measured here only; the app is not changed) ---------

ALTERNATIVE_RUNS = 10
INACTIVE_INDEX = "bench_try_employee_inactive_idx"
INACTIVE_INDEX_SQL = f"CREATE INDEX {INACTIVE_INDEX} ON portal_employee (id) WHERE NOT is_active"


def alternatives(size: Size, runs: int) -> None:
    """The counting queries as the app has them since 330692f next to the ones before (the
    numbers asserted equal), and the national signed count with a trial partial index on
    inactive employees, created and dropped here."""
    from django.db import connection
    from django.db.models import Count, Exists, OuterRef

    from pledges.models import Campaign, Signature
    from portal.models import Employee

    runs = min(runs, ALTERNATIVE_RUNS)

    def add(numbers: str, label: str, fn, expected=None) -> None:
        value = fn()
        if expected is not None:
            assert value == expected, f"{label}: differs from the current query"
        size.alternatives.append((numbers, label, [timed(fn)[0] for _ in range(runs)]))

    for page in size.pages:
        if page.campaign_pk is None:
            continue
        campaign = Campaign.objects.get(pk=page.campaign_pk)
        numbers = f"signed count of compliance.overview, {page.target}"

        def signed_now(campaign=campaign):
            valid = Signature.objects.ikrar().valid()
            return valid.filter(campaign=campaign, employee__is_active=True).count()

        def signed_by_employee(campaign=campaign):
            active = Employee.objects.active().filter(instansi_id=campaign.instansi_id)
            return campaign.signed_among(active).count()

        add(numbers, "before 330692f: `Signature...filter(campaign=c, "
            "employee__is_active=True).count()`", signed_now)  # fmt: skip
        add(numbers, "since 330692f: `c.signed_among(Employee.objects.active().filter("
            "instansi_id=c.instansi_id)).count()`", signed_by_employee, signed_now())  # fmt: skip

    regions = national_counts()
    ids = [r.campaign_id for r in regions if r.campaign_id]
    staff_expected = {r.pk: r.staff for r in regions if r.staff}
    signed_expected = {r.campaign_id: r.signed for r in regions if r.signed}
    active = Employee.objects.active().values("instansi")
    valid = Signature.objects.ikrar().valid().filter(campaign_id__in=ids)
    inactive = Employee.objects.filter(pk=OuterRef("employee_id"), is_active=False)

    def staff(counted):
        return lambda: dict(active.annotate(n=counted).values_list("instansi", "n"))

    def signed_join():
        rows = valid.filter(employee__is_active=True).values("campaign").annotate(n=Count("pk"))
        return dict(rows.values_list("campaign", "n"))

    def signed_anti_join():
        rows = valid.exclude(Exists(inactive)).values("campaign").annotate(n=Count("*"))
        return dict(rows.values_list("campaign", "n"))

    staff_numbers = "staff per instansi (across_instansi)"
    signed_numbers = "signed per campaign (across_instansi)"
    add(staff_numbers, 'before 330692f: `Count("pk")` (reads the table)', staff(Count("pk")),
        staff_expected)  # fmt: skip
    add(staff_numbers, 'since 330692f: `Count("*")` (index-only scan of employee_scope_idx)',
        staff(Count("*")), staff_expected)  # fmt: skip
    add(signed_numbers, "before 330692f: join to portal_employee for "
        "`employee__is_active=True`", signed_join, signed_expected)  # fmt: skip
    add(signed_numbers, 'since 330692f: `.exclude(Exists(inactive employee))`, `Count("*")` '
        "(anti-join)", signed_anti_join, signed_expected)  # fmt: skip

    with connection.cursor() as cursor:
        cursor.execute(INACTIVE_INDEX_SQL)
        cursor.execute("ANALYZE portal_employee")
    try:
        add(signed_numbers, "since 330692f, with a trial index "
            f"`{INACTIVE_INDEX_SQL.split(' ON ')[1]}`", signed_anti_join,
            signed_expected)  # fmt: skip
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {INACTIVE_INDEX}")
            cursor.execute("ANALYZE portal_employee")


def table(sizes: list[Size]) -> str:
    """The pages, then the compliance functions behind them called alone."""
    pages = md.table(
        ["data", "page", "median", "p95", "min", "queries (DB time)", "slowest query"],
        ((size.name, page.label,
          ms(page.median) + ("" if page.median < GOAL_SECONDS else " (over 1 s)"),
          ms(p95(page.times)), ms(min(page.times)),
          f"{page.queries} ({ms(page.query_seconds)})", ms(page.slowest[0]))
         for size in sizes for page in size.pages),
    )  # fmt: skip
    parts = md.table(
        ["data", "page", "function, called alone", "median", "p95"],
        ((size.name, page.label.split(" (")[0], f"`{name}`", ms(statistics.median(times)),
          ms(p95(times)))
         for size in sizes for page in size.pages for name, times in page.parts),
    )  # fmt: skip
    return pages + "\n" + parts


def alternatives_table(sizes: list[Size]) -> str:
    return md.table(
        ["data", "numbers", "query", "median", "p95"],
        ((size.name, numbers, label, ms(statistics.median(times)), ms(p95(times)))
         for size in sizes for numbers, label, times in size.alternatives),
    )  # fmt: skip


def abbreviate(text: str) -> str:
    """Shorten the literal id lists (552 campaign ids) in SQL and plans to their first few."""

    def short(match: re.Match) -> str:
        items = re.split(r",\s*", match.group(2))
        return f"{match.group(1)}{', '.join(items[:3])}, ... {len(items)} ids{match.group(3)}"

    text = re.sub(r"(\()(\d+(?:, \d+){9,})(\))", short, text)
    return re.sub(r"('\{)(\d+(?:,\d+){9,})(\}')", short, text)


def slow_section(sizes: list[Size], slow_ms: float) -> str:
    found = [(size.name, s) for size in sizes for s in size.slow]
    if not found:
        return f"No query of these pages took {slow_ms:.0f} ms or more.\n"
    out = [f"Queries of {slow_ms:.0f} ms or more, with EXPLAIN (ANALYZE, BUFFERS) run right after "
           "the request:\n"]  # fmt: skip
    for name, s in found:
        out.append(f"**{name}, {s.page}: {ms(s.seconds)}**\n\n```sql\n{abbreviate(s.sql)}\n"
                   f"```\n\n```\n{abbreviate(s.plan)}\n```\n")  # fmt: skip
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--only", choices=["small", "national"])
    parser.add_argument("--instansi", type=int, default=552)
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--slow-ms", type=float, default=100.0,
                        help="EXPLAIN ANALYZE queries this slow (default 100)")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="use a seeded bench_national as is")
    parser.add_argument("--keep", action="store_true", help="keep bench_national at the end")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    host = machine()
    # WhiteNoise with DEBUG=0 looks for collectstatic's folder, which a benchmark does not need.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    plan = [("small", SMALL_URL, 1, SMALL_EMPLOYEES), ("national", NATIONAL_URL, args.instansi,
                                                       args.employees)]  # fmt: skip
    plan = [p for p in plan if args.only in (None, p[0])]
    # Django starts on the first database; db.switch_database() moves it between the two.
    setup(plan[0][1], debug=False)
    from django.db import connection
    from django.test.utils import override_settings

    # DEBUG=0 would want collectstatic's manifest for {% static %}; the page is the same.
    override_settings(
        STORAGES={"default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
                  "staticfiles": {"BACKEND":
                                  "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()  # fmt: skip

    sizes: list[Size] = []
    try:
        for name, url, instansi, employees in plan:
            national = name == "national"
            seeded = prepare(url, instansi=instansi, employees=employees,
                             reuse=args.reuse and national)  # fmt: skip
            print(f"{name}: {seeded}")
            size = run_size(name, runs=args.runs, warmup=args.warmup, slow_ms=args.slow_ms,
                            national=national)  # fmt: skip
            size.seeded = seeded
            size.data += f", {db.server_label()}"
            sizes.append(size)
            if not national:
                connection.close()
                db.drop_database(url)
    finally:
        connection.close()
        db.drop_database(SMALL_URL)
        if any(p[0] == "national" for p in plan):
            if args.keep:
                print(f"kept {NATIONAL_URL}")
            else:
                db.drop_database(NATIONAL_URL)

    pages = table(sizes)
    slow = slow_section(sizes, args.slow_ms)
    counting = (f"- Median of {min(args.runs, ALTERNATIVE_RUNS)} calls each (--runs, at most "
                f"{ALTERNATIVE_RUNS})\n\n" + alternatives_table(sizes))  # fmt: skip
    print("\n" + pages + "\n" + counting)
    if args.write:
        data = "".join(f"- Data, {s.name}: {s.data}; {s.seeded}\n" for s in sizes)
        facts = (f"- Machine: {host}\n{data}"
                 f"- N = {args.runs} requests per page after {args.warmup} warm-up requests\n"
                 f"- Command: `{md.command('dashboard.py', sys.argv[1:])}`\n\n")  # fmt: skip
        md.write(SECTION, [
            ("bench/dashboard.py", "", facts + pages),
            ("bench/dashboard.py slow queries", "Slow queries", slow),
            ("bench/dashboard.py counting queries", "Counting queries before and since 330692f",
             counting),
        ])  # fmt: skip


if __name__ == "__main__":
    main()
