"""What the public verification page may say about a document: read from the evidence itself.

The page answers from the chains, not from the columns that summarise them: the status comes
from the signature's review events, and the record (with the pakta a witness copy
countersigns) must verify against its hash, its HMAC and its chain. A witness copy is only as
valid as its pakta.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Certificate, Signature


@dataclass(frozen=True)
class Attestation:
    signature: Signature
    status: str
    intact: bool
    pakta_status: str | None = None  # for a witness copy: the countersigned pakta's status

    @property
    def is_valid(self) -> bool:
        return self.intact and self.status in Signature.VALID_STATUSES

    @property
    def status_label(self) -> str:
        return Signature.Status(self.status).label


def attest(signature: Signature, certificate: Certificate | None = None) -> Attestation:
    """`certificate`: the delivered PDF an uploaded file matched; its chained record must hold
    too (a swapped file and hash do not)."""
    status = signature.status_from_reviews()
    intact = signature.is_intact() and (certificate is None or certificate.is_intact())
    if signature.kind != Signature.Kind.WITNESS:
        return Attestation(signature, status, intact)
    pakta = signature.witnessed
    pakta_status = pakta.status_from_reviews()
    if pakta_status not in Signature.VALID_STATUSES:
        status = pakta_status
    return Attestation(signature, status, intact and pakta.is_intact(), pakta_status)
