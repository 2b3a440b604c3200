"""The employee's pledge record on a case page: evidence that they knew the rule."""

from __future__ import annotations

from pledges.models import Signature
from portal.models import Employee


def pledge_record(employee: Employee) -> list[Signature]:
    """Every ikrar/pakta the employee signed, newest first, with its campaign."""
    return list(
        Signature.objects.filter(employee=employee)
        .exclude(kind=Signature.Kind.WITNESS)
        .select_related("campaign", "instansi")
        .order_by("-signed_at")
    )
