"""Demo campaigns and signatures, so the dashboard, review queue and recap have something to show.

Each region gets the 2024 campaign on the dates of the election it names (closed now), and an
open practice campaign on the same standard text to try signing live. Signatures are chained
like real ones (ChainedRecord.append), spread over each campaign's days; the demo logins
themselves are left unsigned.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from portal.audit import record
from portal.models import Employee, Instansi, Official, Unit, User

from .models import Campaign, ReminderRun, Signature, new_code
from .services import campaign_from_template, head_identity

SIGNED_SHARE = 0.6


PRACTICE_TITLE = "Latihan penandatanganan ikrar (data demo)"


def seed(instansi: Instansi, *, rng: random.Random) -> Campaign:
    """The 2024 campaign and an open practice one, both with signatures; returns the open one."""
    logins = User.objects.filter(employee__instansi_id=instansi.pk)
    keep = set(logins.values_list("employee_id", flat=True))
    seed_signatures(election_campaign(instansi), keep_unsigned=keep, rng=rng)
    campaign = open_campaign(instansi)
    if seed_signatures(campaign, keep_unsigned=keep, rng=rng):
        seed_witnesses(campaign, rng=rng)
        seed_problems(campaign)
    return campaign


def _pemilu_template() -> Campaign:
    return Campaign.objects.national_templates().filter(pakta_variant="ikrar").first()


def election_campaign(instansi: Instansi) -> Campaign:
    """The Pemilu dan Pemilihan 2024 campaign, on that election's own dates."""
    template = _pemilu_template()
    existing = Campaign.objects.filter(instansi=instansi, template=template).first()
    if existing is not None:
        return existing
    campaign = campaign_from_template(template=template, instansi=instansi)
    campaign.opens_on, campaign.closes_on = template.opens_on, template.closes_on
    campaign.save()
    return campaign


def open_campaign(instansi: Instansi) -> Campaign:
    """A practice campaign open from a week ago, so the demo can be signed right away; it names
    no election in its title, its dates being today's."""
    existing = Campaign.objects.filter(instansi=instansi, title=PRACTICE_TITLE).first()
    if existing is not None:
        return existing
    today = timezone.localdate(timezone=instansi.tz)
    campaign = campaign_from_template(template=_pemilu_template(), instansi=instansi)
    campaign.title = PRACTICE_TITLE
    campaign.opens_on = today - dt.timedelta(days=7)
    campaign.closes_on = today + dt.timedelta(days=60)
    campaign.save()
    return campaign


@transaction.atomic
def seed_signatures(campaign: Campaign, *, keep_unsigned: set[int], rng: random.Random) -> int:
    if campaign.signatures.exists():
        return 0
    tz = campaign.instansi.tz
    opened = dt.datetime.combine(campaign.opens_on, dt.time(8), tzinfo=tz)
    closed = dt.datetime.combine(campaign.closes_on, dt.time(16), tzinfo=tz)
    now = min(timezone.now(), closed)
    campaign.text_hash, campaign.frozen_at = campaign.compute_text_hash(), opened
    campaign.save(update_fields=["text_hash", "frozen_at"])
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


def seed_witnesses(campaign: Campaign, *, rng: random.Random) -> int:
    """The regional head has countersigned about half of the signed pakta, a day or two later."""
    head = Official.objects.filter(instansi_id=campaign.instansi_id, is_active=True).first()
    if head is None:
        return 0
    pakta = list(
        Signature.objects.pakta().valid().filter(campaign=campaign)
        .select_related("unit").order_by("signed_at")
    )  # fmt: skip
    count = 0
    for signature in pakta[: len(pakta) // 2]:
        identity = {**head.snapshot(), "unit": signature.unit.name,
                    "unit_id": str(signature.unit_id), "witness_of": signature.code}  # fmt: skip
        signed_at = min(signature.signed_at + dt.timedelta(hours=rng.uniform(20, 50)),
                        timezone.now())  # fmt: skip
        Signature(
            code=new_code(), kind=Signature.Kind.WITNESS, instansi_id=campaign.instansi_id,
            campaign=campaign, official=head, unit=signature.unit, witnessed=signature,
            identity=identity, text_hash=campaign.text_hash, method=Signature.Method.TYPED,
            typed_name=head.name, signed_at=signed_at, ip_address="10.0.0.10",
            user_agent="Mozilla/5.0 (Windows NT 10.0) demo",
        ).append()  # fmt: skip
        count += 1
    return count


def seed_problems(campaign: Campaign) -> None:
    """What goes wrong in a real week, for the BKD's home: a few reminder emails bounced; in
    Belu a roster file was refused for its errors."""
    bkd = User.objects.filter(role=User.Role.BKD, instansi_id=campaign.instansi_id).first()
    if bkd is None:
        return
    now = timezone.now()
    ReminderRun.objects.create(campaign=campaign, created_by=bkd, total=46, sent=43, failed=3,
                               finished_at=now)  # fmt: skip
    if campaign.instansi.code == "belu":
        record("roster.import_rejected", actor=bkd, instansi=campaign.instansi,
               target="pegawai-dinas-kesehatan.xlsx", created=0, updated=0, unchanged=0,
               error_count=12, skipped_rows=12, rejected=True)  # fmt: skip
