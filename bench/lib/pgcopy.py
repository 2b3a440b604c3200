"""Loading rows fast: COPY from writer threads, PostgreSQL's bulk-load mode, and an ORM writer
for SQLite (bench/seed_national.py)."""

from __future__ import annotations

import csv
import io
import json
import queue
import threading
import time
from collections import Counter

from lib.national import Batch

BULK_TABLES = ("portal_unit", "portal_employee", "pledges_signature")


class CopyWriter:
    """COPY batches from `threads` threads, each with its own connection and one transaction
    per batch, so PostgreSQL works while Python builds the next batch."""

    null = r"\N"
    verb = "COPY"

    def __init__(self, params: dict, threads: int = 2, *, skip_fk_triggers: bool = False) -> None:
        import psycopg2

        params = {k: v for k, v in params.items() if k != "cursor_factory"}
        self.queue: queue.Queue = queue.Queue(maxsize=threads)
        self.error: BaseException | None = None
        self.seconds: Counter = Counter()
        self.rows: Counter = Counter()
        self.lock = threading.Lock()
        self.commit = "commit" if skip_fk_triggers else "commit (deferred foreign-key checks)"
        self.threads = []
        for n in range(threads):
            conn = psycopg2.connect(**params)
            with conn.cursor() as cursor:
                # Bench data: losing the last commits in a crash is fine; no fsync waits.
                cursor.execute("SET synchronous_commit = off")
                if skip_fk_triggers:
                    # Foreign keys are then checked once, in bulk, by BulkLoad.finish().
                    cursor.execute("SET session_replication_role = replica")
            conn.commit()
            thread = threading.Thread(target=self._run, args=(conn,), name=f"copy-{n}")
            thread.start()
            self.threads.append(thread)

    def put(self, batch: Batch) -> float:
        """Hand a batch over; return the seconds spent waiting for a free writer."""
        if self.error is not None:
            self.close()
        start = time.perf_counter()
        self.queue.put(batch)
        return time.perf_counter() - start

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error

    def _run(self, conn) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(conn, batch)
                    except BaseException as exc:  # noqa: BLE001 - re-raised by put()/close()
                        self.error = exc
                        conn.rollback()
        finally:
            conn.close()

    def _write(self, conn, batch: Batch) -> None:
        seconds: Counter = Counter()
        with conn.cursor() as cursor:
            for table, columns, rows in batch.tables():
                if not rows:
                    continue
                start = time.perf_counter()
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                columns_sql = ", ".join(columns)
                cursor.copy_expert(
                    f"COPY {table} ({columns_sql}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
                seconds[table] += time.perf_counter() - start
        start = time.perf_counter()
        conn.commit()  # the deferred foreign keys are checked here, unless skipped
        seconds[self.commit] += time.perf_counter() - start
        with self.lock:
            self.seconds.update(seconds)
            self.rows.update({table: len(rows) for table, _, rows in batch.tables() if rows})


class BulkLoad:
    """PostgreSQL bulk-load mode: the loaded tables' secondary indexes (those not behind a
    primary-key or unique constraint, which stay and are enforced during the load) are dropped
    and rebuilt from their pg_get_indexdef() afterwards, and, for a superuser, the writers skip
    the per-row foreign-key triggers (session_replication_role = replica) and every foreign key
    of the loaded tables is checked once with an anti-join instead."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.skip_fk_triggers = False
        self.indexes: list[tuple[str, str]] = []
        self.phases: list[tuple[str, float, int | None]] = []

    def begin(self) -> None:
        if not self.enabled:
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.skip_fk_triggers = bool(cursor.fetchone()[0])
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [list(BULK_TABLES)],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def finish(self) -> list[tuple[str, float, int | None]]:
        """Rebuild the indexes (also after a failed load) and check the foreign keys."""
        if not self.enabled:
            return []
        from django.db import connection

        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '128MB'")
            for _name, definition in self.indexes:
                # A partial unique index (one valid ikrar per employee ...) checks its rows here.
                cursor.execute(definition.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
            self.phases.append((f"rebuild the {len(self.indexes)} secondary indexes",
                                time.perf_counter() - start, None))  # fmt: skip
            if self.skip_fk_triggers:
                start = time.perf_counter()
                checked = self.check_foreign_keys(cursor)
                self.phases.append((f"check {checked} foreign keys in bulk (anti-joins)",
                                    time.perf_counter() - start, None))  # fmt: skip
        return self.phases

    @staticmethod
    def check_foreign_keys(cursor) -> int:
        cursor.execute(
            "SELECT c.conname, c.conrelid::regclass::text, a.attname, "
            "c.confrelid::regclass::text, f.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [list(BULK_TABLES)],
        )
        keys = cursor.fetchall()
        for name, table, column, target, target_column in keys:
            # Identifiers from the catalogue, not from input.
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column})"
            )
            missing = cursor.fetchone()[0]
            if missing:
                raise AssertionError(f"{name}: {missing} rows of {table} point nowhere")
        return len(keys)


class OrmWriter:
    """SQLite (small sizes only): the same rows as model instances through bulk_create."""

    null = None
    verb = "bulk_create"

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.rows: Counter = Counter()

    def put(self, batch: Batch) -> float:
        from django.db import connection, transaction

        from pledges.models import ReviewEvent, Signature
        from portal.evidence import ChainHead
        from portal.models import Employee, Unit

        models = {"portal_unit": Unit, "portal_employee": Employee,
                  "pledges_signature": Signature, "pledges_reviewevent": ReviewEvent,
                  "portal_chainhead": ChainHead}  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            # Chain heads arrive at their full length (a head may only move one record at a
            # time): the evidence triggers stand down for the load, as the PostgreSQL writer's
            # replication role makes them.
            cursor.execute("UPDATE evidence_guard SET locked = 0")
            for table, columns, rows in batch.tables():
                start = time.perf_counter()
                model = models[table]
                objects = []
                for row in rows:
                    values = dict(zip(columns, row, strict=True))
                    if "identity" in values:
                        values["identity"] = json.loads(values["identity"])
                    objects.append(model(**values))
                model.objects.bulk_create(objects, batch_size=2000)
                self.seconds[table] += time.perf_counter() - start
                self.rows[table] += len(rows)
            cursor.execute("UPDATE evidence_guard SET locked = 1")
        return 0.0

    def close(self) -> None:
        pass
