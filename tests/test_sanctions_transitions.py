import datetime
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sanctions import services
from sanctions.models import TRANSITIONS, Case, CaseEvent, Stage
from tests.sanctions_helpers import TODAY, decision_data, make_case, put_in_stage

pytestmark = pytest.mark.django_db

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
REFUSED = [
    (a, b) for a, b in itertools.product(Stage.values, Stage.values) if (a, b) not in ALLOWED
]


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


def extra_for(from_stage: str, to_stage: str) -> dict:
    if to_stage == Stage.DECISION:
        return {"decision": decision_data()}
    if to_stage == Stage.NOT_PROVEN:
        return {"note": "Bukti tidak cukup."}
    if from_stage in (Stage.OBJECTION, Stage.APPEAL):
        outcome = "dibatalkan" if to_stage == Stage.CLOSED else "dikuatkan"
        return {"appeal_outcome": {"outcome": outcome}}
    return {}


def sanction_for(from_stage: str, to_stage: str) -> str:
    banding = Stage.APPEAL in (from_stage, to_stage)
    return "pdhtaps" if banding else "tpp-25-6"


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_it_accepts_every_allowed_transition(employee, bkd_user, from_stage, to_stage):
    case = put_in_stage(make_case(employee, bkd_user), from_stage, bkd_user,
                        sanction=sanction_for(from_stage, to_stage))  # fmt: skip
    event = services.transition(
        case=case, to_stage=to_stage, actor=bkd_user, occurred_on=TODAY,
        **extra_for(from_stage, to_stage),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.stage == to_stage
    assert case.stage_entered_on == TODAY
    assert (event.from_stage, event.to_stage, event.actor) == (from_stage, to_stage, bkd_user)


@pytest.mark.parametrize(("from_stage", "to_stage"), REFUSED)
def test_it_refuses_every_other_transition(employee, bkd_user, from_stage, to_stage):
    case = put_in_stage(make_case(employee, bkd_user), from_stage, bkd_user)
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError, match="tidak diizinkan"):
        services.transition(
            case=case, to_stage=to_stage, actor=bkd_user, occurred_on=TODAY,
            **extra_for(from_stage, to_stage),
        )  # fmt: skip
    case.refresh_from_db()
    assert case.stage == from_stage
    assert CaseEvent.objects.count() == events


def test_it_walks_a_case_from_report_to_completion(employee, bkd_user):
    case = make_case(employee, bkd_user)
    steps = [
        (Stage.SUMMONS_1, datetime.date(2025, 5, 5), {}),
        (Stage.EXAMINATION, datetime.date(2025, 5, 12), {}),
        (Stage.EXAMINATION_REPORT, datetime.date(2025, 5, 12), {}),
        (Stage.DECISION, datetime.date(2025, 5, 28), {"decision": decision_data()}),
        (Stage.DELIVERY, datetime.date(2025, 6, 2), {}),
    ]
    for stage, day, extra in steps:
        services.transition(case=case, to_stage=stage, actor=bkd_user, occurred_on=day, **extra)
    case.refresh_from_db()
    assert list(case.events.values_list("to_stage", flat=True)) == [
        "telaah", "panggilan_1", "pemeriksaan", "bap", "keputusan", "penyampaian",
    ]  # fmt: skip
    assert case.examined_on == datetime.date(2025, 5, 12)
    # Effective on the 15th day after delivery.
    assert (case.due_key, case.due_on) == ("berlaku", datetime.date(2025, 6, 17))


def test_it_sets_the_summons_deadline_in_working_days(employee, bkd_user):
    case = make_case(employee, bkd_user)
    services.transition(case=case, to_stage=Stage.SUMMONS_1, actor=bkd_user,
                        occurred_on=datetime.date(2025, 5, 28))  # fmt: skip
    case.refresh_from_db()
    assert (case.due_key, case.due_on) == ("panggilan_1", datetime.date(2025, 6, 12))
    assert list(Case.objects.overdue(datetime.date(2025, 6, 12))) == []
    assert list(Case.objects.overdue(datetime.date(2025, 6, 13))) == [case]


def test_it_sets_the_delivery_deadline_from_the_sk_date(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.EXAMINATION_REPORT, bkd_user)
    services.transition(case=case, to_stage=Stage.DECISION, actor=bkd_user, occurred_on=TODAY,
                        decision=decision_data(sk_date=datetime.date(2025, 5, 28)))  # fmt: skip
    case.refresh_from_db()
    assert (case.due_key, case.due_on) == ("penyampaian", datetime.date(2025, 6, 11))


def test_it_refuses_a_date_before_the_current_stage_or_in_the_future(employee, bkd_user):
    case = make_case(employee, bkd_user)
    for day in (datetime.date(2025, 5, 1), datetime.date(2025, 6, 3)):
        with pytest.raises(ValidationError):
            services.transition(case=case, to_stage=Stage.SUMMONS_1, actor=bkd_user,
                                occurred_on=day)  # fmt: skip
    assert Case.objects.get().stage == Stage.SCREENING


def test_it_requires_a_reason_to_close_without_sanction(employee, bkd_user):
    case = make_case(employee, bkd_user)
    with pytest.raises(ValidationError):
        services.transition(case=case, to_stage=Stage.NOT_PROVEN, actor=bkd_user,
                            occurred_on=TODAY, note="  ")  # fmt: skip


def test_it_files_an_appeal_only_on_its_route_and_in_time(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.DELIVERY, bkd_user)
    with pytest.raises(ValidationError, match="tidak tersedia"):
        services.transition(case=case, to_stage=Stage.APPEAL, actor=bkd_user, occurred_on=TODAY)
    case.stage_entered_on = datetime.date(2025, 5, 1)
    case.save()
    with pytest.raises(ValidationError, match="sudah lewat"):
        services.transition(case=case, to_stage=Stage.OBJECTION, actor=bkd_user,
                            occurred_on=TODAY)  # fmt: skip
    assert case.appeals.count() == 0


def test_it_records_a_lightened_appeal_and_refuses_a_mismatch(employee, bkd_user):
    from sanctions.models import SanctionType

    case = put_in_stage(make_case(employee, bkd_user), Stage.OBJECTION, bkd_user)
    heavier = SanctionType.objects.get(code="tpp-25-12")
    with pytest.raises(ValidationError):
        services.transition(case=case, to_stage=Stage.IN_FORCE, actor=bkd_user, occurred_on=TODAY,
                            appeal_outcome={"outcome": "diperingan",
                                            "new_sanction_type": heavier})  # fmt: skip
    with pytest.raises(ValidationError):
        services.transition(case=case, to_stage=Stage.IN_FORCE, actor=bkd_user, occurred_on=TODAY,
                            appeal_outcome={"outcome": "dibatalkan"})  # fmt: skip
    lighter = SanctionType.objects.get(code="teguran-tertulis")
    services.transition(case=case, to_stage=Stage.IN_FORCE, actor=bkd_user, occurred_on=TODAY,
                        appeal_outcome={"outcome": "diperingan",
                                        "new_sanction_type": lighter})  # fmt: skip
    appeal = case.appeals.get()
    assert (appeal.outcome, appeal.new_sanction_type, appeal.decided_on) == (
        "diperingan", lighter, TODAY,
    )  # fmt: skip


def test_the_sanction_in_force_follows_the_appeal(employee, bkd_user):
    from sanctions.models import SanctionType

    case = put_in_stage(make_case(employee, bkd_user), Stage.OBJECTION, bkd_user)
    assert case.current_sanction().code == "tpp-25-6"
    lighter = SanctionType.objects.get(code="teguran-tertulis")
    services.transition(case=case, to_stage=Stage.IN_FORCE, actor=bkd_user, occurred_on=TODAY,
                        appeal_outcome={"outcome": "diperingan",
                                        "new_sanction_type": lighter})  # fmt: skip
    assert Case.objects.get().current_sanction() == lighter


def test_an_annulled_sanction_closes_the_case_without_sanction(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.APPEAL, bkd_user,
                        sanction="pdhtaps")  # fmt: skip
    services.transition(case=case, to_stage=Stage.CLOSED, actor=bkd_user, occurred_on=TODAY,
                        appeal_outcome={"outcome": "dibatalkan"})  # fmt: skip
    case = Case.objects.get()
    assert case.stage == Stage.CLOSED
    assert case.current_sanction() is None


def test_each_step_is_in_the_audit_log(employee, bkd_user):
    from portal.models import AuditEvent

    case = make_case(employee, bkd_user)
    services.transition(case=case, to_stage=Stage.SUMMONS_1, actor=bkd_user, occurred_on=TODAY)
    rows = AuditEvent.objects.order_by("pk")
    assert [r.action for r in rows] == ["case.create", "case.transition"]
    assert rows.last().detail == {
        "case": case.pk, "from_stage": "telaah", "to_stage": "panggilan_1",
    }  # fmt: skip
    assert rows.last().instansi == employee.instansi
