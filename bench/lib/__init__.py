"""Shared machinery of the benchmark scenarios in bench/ (method and results: docs/benchmarks.md).

The scenarios run as `.venv/bin/python bench/<name>.py`, so bench/ is sys.path[0] and this
package imports as `lib` (`from lib import db`); nothing is installed. Modules by concern:

- django_setup: the app's settings and WSGI module paths, Django set up for a benchmark;
- db: bench_* databases made afresh and dropped, the server's version and settings;
- machine: the machine line, CPU readings from /proc, waiting for a quiet machine;
- stats: timing, percentiles, milliseconds;
- report: markdown tables and the one writer of docs/benchmarks.md;
- procs: gunicorn, manage.py commands, free ports, children forked afresh;
- http, load: a raw HTTP/1.1 load client over asyncio and phases of virtual users;
- signers, profile: load_signing's seeded ASN and its profilers (py-spy, cProfile);
- national, pgcopy: seed_national's data generator and its COPY writers.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
