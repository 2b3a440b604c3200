"""Per-unit numbers for one campaign: ikrar progress and pakta status, in one query."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import Employee, Unit

from .models import Apel, Campaign, Signature


def units_with_progress(campaign: Campaign, units=None):
    """Units of the campaign's instansi with `staff`, `signed`, and the latest pakta's
    `pakta_code`, `pakta_status`, `pakta_signed_at` (the newest is always the current one:
    a unit can sign again only after its pakta was returned or revoked)."""
    units = Unit.objects.filter(instansi_id=campaign.instansi_id) if units is None else units
    staff = Employee.objects.active().filter(unit=OuterRef("pk"))
    signed = staff.filter(
        Exists(Signature.objects.ikrar().valid().filter(campaign=campaign, employee=OuterRef("pk")))
    )
    pakta = Signature.objects.pakta().filter(campaign=campaign, unit=OuterRef("pk"))
    latest = pakta.order_by("-signed_at")
    return units.select_related("head").annotate(
        staff=_count(staff),
        signed=_count(signed),
        pakta_code=Subquery(latest.values("code")[:1]),
        pakta_status=Subquery(latest.values("status")[:1]),
        pakta_signed_at=Subquery(latest.values("signed_at")[:1]),
        pakta_signer=Subquery(latest.values("identity__name")[:1]),
    )


def _count(queryset):
    counted = queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pakta_units(campaign: Campaign):
    """Units whose head signs a pakta: every OPD and kecamatan, not the kelurahan under them."""
    return units_with_progress(
        campaign,
        Unit.objects.filter(instansi_id=campaign.instansi_id).filter(~Q(kind=Unit.Kind.KELURAHAN)),
    )


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


APEL_REFRESH_SECONDS = 5
LAST_SIGNERS = 6


def apel_counts(apel: Apel) -> dict:
    """What the projector shows: signed of invited, overall and per unit, and the last few
    signers of this apel. Counted at most once per APEL_REFRESH_SECONDS whatever the number of
    screens (each screen asks every few seconds): the count is shared through the cache."""
    return cache.get_or_set(
        f"apel:{apel.pk}:counts", lambda: _count_apel(apel), APEL_REFRESH_SECONDS
    )


def _count_apel(apel: Apel) -> dict:
    units = [u for u in units_with_progress(apel.campaign, apel.invited_units()) if u.staff]
    invited = sum(u.staff for u in units)
    signed = sum(u.signed for u in units)
    during = Signature.objects.ikrar().valid().filter(apel=apel)
    last = during.order_by("-signed_at").values_list("identity__name", "unit__name")
    return {
        "invited": invited,
        "signed": signed,
        "percent": percent(signed, invited),
        "during": during.count(),
        "units": sorted(
            (
                {
                    "name": u.name,
                    "invited": u.staff,
                    "signed": u.signed,
                    "percent": percent(u.signed, u.staff),
                }
                for u in units
            ),
            key=lambda row: (row["percent"], row["name"]),
        ),  # fmt: skip
        "last": [{"name": name, "unit": unit} for name, unit in last[:LAST_SIGNERS]],
        "open": apel.is_open(),
        "counted_at": timezone.now().isoformat(),
    }


def apel_report_sections(apel: Apel) -> list[dict]:
    """Per invited unit (by name): who signed during the apel, in time order, and who has
    not signed the campaign at all."""
    units = [u for u in units_with_progress(apel.campaign, apel.invited_units()) if u.staff]
    sections = {u.pk: {"unit": u, "during": [], "unsigned": []} for u in units}
    during = (
        Signature.objects.ikrar().valid().filter(apel=apel)
        .select_related("unit").order_by("signed_at")
    )  # fmt: skip
    for signature in during:
        section = {"unit": signature.unit, "during": [], "unsigned": []}
        sections.setdefault(signature.unit_id, section)["during"].append(signature)
    unsigned = apel.campaign.unsigned_among(apel.invited()).order_by("name")
    for employee in unsigned:
        sections[employee.unit_id]["unsigned"].append(employee)  # invited: its unit is listed
    return sorted(sections.values(), key=lambda section: section["unit"].name)
