"""The Inspektorat's work: open cases by their next deadline, the overdue first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from portal.models import User

from .models import Case
from .services import local_today


@dataclass
class CaseWork:
    cases: list[Case]  # the nearest deadlines first, so the overdue lead
    open: int
    overdue: int


def cases_by_deadline(user: User, limit: int = 20) -> CaseWork:
    """The user's open cases with the nearest deadlines, and the counts (two queries)."""
    cases = Case.objects.visible_to(user).open()
    # The auditor has no instansi: the server's calendar day is near enough for a read-only view.
    today = local_today(user.instansi) if user.instansi_id else timezone.localdate()
    rows = list(
        cases.select_related("instansi", "unit")
        .order_by(F("due_on").asc(nulls_last=True), "received_on", "pk")[:limit]
    )  # fmt: skip
    for case in rows:
        case.is_overdue = bool(case.due_on and case.due_on < today)
    counts = cases.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    return CaseWork(rows, **counts)
