"""The benchmarks' PostgreSQL databases: made afresh, dropped, described."""

from __future__ import annotations

import sys
from urllib.parse import urlparse

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


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


def _on_server(url: str, statement, params=None) -> object:
    server = pg_connect(url, "postgres")
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone() if cursor.description else None
    finally:
        server.close()


def database_exists(url: str) -> bool:
    found = _on_server(url, "SELECT 1 FROM pg_database WHERE datname = %s", [db_name(url)])
    return found is not None


def create_database(url: str) -> None:
    """A fresh database; an existing one is dropped only if its name says it is a bench one."""
    from psycopg2 import sql

    name = db_name(url)
    if database_exists(url):
        if not name.startswith("bench"):
            sys.exit(f"database {name!r} exists and is not a bench database; not touching it")
        _on_server(url, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    _on_server(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from psycopg2 import sql

    _on_server(url, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(db_name(url))))


def server_label() -> str:
    """Django's default database: "PostgreSQL 15.20", "SQLite 3.40.1" or its vendor."""
    from django.db import connection

    if connection.vendor == "postgresql":
        v = connection.pg_version
        return f"PostgreSQL {v // 10000}.{v % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def pg_setting(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def switch_database(url: str) -> None:
    """Point Django's default connection at another database of the same server."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = db_name(url)
    connections["default"].settings_dict["NAME"] = db_name(url)


# The shared cache of the deployment (REDIS_URL): sessions, rate limits, the signing page's
# campaign and apel. The benchmarks use a Redis database of their own on the local server,
# emptied with every fresh PostgreSQL database (cached rows name primary keys that a new
# database reuses).
REDIS_SERVER = "redis://127.0.0.1:6379"


def flush_redis(url: str) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()
