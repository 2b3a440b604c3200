"""Helpers shared by the bench scripts other than bench/certificate.py.

The database, timing and machine helpers are bench/certificate.py's, imported rather than
copied; this module adds what the others need on top: Django set up for a given DATABASE_URL,
a raw psycopg2 connection beside Django's, and a writer for one top-level "## " section of
docs/benchmarks.md.

The scripts run as `.venv/bin/python bench/<name>.py`, so this folder is on sys.path and the
modules import each other by their bare names.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from certificate import create_database, drop_database, machine, ms, p95, timed

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# The development default of portal/settings.py: seeded chains verify with a plain
# `manage.py verify_chain` against the same database.
EVIDENCE_KEY = "dev-evidence-key"

__all__ = [
    "BENCHMARKS", "EVIDENCE_KEY", "PG_SERVER", "ROOT", "create_database", "database_exists",
    "db_name", "drop_database", "machine", "ms", "p95", "pg_connect", "setup_django", "timed",
    "write_section",
]  # fmt: skip


def db_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def pg_connect(url: str, dbname: str | None = None):
    """A psycopg2 connection of its own (not Django's), e.g. for COPY from another thread."""
    import psycopg2

    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname=dbname or db_name(url),
    )  # fmt: skip


def database_exists(url: str) -> bool:
    server = pg_connect(url, "postgres")
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name(url)])
            return cursor.fetchone() is not None
    finally:
        server.close()


def setup_django(url: str, *, debug: bool | None = None) -> None:
    """django.setup() on `url`. debug=False runs as production does (DEBUG=0) with bench-only
    secrets; None keeps the environment's choice (the development default is DEBUG=1)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EVIDENCE_HMAC_KEY", EVIDENCE_KEY)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # No certificate renders or e-mails from anything a benchmark does.
    os.environ["TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if debug is False:
        os.environ.update(
            DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40,
            ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0",
        )  # fmt: skip
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def write_section(heading: str, text: str) -> None:
    """Replace the "## heading" section of docs/benchmarks.md (or append it), keeping the
    others as they are."""
    current = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    body = text.strip() + "\n"
    if not body.startswith(heading):
        body = f"{heading}\n\n{body}"
    start = current.find(f"\n{heading}\n")
    if start == -1:
        current = current.rstrip("\n") + "\n\n" + body
    else:
        end = current.find("\n## ", start + len(heading) + 1)
        rest = current[end + 1 :] if end != -1 else ""
        current = current[: start + 1] + body + ("\n" + rest if rest else "")
    BENCHMARKS.write_text(current.rstrip("\n") + "\n")
