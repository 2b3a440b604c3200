"""What each person has to do now: the numbers and next steps the home pages show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.models import AuditEvent, Unit, User

from . import compliance
from .access import latest_campaign
from .models import BulkExport, Campaign, ReminderRun, ReviewEvent, Signature
from .progress import pakta_units, percent

PROBLEM_DAYS = 14  # failures older than this are history, not work


@dataclass
class Step:
    """An open campaign and where this ASN stands in it."""

    campaign: Campaign
    signature: Signature | None  # the latest of theirs, valid or not
    reason: str = ""  # why it was returned or revoked

    @property
    def state(self) -> str:
        if self.signature is None:
            return "sign"
        return {
            Signature.Status.PENDING: "pending",
            Signature.Status.APPROVED: "approved",
            Signature.Status.RETURNED: "returned",
            Signature.Status.REVOKED: "revoked",
        }[self.signature.status]


def asn_steps(user: User) -> list[Step]:
    """Each open campaign with the ASN's latest ikrar in it (and the review's reason)."""
    campaigns = [
        c for c in Campaign.objects.visible_to(user).current().select_related("instansi")
        .order_by("closes_on") if c.is_open()
    ]  # fmt: skip
    latest: dict[int, Signature] = {}
    for signature in (
        Signature.objects.own(user).ikrar().filter(campaign__in=campaigns).order_by("signed_at")
    ):
        latest[signature.campaign_id] = signature
    reasons = dict(
        ReviewEvent.objects.filter(signature__in=latest.values())
        .exclude(action=ReviewEvent.Action.APPROVE)
        .order_by("seq")
        .values_list("signature_id", "reason")
    )
    steps = []
    for campaign in campaigns:
        signature = latest.get(campaign.pk)
        reason = reasons.get(signature.pk, "") if signature else ""
        steps.append(Step(campaign, signature, reason))
    return steps


def head_pakta(user: User) -> list[tuple[Campaign, Unit]]:
    """(open campaign, unit with its progress and pakta) for every unit the user heads."""
    units = list(Unit.objects.led_by(user).order_by("name"))
    if not units:
        return []
    rows = []
    for campaign in Campaign.objects.visible_to(user).current():
        if not campaign.is_open():
            continue
        found = {u.pk: u for u in pakta_units(campaign).filter(pk__in=[u.pk for u in units])}
        for unit in units:
            if unit.pk in found:
                found[unit.pk].percent = percent(found[unit.pk].signed, found[unit.pk].staff)
                rows.append((campaign, found[unit.pk]))
    return rows


@dataclass
class Compliance:
    campaign: Campaign
    overview: compliance.Overview
    zero_units: list = field(default_factory=list)
    units: int = 0

    @property
    def unsigned(self) -> int:
        return self.overview.total - self.overview.signed


def campaign_compliance(user: User) -> Compliance | None:
    campaign = latest_campaign(user)
    if campaign is None or campaign.instansi_id is None:
        return None
    rows = compliance.unit_rows(campaign)
    return Compliance(campaign, compliance.overview(campaign), compliance.zero_units(rows),
                      len(rows))  # fmt: skip


def bkd_problems(user: User) -> list[str]:
    """Recent failures the BKD should look at: mail that did not go out, rejected imports,
    bulk downloads that failed or stalled."""
    since = timezone.now() - dt.timedelta(days=PROBLEM_DAYS)
    problems = []
    runs = ReminderRun.objects.visible_to(user).filter(created_at__gte=since, failed__gt=0)
    for run in runs:
        problems.append(("reminder", run))
    events = AuditEvent.objects.visible_to(user).filter(created_at__gte=since)
    for event in events.filter(action="account.activation_emails_done", detail__failed__gt=0):
        problems.append(("activation", event))
    for event in events.filter(action="roster.import", detail__rejected=True):
        problems.append(("import", event))
    exports = BulkExport.objects.visible_to(user).filter(created_at__gte=since)
    for export in exports:
        if export.status == BulkExport.Status.FAILED or export.is_stale:
            problems.append(("export", export))
    return problems


def pending_reviews(user: User) -> int:
    return Signature.objects.reviewable_by(user).filter(status=Signature.Status.PENDING).count()


@dataclass
class PaktaSummary:
    campaign: Campaign
    units: list
    signed: list
    unsigned: list
    to_witness: list


def pakta_summary(user: User) -> PaktaSummary | None:
    """The Sekda's view: every unit's pakta, and those still waiting for a countersignature."""
    campaign = latest_campaign(user)
    if campaign is None or campaign.instansi_id is None:
        return None
    units = list(pakta_units(campaign).order_by("name"))
    signed = [u for u in units if u.pakta_status in Signature.VALID_STATUSES]
    witnessed = Signature.objects.filter(kind=Signature.Kind.WITNESS, witnessed=OuterRef("pk"))
    to_witness = list(
        Signature.objects.pakta().valid().filter(campaign=campaign)
        .exclude(Exists(witnessed.valid()))
        .exclude(Q(employee_id=user.employee_id) if user.employee_id else Q(pk__in=[]))
        .select_related("unit").order_by("unit__name")
    )  # fmt: skip
    return PaktaSummary(campaign, units, signed, [u for u in units if u not in signed],
                        to_witness)  # fmt: skip
