"""Compliance numbers of a campaign: overall, per unit, per day, and across instansi."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from portal.models import Employee, Instansi

from .models import Campaign, Signature
from .progress import percent, units_with_progress


@dataclass
class Overview:
    total: int
    signed: int

    @property
    def percent(self) -> float:
        return percent(self.signed, self.total)


def overview(campaign: Campaign) -> Overview:
    staff = Employee.objects.active().filter(instansi_id=campaign.instansi_id)
    # From the employee side: the join from signatures to employees scanned the whole
    # employee table at national size (bench/dashboard.py: 280 ms -> 27 ms, 10,000 ASN).
    return Overview(total=staff.count(), signed=campaign.signed_among(staff).count())


def unit_rows(campaign: Campaign) -> list:
    rows = list(units_with_progress(campaign).filter(staff__gt=0))
    for row in rows:
        row.percent = percent(row.signed, row.staff)
    return rows


def daily(campaign: Campaign) -> list[tuple[dt.date, int, int]]:
    """(local date, signed that day, cumulative) from the opening day to today or the close."""
    tz = campaign.instansi.tz
    counts = dict(
        Signature.objects.ikrar()
        .valid()
        .filter(campaign=campaign)
        .annotate(day=TruncDate("signed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    last = min(campaign.closes_on, timezone.localdate(timezone=tz))
    days, total, day = [], 0, campaign.opens_on
    while day <= last:
        total += counts.get(day, 0)
        days.append((day, counts.get(day, 0), total))
        day += dt.timedelta(days=1)
    return days


def chart_svg(days: list[tuple[dt.date, int, int]], total_staff: int) -> dict:
    """Coordinates of a cumulative line chart, drawn by the template as inline SVG."""
    width, height, pad = 640, 220, 32
    top = max(total_staff, days[-1][2] if days else 0, 1)
    step = (width - 2 * pad) / max(len(days) - 1, 1)
    points = [
        (round(pad + i * step, 1), round(height - pad - (cum / top) * (height - 2 * pad), 1))
        for i, (_day, _n, cum) in enumerate(days)
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        "top": top,
        "first": days[0][0] if days else None,
        "last": days[-1][0] if days else None,
        "baseline": height - pad,
        "right": width - pad,
    }


NATIONAL_CACHE_SECONDS = 300


def across_instansi() -> tuple[list[Instansi], dt.datetime]:
    """Every instansi with its latest current campaign's numbers, and when they were counted.

    Three grouped queries over the whole national data set take about a second at 1,000,000
    ASN (bench/dashboard.py); the read-only national view shares one count for five minutes.
    """
    return cache.get_or_set("compliance:national", _count_national, NATIONAL_CACHE_SECONDS)


def _count_national() -> tuple[list[Instansi], dt.datetime]:
    latest = (
        Campaign.objects.filter(instansi=OuterRef("pk"))
        .current()
        .order_by("-opens_on")
        .values("pk")[:1]
    )
    regions = list(Instansi.objects.annotate(campaign_id=Subquery(latest)).order_by("name"))
    # Count("*") lets PostgreSQL answer from the (instansi, unit, is_active) index alone.
    staff = dict(
        Employee.objects.active()
        .values("instansi")
        .annotate(n=Count("*"))
        .values_list("instansi", "n")
    )
    campaign_ids = [r.campaign_id for r in regions if r.campaign_id]
    inactive = Employee.objects.filter(pk=OuterRef("employee_id"), is_active=False)
    signed = dict(
        Signature.objects.ikrar()
        .valid()
        .filter(campaign_id__in=campaign_ids)
        .exclude(Exists(inactive))
        .values("campaign")
        .annotate(n=Count("*"))
        .values_list("campaign", "n")
    )
    for region in regions:
        region.staff = staff.get(region.pk, 0)
        region.signed = signed.get(region.campaign_id, 0)
        region.percent = percent(region.signed, region.staff)
    return regions, timezone.now()


def zero_units(rows) -> list:
    return [row for row in rows if row.signed == 0]
