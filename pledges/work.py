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


def open_campaigns(user: User) -> list[Campaign]:
    """The user's campaigns open today on their instansi's own calendar, closing first
    (one query: supersession is annotated, the instansi joined for its time zone)."""
    campaigns = (
        Campaign.objects.visible_to(user).current().filter(instansi__isnull=False)
        .with_supersession().select_related("instansi").order_by("closes_on", "pk")
    )  # fmt: skip
    return [c for c in campaigns if c.is_open()]


def asn_steps(user: User) -> list[Step]:
    """Each open campaign with the ASN's latest ikrar in it (and the review's reason)."""
    if not user.employee_id:
        return []
    campaigns = open_campaigns(user)
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
    for campaign in open_campaigns(user):
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


def campaign_compliance(campaign: Campaign) -> Compliance:
    """Three grouped queries, whatever the number of units and staff."""
    rows = compliance.unit_rows(campaign)
    return Compliance(campaign, compliance.overview(campaign), compliance.zero_units(rows),
                      len(rows))  # fmt: skip


def open_compliance(user: User) -> list[Compliance]:
    """Compliance of every open campaign of the user's instansi; with none open, of the
    latest one (its numbers stay the BKD's work until the next campaign)."""
    campaigns = open_campaigns(user)
    if not campaigns:
        latest = latest_campaign(user)
        campaigns = [latest] if latest is not None and latest.instansi_id else []
    return [campaign_compliance(campaign) for campaign in campaigns]


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
    for event in events.filter(action="roster.import_rejected"):
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

    @property
    def witnessed(self) -> list:
        return [u for u in self.signed if u.pakta_witnessed]


def pakta_summary(user: User, campaign: Campaign | None = None) -> PaktaSummary | None:
    """Every unit's pakta (signed, not yet, witnessed) and those still waiting for a
    countersignature: the Sekda's and the regional head's view. Two queries."""
    campaign = campaign or latest_campaign(user)
    if campaign is None or campaign.instansi_id is None:
        return None
    witnessed = Signature.objects.filter(kind=Signature.Kind.WITNESS, witnessed=OuterRef("pk"))
    witnessed_unit = Signature.objects.valid().filter(
        kind=Signature.Kind.WITNESS, witnessed__campaign=campaign,
        witnessed__unit=OuterRef("pk"), witnessed__status__in=Signature.VALID_STATUSES,
    )  # fmt: skip
    units = list(
        pakta_units(campaign).annotate(pakta_witnessed=Exists(witnessed_unit)).order_by("name")
    )
    signed = [u for u in units if u.pakta_status in Signature.VALID_STATUSES]
    to_witness = list(
        Signature.objects.pakta().valid().filter(campaign=campaign)
        .exclude(Exists(witnessed.valid()))
        .exclude(Q(employee_id=user.employee_id) if user.employee_id else Q(pk__in=[]))
        .select_related("unit").order_by("unit__name")
    )  # fmt: skip
    return PaktaSummary(campaign, units, signed, [u for u in units if u not in signed],
                        to_witness)  # fmt: skip


@dataclass
class Downloads:
    """The bulk downloads a user may start for a campaign, and the latest ones started."""

    campaign: Campaign
    kinds: list[tuple[str, str]]
    recent: list[BulkExport]


def downloads(user: User, campaign: Campaign, limit: int = 3) -> Downloads:
    kinds = BulkExport.kinds_for(user)
    recent = (
        BulkExport.objects.visible_to(user).filter(campaign=campaign)
        .select_related("instansi").order_by("-created_at")[:limit]
    )  # fmt: skip
    return Downloads(campaign, [(k, BulkExport.Kind(k).label) for k in kinds], list(recent))
