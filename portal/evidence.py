"""Append-only records, and the tamper-evident hash chains built on them.

`AppendOnly` is the base of every table whose rows are written once and never changed: audit
and download logs, case histories, certificates and the chained evidence. The ORM refuses
update and delete, and `install_guards()` (run after every `migrate`) puts a trigger on each of
their tables so that raw SQL is refused too.

`ChainedRecord` adds the hash chain (signatures, review decisions, ...): a record's hash covers
its canonical payload, its chain position and the previous record's hash; an HMAC with a key
that lives in the environment (settings.EVIDENCE_HMAC_KEY), not in the database, anchors the
chain outside the database. Appends to one chain are serialised by locking its `ChainHead` row
(PostgreSQL) or by SQLite's IMMEDIATE transactions; a unique constraint on (chain, prev_hash)
makes a fork impossible to store.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models, transaction

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"not serialisable in evidence: {type(value).__name__}")


def canonical(data: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON, UTC ISO timestamps, decimals as strings."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(field_file) -> str | None:
    """SHA-256 of a stored file, read in chunks; None when it cannot be read."""
    try:
        with field_file.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, ValueError):
        return None


def anchor(record_hash: str) -> str:
    return hmac.new(settings.EVIDENCE_HMAC_KEY.encode(), record_hash.encode(), "sha256").hexdigest()


class ChainHead(models.Model):
    """The tip of one chain; its row is the lock that serialises appends."""

    chain = models.CharField(max_length=80, unique=True)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"

    # Written in SQL: the ORM compiles a SELECT ... FOR UPDATE and an UPDATE anew on every
    # signing, a tenth of the request's CPU for two statements that never change.

    @classmethod
    def lock(cls, chain: str) -> tuple[int, str]:
        """The chain's head, locked until COMMIT: its seq and last hash. An append waiting on
        the lock reads the head its predecessor left."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(cls._sql("SELECT {seq}, {last_hash} FROM {table} WHERE {chain} = %s")
                           + lock, [chain])  # fmt: skip
            row = cursor.fetchone()
        if row is None:
            # The chain's first record: concurrent first appends create one head between them.
            cls.objects.get_or_create(chain=chain)
            return cls.lock(chain)
        return row[0], row[1]

    @classmethod
    def advance(cls, chain: str, seq: int, record_hash: str) -> None:
        """Move the locked head on to the record just inserted (seq: that record's)."""
        with connection.cursor() as cursor:
            cursor.execute(cls._sql("UPDATE {table} SET {seq} = %s, {last_hash} = %s "
                                    "WHERE {chain} = %s AND {seq} = %s"),
                           [seq, record_hash, chain, seq - 1])  # fmt: skip
            if cursor.rowcount != 1:
                raise RuntimeError(f"chain head {chain} moved while locked for #{seq}")

    @classmethod
    def _sql(cls, template: str) -> str:
        quote = connection.ops.quote_name
        names = {f.name: quote(f.column) for f in cls._meta.concrete_fields}
        return template.format(table=quote(cls._meta.db_table), **names)


class ImmutableRecord(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk update and delete are refused like the single-row ones."""

    def update(self, **kwargs):
        model = self.model
        if not set(kwargs) <= set(model.MUTABLE_FIELDS):
            raise ImmutableRecord(f"{model.__name__} rows cannot be changed")
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableRecord(f"{self.model.__name__} rows cannot be deleted")


class AppendOnly(models.Model):
    """A row written once. Subclasses with a manager of their own build it on
    AppendOnlyQuerySet."""

    # Columns that are a projection of later events and may change; none by default.
    MUTABLE_FIELDS: ClassVar[tuple[str, ...]] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            update_fields = set(kwargs.get("update_fields") or ())
            if not update_fields or not update_fields <= set(self.MUTABLE_FIELDS):
                raise ImmutableRecord(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{type(self).__name__} is append-only")

    @classmethod
    def extra_guard_sql(cls, vendor: str) -> list[str]:
        """More trigger statements for this table (e.g. a projection that must follow its
        events), installed with the guard."""
        return []


class ChainedRecord(AppendOnly):
    """Base of every evidence table. Subclasses set `chain_prefix`, have an `instansi`, and
    define `payload()`; one chain per instansi and table ("signature:12")."""

    chain_prefix: ClassVar[str]

    chain = models.CharField(max_length=80, editable=False)
    seq = models.BigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    record_hash = models.CharField(max_length=64, editable=False, unique=True)
    anchor_hmac = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="%(app_label)s_%(class)s_seq"),
            models.UniqueConstraint(
                fields=["chain", "prev_hash"], name="%(app_label)s_%(class)s_no_fork"
            ),
        ]

    def chain_key(self) -> str:
        return f"{self.chain_prefix}:{self.instansi_id}"

    @classmethod
    def chain_queryset(cls):
        """The rows as verification reads them (with what payload() reaches for)."""
        return cls.objects.all()

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def is_intact(self) -> bool:
        """This one record: its hash, its HMAC and the chain it belongs to (a record moved to
        another chain, or rewritten without the key, fails)."""
        return (
            self.chain == self.chain_key()
            and self.compute_hash() == self.record_hash
            and hmac.compare_digest(anchor(self.record_hash), self.anchor_hmac)
        )

    @classmethod
    def derived_problems(cls, chains: list[str]) -> Iterator[str]:
        """Columns of the table that must follow from the chains (e.g. a signature's status
        from its review events) and do not: one message per record."""
        return iter(())

    @classmethod
    def check_files(cls, chains: list[str]) -> tuple[int, list[str]]:
        """Stored files against the hashes the chain recorded: (files checked, problems)."""
        return 0, []

    def compute_hash(self) -> str:
        body = {
            "chain": self.chain,
            "seq": self.seq,
            "prev": self.prev_hash,
            "data": self.payload(),
        }
        return sha256_hex(canonical(body))

    def append(self) -> None:
        """Join the chain and insert. Must run inside the caller's transaction."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("ChainedRecord.append() must run inside transaction.atomic")
        self.chain = self.chain_key()
        seq, self.prev_hash = ChainHead.lock(self.chain)
        self.seq = seq + 1
        self.record_hash = self.compute_hash()
        self.anchor_hmac = anchor(self.record_hash)
        self.save(force_insert=True)
        ChainHead.advance(self.chain, self.seq, self.record_hash)


@dataclass
class ChainBreak:
    chain: str
    seq: int
    pk: Any
    reason: str


def verify(model: type[ChainedRecord], chain: str) -> ChainBreak | None:
    """Recompute one chain from its start; return the first broken record, if any."""
    prev = GENESIS
    expected_seq = 1
    rows: Iterator[ChainedRecord] = (
        model.chain_queryset().filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    )
    for record in rows:
        if record.seq != expected_seq:
            return ChainBreak(chain, expected_seq, record.pk, "urutan rantai terputus")
        if record.prev_hash != prev:
            return ChainBreak(chain, record.seq, record.pk, "hash sebelumnya tidak cocok")
        if record.chain_key() != chain:
            return ChainBreak(chain, record.seq, record.pk, "catatan dipindah dari rantai lain")
        if record.compute_hash() != record.record_hash:
            return ChainBreak(chain, record.seq, record.pk, "isi catatan berubah")
        if not hmac.compare_digest(anchor(record.record_hash), record.anchor_hmac):
            return ChainBreak(chain, record.seq, record.pk, "HMAC tidak cocok")
        prev = record.record_hash
        expected_seq += 1
    head = ChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        return ChainBreak(chain, expected_seq, None, "catatan terakhir hilang")
    return None


def guard_sql(table: str, columns: list[str], mutable: tuple[str, ...] = ()) -> tuple[str, str]:
    """(PostgreSQL, SQLite) SQL for triggers that reject UPDATE of evidence columns and DELETE.

    The SQLite triggers stand down only while the one-row table `evidence_guard` says so: the
    test runner's flush of transactional tests sets it (tests/conftest.py). It is not a Django
    model, so flush never empties it.
    """
    frozen = [c for c in columns if c not in mutable]
    excluded = "".join(f" - '{c}'" for c in mutable)
    postgres = f"""
CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'evidence in {table} cannot be deleted';
  END IF;
  IF (to_jsonb(NEW){excluded}) IS DISTINCT FROM (to_jsonb(OLD){excluded}) THEN
    RAISE EXCEPTION 'evidence in {table} cannot be changed';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_guard ON {table};
CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_guard();
"""
    on = "(SELECT locked FROM evidence_guard) IS NOT 0"
    # Table and column names come from model metadata, never from input.
    sqlite = f"""
CREATE TABLE IF NOT EXISTS evidence_guard (locked integer NOT NULL);
INSERT INTO evidence_guard (locked) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM evidence_guard);
DROP TRIGGER IF EXISTS {table}_no_update;
CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {", ".join(frozen)} ON {table}
  WHEN {on} BEGIN SELECT RAISE(ABORT, 'evidence in {table} cannot be changed'); END;
DROP TRIGGER IF EXISTS {table}_no_delete;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
  WHEN {on} BEGIN SELECT RAISE(ABORT, 'evidence in {table} cannot be deleted'); END;
"""
    return postgres, sqlite


def install_guard(schema_editor, model: type[models.Model], mutable: tuple[str, ...] = ()) -> None:
    """For a RunPython step (pledges migration 0002 guards its historical models with it)."""
    _guard(schema_editor.connection, model, mutable)


def lift_guard(schema_editor, table: str) -> None:
    """For a migration that must fill new columns of rows already guarded: drop the table's
    triggers; post_migrate (install_guards) puts them back over the new columns."""
    statements = (
        [f"DROP TRIGGER IF EXISTS {table}_guard ON {table}"]
        if schema_editor.connection.vendor == "postgresql"
        else [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    )
    for statement in statements:
        schema_editor.execute(statement)


def _guard(connection, model: type[models.Model], mutable: tuple[str, ...]) -> None:
    columns = [f.column for f in model._meta.concrete_fields]
    postgres, sqlite = guard_sql(model._meta.db_table, columns, mutable)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(postgres)
        elif connection.vendor == "sqlite":
            for statement in filter(str.strip, sqlite.split(";\n")):
                cursor.execute(statement)


def chain_head_guard_sql(vendor: str) -> list[str]:
    """A chain head only moves forward one record at a time and is never deleted, so a chain
    cannot be rewound from inside the application's own SQL."""
    table = ChainHead._meta.db_table
    if vendor == "postgresql":
        return [
            f"""
CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'chain heads cannot be deleted';
  END IF;
  IF TG_OP = 'INSERT' AND (NEW.seq <> 0 OR NEW.last_hash <> '{GENESIS}') THEN
    RAISE EXCEPTION 'a chain starts empty';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.chain IS DISTINCT FROM OLD.chain OR NEW.seq <> OLD.seq + 1) THEN
    RAISE EXCEPTION 'a chain head only moves forward one record at a time';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_guard ON {table};
CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_guard();
"""
        ]
    on = "(SELECT locked FROM evidence_guard) IS NOT 0"
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {on}
  BEGIN SELECT RAISE(ABORT, 'chain heads cannot be deleted'); END""",
        f"DROP TRIGGER IF EXISTS {table}_forward",
        f"""CREATE TRIGGER {table}_forward BEFORE UPDATE ON {table}
  WHEN {on} AND (NEW.chain IS NOT OLD.chain OR NEW.seq IS NOT OLD.seq + 1)
  BEGIN SELECT RAISE(ABORT, 'a chain head only moves forward one record at a time'); END""",
        f"DROP TRIGGER IF EXISTS {table}_starts_empty",
        f"""CREATE TRIGGER {table}_starts_empty BEFORE INSERT ON {table}
  WHEN {on} AND (NEW.seq IS NOT 0 OR NEW.last_hash IS NOT '{GENESIS}')
  BEGIN SELECT RAISE(ABORT, 'a chain starts empty'); END""",
    ]


def chained_models() -> list[type[ChainedRecord]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, ChainedRecord)]


def append_only_models() -> list[type[AppendOnly]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, AppendOnly)]


def install_guards(using: str = "default", **_signal_kwargs) -> None:
    """Guard every AppendOnly table that exists on this database. Connected to post_migrate,
    so a new append-only model is guarded without a migration of its own."""
    from django.db import connections

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for model in append_only_models():
            if model._meta.db_table in tables:
                _guard(connection, model, model.MUTABLE_FIELDS)
                for statement in model.extra_guard_sql(connection.vendor):
                    cursor.execute(statement)
        if ChainHead._meta.db_table in tables:
            for statement in chain_head_guard_sql(connection.vendor):
                cursor.execute(statement)
