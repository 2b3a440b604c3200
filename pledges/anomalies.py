"""Lists worth a second look: they point at signatures, they decide nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from .models import Campaign, Signature

SHARED_IP_MIN_SIGNERS = 3
SHARED_IP_WINDOW = dt.timedelta(minutes=10)
WORK_START_HOUR, WORK_END_HOUR = 7, 17  # local time; Monday-Friday


def _base(campaign: Campaign):
    return Signature.objects.filter(campaign=campaign).select_related("unit", "employee")


def shared_ip(campaign: Campaign) -> list[tuple[str, list[Signature]]]:
    """Several people signing from one address within a few minutes (a shared phone, or one
    person signing for others). An office network is shared too: look, don't conclude."""
    busy = (
        Signature.objects.filter(campaign=campaign, ip_address__isnull=False)
        .values("ip_address")
        .annotate(signers=Count("employee", distinct=True))
        .filter(signers__gte=SHARED_IP_MIN_SIGNERS)
        .values_list("ip_address", flat=True)
    )
    groups = defaultdict(list)
    for signature in _base(campaign).filter(ip_address__in=list(busy)).order_by("signed_at"):
        groups[signature.ip_address].append(signature)
    found = []
    for ip, rows in groups.items():
        burst = _densest_burst(rows)
        if len({s.employee_id for s in burst}) >= SHARED_IP_MIN_SIGNERS:
            found.append((ip, burst))
    return sorted(found, key=lambda pair: -len(pair[1]))


def _densest_burst(rows: list[Signature]) -> list[Signature]:
    best, start = [], 0
    for end in range(len(rows)):
        while rows[end].signed_at - rows[start].signed_at > SHARED_IP_WINDOW:
            start += 1
        if end - start + 1 > len(best):
            best = rows[start : end + 1]
    return best


def outside_hours(campaign: Campaign):
    tz = campaign.instansi.tz
    return (
        _base(campaign)
        .annotate(
            local_hour=ExtractHour("signed_at", tzinfo=tz),
            local_weekday=ExtractIsoWeekDay("signed_at", tzinfo=tz),
        )
        .exclude(
            local_hour__gte=WORK_START_HOUR,
            local_hour__lt=WORK_END_HOUR,
            local_weekday__lte=5,
        )
        .order_by("signed_at")
    )


def same_image(campaign: Campaign) -> list[tuple[str, list[Signature]]]:
    """One drawn image used by different people: a drawing is never pixel-identical twice."""
    hashes = (
        Signature.objects.filter(campaign=campaign)
        .exclude(image_sha256="")
        .exclude(method=Signature.Method.PAPER)  # one scan holds a whole sheet by design
        .values("image_sha256")
        .annotate(signers=Count("employee", distinct=True))
        .filter(signers__gt=1)
        .values_list("image_sha256", flat=True)
    )
    groups = defaultdict(list)
    for signature in _base(campaign).filter(image_sha256__in=list(hashes)).order_by("signed_at"):
        groups[signature.image_sha256].append(signature)
    return sorted(groups.items(), key=lambda pair: -len(pair[1]))
