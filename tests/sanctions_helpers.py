"""make_* helpers for discipline-case tests."""

import datetime

from sanctions import services
from sanctions.models import (
    Appeal,
    Case,
    Decision,
    ReportingBody,
    SanctionType,
    Stage,
    ViolationType,
)

TODAY = datetime.date(2025, 6, 2)  # a Monday; tests that move cases travel to this day
RECEIVED = datetime.date(2025, 5, 2)
DECISION_STAGES = (Stage.DECISION, Stage.DELIVERY, Stage.OBJECTION, Stage.APPEAL,
                   Stage.IN_FORCE, Stage.CLOSED)  # fmt: skip


def make_case(employee, actor, *, violations=("netral-kampanye",), **kwargs) -> Case:
    kwargs.setdefault("reporting_body", ReportingBody.objects.get(code="bawaslu"))
    kwargs.setdefault("source_reference", "045/Rek/Bawaslu-Belu/V/2025")
    kwargs.setdefault("received_on", RECEIVED)
    kwargs.setdefault("description", "Menghadiri kampanye calon bupati pada jam kerja.")
    pairs = [(ViolationType.objects.get(code=c), "") for c in violations]
    return services.create_case(employee=employee, actor=actor, violations=pairs, **kwargs)


def decision_data(sanction="tpp-25-6", level="sedang", **overrides) -> dict:
    data = {
        "level": level,
        "sanction_type": SanctionType.objects.get(code=sanction) if sanction else None,
        "imposed_type": None,
        "ethics_type": None,
        "sk_number": "800.1.6.4/123/BKPSDM/2025",
        "sk_date": datetime.date(2025, 5, 28),
        "official_name": "Agustinus Taolin, S.H., M.Si.",
        "official_nip": "",
        "official_title": "Bupati Belu",
        "official_category": "ppk",
    }
    data.update(overrides)
    return data


def put_in_stage(case: Case, stage: str, actor, *, sanction="tpp-25-6") -> Case:
    """Place a case in a stage directly (with the decision/appeal rows that stage implies)."""
    if stage in DECISION_STAGES:
        sanction_type = SanctionType.objects.get(code=sanction)
        Decision.objects.create(
            case=case, level=sanction_type.level, sanction_type=sanction_type,
            sk_number="800/1/2025", sk_date=datetime.date(2025, 5, 20), official_name="Bupati",
            official_title="Bupati Belu", official_category="ppk", created_by=actor,
        )  # fmt: skip
    if stage in (Stage.OBJECTION, Stage.APPEAL):
        Appeal.objects.create(case=case, kind=stage, filed_on=datetime.date(2025, 5, 21))
    case.stage = stage
    case.stage_entered_on = datetime.date(2025, 5, 21)
    case.save()
    return case
