"""Per-unit numbers for one campaign: ikrar progress and pakta status, in one query."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from portal.models import Employee, Unit

from .models import Campaign, Signature


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
