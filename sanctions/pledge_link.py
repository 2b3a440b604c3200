"""The employee's pledge record on a case page: evidence that they knew the rule.

The pledges app owns signatures; this module reads them lazily so the sanctions app works
(showing no record) before that app provides `pledges.models.Signature`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from portal.models import Employee


@dataclass(frozen=True)
class PledgeRecord:
    kind: str
    campaign: str
    status: str
    signed_at: datetime | None
    certificate_url: str


def signature_model():
    if not apps.is_installed("pledges"):
        return None
    from pledges import models as pledge_models

    return getattr(pledge_models, "Signature", None)


def pledge_record(employee: Employee) -> list[PledgeRecord]:
    """Every ikrar/pakta the employee signed, newest first; [] while pledges has no Signature."""
    signature = signature_model()
    if signature is None:
        return []
    rows = (
        signature.objects.filter(employee=employee)
        .select_related("campaign")
        .order_by("-signed_at")
    )
    return [
        PledgeRecord(
            kind=row.get_kind_display() if hasattr(row, "get_kind_display") else row.kind,
            campaign=str(row.campaign.title),
            status=row.get_status_display() if hasattr(row, "get_status_display") else row.status,
            signed_at=row.signed_at,
            certificate_url=_certificate_url(row.code),
        )
        for row in rows
    ]


def _certificate_url(code: str) -> str:
    try:
        return reverse("pledges:certificate", args=[code])
    except NoReverseMatch:
        return ""
