"""Checkpoints of every chain head, written outside the database on a timer.

A chain proves its records are unchanged, but not that none was cut from its end: whoever can
rewrite the database can delete the newest records and rewind the head. So `anchor_chains`
writes each chain's length and head hash, with an HMAC under the evidence key (which lives in
the environment, not the database), to a storage that is not the database (a directory on
another disk, an object store with versioning) and optionally mails it. `verify_chain` then
checks the database against the latest checkpoint: a chain that is now shorter, or whose record
at the checkpointed position is another one, is named.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .evidence import ChainedRecord, ChainHead, canonical

VERSION = 1


class CheckpointError(Exception):
    """A checkpoint file that does not verify: altered, or written without the evidence key."""


@dataclass(frozen=True)
class Checkpoint:
    name: str
    written_at: dt.datetime
    heads: dict[str, tuple[int, str]]  # chain -> (records, hash of the last one)


def storage():
    return storages["checkpoints"]


def _sign(body: dict) -> str:
    return hmac.new(settings.EVIDENCE_HMAC_KEY.encode(), canonical(body), "sha256").hexdigest()


def write(*, now: dt.datetime | None = None) -> Checkpoint:
    """Record every chain head as it stands now (one consistent read of the heads table)."""
    now = now or timezone.now()
    rows = ChainHead.objects.order_by("chain").values_list("chain", "seq", "last_hash")
    heads = {chain: (seq, last) for chain, seq, last in rows}
    body = {
        "version": VERSION,
        "written_at": now,
        "chains": [{"chain": c, "seq": seq, "head": last} for c, (seq, last) in heads.items()],
    }
    content = json.loads(canonical(body))
    content["hmac"] = _sign(body)
    stamp = now.astimezone(dt.UTC)
    name = storage().save(
        f"{stamp:%Y/%m/%d}/{stamp:%Y%m%dT%H%M%S%fZ}.json",
        ContentFile(json.dumps(content, indent=1, sort_keys=True).encode()),
    )
    if settings.EVIDENCE_CHECKPOINT_EMAILS:
        _mail(name, content)
    return Checkpoint(name=name, written_at=now, heads=heads)


def _mail(name: str, content: dict) -> None:
    message = mail.EmailMessage(
        subject=f"Checkpoint rantai bukti {content['written_at']}",
        body=(
            "Lampiran ini mencatat panjang dan hash terakhir setiap rantai bukti portal. "
            "Simpan email ini: ia menjadi saksi bila catatan di basis data dihapus.\n"
        ),
        to=settings.EVIDENCE_CHECKPOINT_EMAILS,
    )
    message.attach(name.replace("/", "-"), json.dumps(content, indent=1), "application/json")
    message.send()


def latest() -> Checkpoint | None:
    """The newest checkpoint (directories are year/month/day, names sort by time)."""
    store = storage()
    path = ""
    for _depth in range(3):
        try:
            dirs, _files = store.listdir(path)
        except FileNotFoundError:  # nothing written yet
            return None
        if not dirs:
            return None
        path = f"{path}{max(dirs)}/"
    _dirs, files = store.listdir(path)
    names = sorted(f for f in files if f.endswith(".json"))
    if not names:
        return None
    return read(path + names[-1])


def read(name: str) -> Checkpoint:
    with storage().open(name, "rb") as fh:
        content = json.loads(fh.read())
    claimed = content.pop("hmac", "")
    if not hmac.compare_digest(_sign(content), claimed):
        raise CheckpointError(f"checkpoint {name} tidak cocok dengan kunci bukti")
    heads = {row["chain"]: (row["seq"], row["head"]) for row in content["chains"]}
    written = dt.datetime.fromisoformat(content["written_at"].replace("Z", "+00:00"))
    return Checkpoint(name=name, written_at=written, heads=heads)


def problems(checkpoint: Checkpoint, model: type[ChainedRecord], chain: str) -> list[str]:
    """What the database lost or changed in `chain` since `checkpoint`."""
    seq, head = checkpoint.heads.get(chain, (0, ""))
    if not seq:
        return []
    when = f"{checkpoint.written_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    records = model.objects.filter(chain=chain)
    at_checkpoint = records.filter(seq=seq).values_list("record_hash", flat=True).first()
    if at_checkpoint is None:
        last = max(records.order_by("-seq").values_list("seq", flat=True)[:1], default=0)
        return [
            f"{seq - last} catatan hilang sejak checkpoint {when} "
            f"(checkpoint mencatat #{seq}, basis data berakhir di #{last})"
        ]
    if at_checkpoint != head:
        return [f"catatan #{seq} bukan catatan yang tercatat di checkpoint {when}"]
    return []
