import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanctions import services
from sanctions.forms import StageForm
from sanctions.models import Decision, SanctionType, Stage
from tests.conftest import login, make_employee
from tests.sanctions_helpers import TODAY, decision_data, make_case, put_in_stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


def decide(case, actor, **overrides):
    return services.transition(case=case, to_stage=Stage.DECISION, actor=actor,
                               occurred_on=TODAY, decision=decision_data(**overrides))  # fmt: skip


def at_bap(employee, actor, **kwargs):
    return put_in_stage(make_case(employee, actor, **kwargs), Stage.EXAMINATION_REPORT, actor)


def test_it_refuses_a_sanction_type_outside_the_decided_level(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    with pytest.raises(ValidationError) as exc:
        decide(case, bkd_user, sanction="teguran-lisan", level="sedang")
    assert "sanction_type" in exc.value.error_dict
    assert not Decision.objects.exists()
    case.refresh_from_db()
    assert case.stage == Stage.EXAMINATION_REPORT


def test_it_requires_an_examination_team_for_berat(employee, bkd_user):
    case = at_bap(employee, bkd_user, violations=["netral-fasilitas"])
    with pytest.raises(ValidationError, match="tim pemeriksa"):
        decide(case, bkd_user, sanction="penurunan-jabatan", level="berat")
    case.examination_team = "Kepala Dinas\nInspektur Pembantu\nKepala BKPSDM"
    case.save()
    decide(case, bkd_user, sanction="penurunan-jabatan", level="berat")
    assert case.decision.level == "berat"


def test_it_requires_the_team_before_examining_a_berat_violation(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user, violations=["netral-kerahkan"]),
                        Stage.SUMMONS_1, bkd_user)  # fmt: skip
    with pytest.raises(ValidationError, match="tim pemeriksa"):
        services.transition(case=case, to_stage=Stage.EXAMINATION, actor=bkd_user,
                            occurred_on=TODAY)  # fmt: skip
    services.transition(case=case, to_stage=Stage.EXAMINATION, actor=bkd_user, occurred_on=TODAY,
                        examination_team="Atasan langsung\nInspektorat\nBKPSDM")  # fmt: skip
    case.refresh_from_db()
    assert case.examination_team.count("\n") == 2


def test_it_offers_pppk_outcomes_to_pppk_cases(unit, bkd_user):
    pppk = make_employee(unit, "Yuliana Mau", pppk=True)
    case = at_bap(pppk, bkd_user, violations=["netral-keputusan"])
    form = StageForm(case=case, to_stage=Stage.DECISION)
    offered = set(form.fields["sanction_type"].queryset.values_list("code", flat=True))
    assert "pppk-phk" in offered
    assert not {"penurunan-jabatan", "pembebasan-jabatan", "pdhtaps"} & offered
    case.examination_team = "Tim"
    case.save()
    with pytest.raises(ValidationError, match="PPPK"):
        decide(case, bkd_user, sanction="penurunan-jabatan", level="berat")
    decide(case, bkd_user, sanction="pppk-phk", level="berat")
    assert case.decision.sanction_type.code == "pppk-phk"


def test_it_refuses_pppk_termination_for_a_pns(employee, bkd_user):
    case = at_bap(employee, bkd_user, violations=["netral-keputusan"])
    case.examination_team = "Tim"
    case.save()
    form = StageForm(case=case, to_stage=Stage.DECISION)
    assert not form.fields["sanction_type"].queryset.filter(code="pppk-phk").exists()
    with pytest.raises(ValidationError, match="PNS"):
        decide(case, bkd_user, sanction="pppk-phk", level="berat")


def test_one_case_carries_an_ethics_and_a_disciplinary_outcome(employee, bkd_user):
    case = at_bap(employee, bkd_user, violations=["netral-kampanye", "etik-unggah"])
    moral = SanctionType.objects.get(code="moral-terbuka")
    decide(case, bkd_user, ethics_type=moral)
    decision = Decision.objects.get(case=case)
    assert (decision.sanction_type.code, decision.ethics_type) == ("tpp-25-6", moral)


def test_an_ethics_only_case_may_end_with_a_moral_sanction(employee, bkd_user):
    case = at_bap(employee, bkd_user, violations=["etik-spanduk"])
    moral = SanctionType.objects.get(code="moral-tertutup")
    decide(case, bkd_user, sanction=None, level="", ethics_type=moral)
    assert case.decision.ethics_type == moral


def test_a_disciplinary_violation_cannot_end_with_a_moral_sanction_only(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    moral = SanctionType.objects.get(code="moral-tertutup")
    with pytest.raises(ValidationError, match="memerlukan hukuman disiplin"):
        decide(case, bkd_user, sanction=None, level="", ethics_type=moral)


def test_several_violations_get_one_sanction_of_the_heaviest_level(employee, bkd_user):
    case = at_bap(employee, bkd_user, violations=["netral-kampanye", "netral-fasilitas"])
    case.examination_team = "Tim"
    case.save()
    assert case.heaviest_level() == "berat"
    with pytest.raises(ValidationError, match="terberat"):
        decide(case, bkd_user, sanction="tpp-25-12", level="sedang")
    decide(case, bkd_user, sanction="pembebasan-jabatan", level="berat")
    assert Decision.objects.filter(case=case).count() == 1


def test_an_interim_substitute_is_only_for_sedang(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    kgb = SanctionType.objects.get(code="pengganti-kgb")
    with pytest.raises(ValidationError):
        decide(case, bkd_user, sanction="teguran-lisan", level="ringan", imposed_type=kgb)
    decide(case, bkd_user, imposed_type=kgb)
    assert case.decision.effective_type == kgb
    assert case.decision.sanction_type.code == "tpp-25-6"


def test_ptdh_is_a_separate_outcome_without_level(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    decide(case, bkd_user, sanction="ptdh", level="")
    assert case.decision.sanction_type.kind == "ptdh"
    assert case.decision.level == ""


def test_it_records_the_sk_and_official(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    decide(case, bkd_user)
    decision = Decision.objects.get()
    assert decision.sk_number == "800.1.6.4/123/BKPSDM/2025"
    assert decision.sk_date == datetime.date(2025, 5, 28)
    assert (decision.official_name, decision.official_category) == (
        "Agustinus Taolin, S.H., M.Si.", "ppk",
    )  # fmt: skip
    assert decision.authority_warning is False


def test_it_warns_but_accepts_an_official_without_authority(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    response = login(bkd_user).post(
        reverse("sanctions:transition", args=[case.pk, "keputusan"]),
        {
            "occurred_on": "2025-06-02",
            "level": "sedang",
            "sanction_type": SanctionType.objects.get(code="tpp-25-6").pk,
            "sk_number": "800/9/2025",
            "sk_date": "2025-06-02",
            "official_name": "Yohanes Seran",
            "official_title": "Camat Kota Atambua",
            "official_category": "administrator",
        },  # fmt: skip
        follow=True,
    )
    assert response.status_code == 200
    assert Decision.objects.get().authority_warning is True
    assert "tidak berwenang" in response.content.decode()


def test_the_view_shows_rule_errors_and_changes_nothing(employee, bkd_user):
    case = at_bap(employee, bkd_user)
    response = login(bkd_user).post(
        reverse("sanctions:transition", args=[case.pk, "keputusan"]),
        {
            "occurred_on": "2025-06-02",
            "level": "sedang",
            "sanction_type": SanctionType.objects.get(code="teguran-lisan").pk,
            "sk_number": "800/9/2025",
            "sk_date": "2025-06-02",
            "official_name": "Bupati",
            "official_title": "Bupati Belu",
            "official_category": "ppk",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "tingkat yang diputuskan" in response.content.decode()
    assert not Decision.objects.exists()
    case.refresh_from_db()
    assert case.stage == Stage.EXAMINATION_REPORT
