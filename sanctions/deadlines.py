"""Deadlines of a case, computed from the catalogue's DeadlineRule rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import Appeal, Case, DeadlineRule, Stage
from .workdays import add_days

Key = DeadlineRule.Key

# The deadline that runs while a case sits in a stage (stored on the case for the overdue list).
STAGE_DEADLINE = {
    Stage.SUMMONS_1: Key.SUMMONS_1,
    Stage.SUMMONS_2: Key.SUMMONS_2,
    Stage.DECISION: Key.DELIVERY,
    Stage.DELIVERY: Key.IN_FORCE,
    Stage.OBJECTION: Key.OBJECTION_DECIDE,
    Stage.APPEAL: Key.APPEAL_DECIDE,
}


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due_on: datetime.date
    overdue: bool


def due_date(key: str, start: datetime.date) -> datetime.date:
    rule = DeadlineRule.objects.get(key=key)
    return add_days(start, rule.days, working=rule.working_days)


def stage_due(stage: str, start: datetime.date) -> tuple[str, datetime.date | None]:
    key = STAGE_DEADLINE.get(stage)
    return (key, due_date(key, start)) if key else ("", None)


def appeal_window(kind: str, delivered_on: datetime.date) -> datetime.date:
    key = Key.OBJECTION_FILE if kind == Appeal.Kind.OBJECTION else Key.APPEAL_FILE
    return due_date(key, delivered_on)


def deadlines(case: Case, today: datetime.date) -> list[Deadline]:
    """The running deadline and, once the decision is delivered, the appeal window."""
    rows = []
    if case.due_on and not case.is_closed:
        label = Key(case.due_key).label
        rows.append(Deadline(case.due_key, label, case.due_on, case.due_on < today))
    if case.stage == Stage.DELIVERY and hasattr(case, "decision"):
        route = case.decision.effective_type and case.decision.effective_type.appeal_route
        if route:
            due = appeal_window(route, case.stage_entered_on)
            key = Key.OBJECTION_FILE if route == Appeal.Kind.OBJECTION else Key.APPEAL_FILE
            rows.append(Deadline(key, Key(key).label, due, due < today))
    return rows
