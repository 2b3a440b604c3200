"""The Inspektorat's work: open cases by their next deadline, the overdue first."""

from __future__ import annotations

from django.db.models import F

from portal.models import User

from .models import Case
from .services import local_today


def cases_by_deadline(user: User, limit: int = 20) -> tuple[list[Case], int]:
    """(the open cases with the nearest deadlines, overdue ones first; how many are overdue)"""
    cases = Case.objects.visible_to(user).open().select_related("instansi", "unit")
    ordered = cases.order_by(F("due_on").asc(nulls_last=True), "received_on")
    rows = list(ordered[:limit])
    today = local_today(user.instansi) if user.instansi_id else None
    for case in rows:
        case.is_overdue = bool(today and case.due_on and case.due_on < today)
    overdue = cases.overdue(today).count() if today else 0
    return rows, overdue
