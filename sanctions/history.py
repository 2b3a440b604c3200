"""An employee's earlier cases: repeat offences and the same violation punished twice.

A repeat offence within the period of the catalogue (DeadlineRule "pengulangan", counted in
calendar days from the earlier SK date) suggests the next heavier sanction; a violation type
already in another case of the employee may be the same act, which must not be punished twice.
Both are warnings with the earlier case linked, never blocks: only people can tell two acts apart.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from portal.models import Employee

from .models import Case, DeadlineRule, SanctionType, Stage, ViolationType
from .rules import DISCIPLINARY_KINDS, severity_key

# An interim substitute stands for a sedang sanction and counts as one.
COUNTED_KINDS = (*DISCIPLINARY_KINDS, SanctionType.Kind.INTERIM)


@dataclass(frozen=True)
class Repeat:
    """The latest decided case within the period, its sanction in force and what comes next."""

    case: Case
    sanction: SanctionType
    suggested: SanctionType | None


def repeat_period() -> datetime.timedelta | None:
    rule = DeadlineRule.objects.filter(key=DeadlineRule.Key.REPEAT).first()
    return datetime.timedelta(days=rule.days) if rule else None


def earlier_cases(employee: Employee, *, exclude: Case | None = None):
    qs = (
        Case.objects.filter(employee=employee)
        .exclude(stage=Stage.NOT_PROVEN)
        .select_related("decision__sanction_type", "decision__imposed_type")
        .prefetch_related("appeals__new_sanction_type", "violations__violation_type")
        .order_by("-received_on", "-pk")
    )
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


def find_repeat(
    employee: Employee, on: datetime.date, *, exclude: Case | None = None
) -> Repeat | None:
    """The earlier decision this offence repeats, if its SK lies within the period before `on`."""
    period = repeat_period()
    if period is None:
        return None
    decided = (
        earlier_cases(employee, exclude=exclude)
        .filter(decision__sk_date__gte=on - period, decision__sk_date__lte=on)
        .order_by("-decision__sk_date", "-pk")
    )
    for case in decided:
        sanction = case.current_sanction()
        if sanction is not None and sanction.kind in COUNTED_KINDS:
            return Repeat(case, sanction, next_heavier(sanction, employee.kind))
    return None


def next_heavier(sanction: SanctionType, employee_kind: str) -> SanctionType | None:
    """The lightest disciplinary sanction heavier than `sanction` that applies to the employee."""
    flag = "for_pppk" if employee_kind == Employee.Kind.PPPK else "for_pns"
    heavier = [
        candidate
        for candidate in SanctionType.objects.filter(
            is_active=True, kind__in=DISCIPLINARY_KINDS, **{flag: True}
        )
        if severity_key(candidate) > severity_key(sanction)
    ]
    return min(heavier, key=severity_key, default=None)


def same_violations(
    employee: Employee, violation_types: Iterable[ViolationType], *, exclude: Case | None = None
) -> list[tuple[Case, list[ViolationType]]]:
    """Other cases of the employee recording one of these violation types (free-text "other"
    violations are left out: their text tells them apart)."""
    wanted = {v.pk: v for v in violation_types if not v.requires_text}
    if not wanted:
        return []
    found = []
    cases = earlier_cases(employee, exclude=exclude).filter(
        violations__violation_type__in=list(wanted)
    )
    for case in cases.distinct():
        shared = [
            wanted[v.violation_type_id]
            for v in case.violations.all()
            if v.violation_type_id in wanted
        ]
        found.append((case, shared))
    return found
