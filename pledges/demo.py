"""Demo signatures, so the dashboard, review queue and recap have something to show.

They are chained like real ones (ChainedRecord.append), with signing times spread over the
days since the campaign opened; the demo logins themselves are left unsigned to try it live.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from portal.models import Employee, Instansi, Unit, User

from .models import IKRAR_POINTS, Campaign, Signature, new_code
from .services import head_identity

SIGNED_SHARE = 0.6


def seed(instansi: Instansi, *, rng: random.Random) -> Campaign:
    """An open campaign with signatures, leaving the demo logins unsigned to try it live."""
    campaign = open_campaign(instansi)
    logins = User.objects.filter(employee__instansi_id=instansi.pk)
    keep = set(logins.values_list("employee_id", flat=True))
    seed_signatures(campaign, keep_unsigned=keep, rng=rng)
    return campaign


def open_campaign(instansi: Instansi) -> Campaign:
    """An ikrar campaign open from a week ago, so the demo can be signed right away."""
    existing = Campaign.objects.filter(instansi=instansi).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return Campaign.objects.create(
        instansi=instansi,
        title="Pemilu dan Pemilihan Tahun 2024",
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=60),
        ikrar_points=list(IKRAR_POINTS),
    )


@transaction.atomic
def seed_signatures(campaign: Campaign, *, keep_unsigned: set[int], rng: random.Random) -> int:
    if campaign.signatures.exists():
        return 0
    now = timezone.now()
    campaign.text_hash, campaign.frozen_at = campaign.compute_text_hash(), now
    campaign.save(update_fields=["text_hash", "frozen_at"])
    opened = dt.datetime.combine(campaign.opens_on, dt.time(8), tzinfo=campaign.instansi.tz)
    span = max((now - opened).total_seconds(), 3600)
    staff = Employee.objects.filter(instansi_id=campaign.instansi_id, is_active=True)
    picks = [
        e for e in staff.select_related("unit", "instansi").order_by("pk")
        if e.pk not in keep_unsigned and rng.random() < SIGNED_SHARE
    ]  # fmt: skip
    rows = [
        (opened + dt.timedelta(seconds=rng.uniform(0, span)), "ikrar", e, e.unit) for e in picks
    ]
    heads = (
        Unit.objects.filter(instansi_id=campaign.instansi_id, head__isnull=False)
        .exclude(kind=Unit.Kind.KELURAHAN)
        .exclude(head_id__in=keep_unsigned)
        .select_related("head__unit", "head__instansi")
    )
    rows += [(opened + dt.timedelta(hours=rng.uniform(1, 48)), "pakta", u.head, u)
             for u in heads if rng.random() < 0.5]  # fmt: skip
    for signed_at, kind, employee, unit in sorted(rows, key=lambda row: row[0]):
        identity = employee.snapshot() if kind == "ikrar" else head_identity(employee, unit)
        Signature(
            code=new_code(), kind=kind, instansi_id=campaign.instansi_id, campaign=campaign,
            employee=employee, unit=unit, identity=identity, text_hash=campaign.text_hash,
            method=Signature.Method.TYPED, typed_name=employee.name, signed_at=signed_at,
            ip_address=f"10.{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(1, 250)}",
            user_agent="Mozilla/5.0 (Linux; Android 11) demo",
        ).append()  # fmt: skip
    return len(rows)
