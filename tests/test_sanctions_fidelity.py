"""Sanctions that cite the right law, and a case form that knows the employee's history.

The SK's legal basis, subject and ruling come from the catalogue; PTDH is not worded as a PP 94
sanction; PPPK numbers are labelled NI PPPK; pengawas impose ringan one rank below; a repeat
offence suggests the next heavier sanction; one violation is not punished twice; KASN is no
longer a source after August 2024; party membership leads to PTDH.
"""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from sanctions import services
from sanctions.authority import covers
from sanctions.models import (
    Case,
    DeadlineRule,
    LegalBasis,
    ReportingBody,
    SanctionType,
    Stage,
    ViolationType,
)
from tests.conftest import login, make_employee, read_csv
from tests.sanctions_helpers import TODAY, decision_data, make_case, put_in_stage

pytestmark = pytest.mark.django_db

PP94 = "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil"
UU_ASN = "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara"
PP11 = "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil"
PP49 = "Peraturan Pemerintah Nomor 49 Tahun 2018 tentang Manajemen Pegawai Pemerintah"


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, tzinfo=datetime.UTC), tick=False):
        yield


def decide(case, actor, *, sanction="tpp-25-6", level="sedang", **overrides):
    """Take a case through the decision as the form would (the legal basis is frozen then)."""
    put_in_stage(case, Stage.EXAMINATION_REPORT, actor)
    case.examination_team = "Inspektur Pembantu\nKepala BKPSDM"
    case.save()
    services.transition(case=case, to_stage=Stage.DECISION, actor=actor, occurred_on=TODAY,
                        decision=decision_data(sanction, level, **overrides))  # fmt: skip
    case.refresh_from_db()
    return case


def sk_text(client, case) -> str:
    response = client.get(reverse("sanctions:sk_pdf", args=[case.pk]))
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- the SK cites the legal basis of its outcome -----------------------------------------------


def test_a_pp94_sanction_cites_pp94_and_the_asn_law(employee, bkd_user):
    case = decide(make_case(employee, bkd_user), bkd_user)
    assert case.decision.legal_basis == [UU_ASN, PP94]
    text = sk_text(login(bkd_user), case)
    assert f"Mengingat: 1. {UU_ASN}; 2. {PP94}." in text
    assert "TENTANG PENJATUHAN HUKUMAN DISIPLIN" in text
    assert "Menjatuhkan hukuman disiplin tingkat sedang berupa" in text
    assert f"NIP : {employee.nip_display}" in text and "NI PPPK" not in text


def test_ptdh_cites_the_asn_law_and_civil_service_management_not_pp94(employee, bkd_user):
    case = make_case(employee, bkd_user, violations=("netral-parpol",))
    case = decide(case, bkd_user, sanction="ptdh", level="")
    text = sk_text(login(bkd_user), case)
    assert UU_ASN in text and PP11 in text
    assert "Nomor 94 Tahun 2021" not in text
    assert "bukan hukuman disiplin" not in text and "PENJATUHAN HUKUMAN DISIPLIN" not in text
    assert "TENTANG PEMBERHENTIAN TIDAK DENGAN HORMAT" in text
    assert "KESATU: Memberhentikan tidak dengan hormat sebagai Pegawai Aparatur Sipil" in text


def test_a_pppk_sk_cites_the_pppk_regulation_and_labels_the_number(unit, bkd_user):
    pppk = make_employee(unit, "Yuliana Nahak", pppk=True)
    case = decide(make_case(pppk, bkd_user), bkd_user)
    text = sk_text(login(bkd_user), case)
    assert PP49 in text and PP94 in text
    assert f"NI PPPK : {pppk.nip_display}" in text


def test_a_corrected_basis_applies_to_new_decisions_not_to_issued_ones(employee, bkd_user, unit):
    issued = decide(make_case(employee, bkd_user), bkd_user)
    LegalBasis.objects.filter(code="pp-94-2021").update(text="PP 94/2021 (dikoreksi)")
    other = make_employee(unit, "Petrus Tallo")
    fresh = decide(make_case(other, bkd_user), bkd_user)
    client = login(bkd_user)
    assert PP94 in sk_text(client, issued)
    assert "PP 94/2021 (dikoreksi)" in sk_text(client, fresh)


def test_each_basis_is_editable_in_the_admin(admin_client):
    basis = LegalBasis.objects.get(code="pp-49-2018")
    url = reverse("admin:sanctions_legalbasis_change", args=[basis.pk])
    assert admin_client.get(url).status_code == 200
    data = {"code": basis.code, "text": "PP 49/2018 jo. PP baru", "order": 40,
            "employee_kind": "PPPK", "is_active": "on"}  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    basis.refresh_from_db()
    assert basis.text == "PP 49/2018 jo. PP baru"
    ptdh = SanctionType.objects.get(code="ptdh")
    page = admin_client.get(reverse("admin:sanctions_sanctiontype_change", args=[ptdh.pk]))
    assert "legal_bases" in page.content.decode()


# --- authority ----------------------------------------------------------------------------------


def test_a_pengawas_imposes_ringan_one_rank_below_without_a_warning(employee, bkd_user):
    assert covers("pengawas", "pelaksana", "ringan")
    assert not covers("pengawas", "pelaksana", "sedang")
    case = make_case(employee, bkd_user, violations=("hadir-3",))
    case = decide(case, bkd_user, sanction="teguran-lisan", level="ringan",
                  official_category="pengawas", official_title="Kepala Subbagian Umum")  # fmt: skip
    assert not case.decision.authority_warning


# --- PTDH for party membership or candidacy -----------------------------------------------------


def test_party_membership_needs_a_ptdh_decision(employee, bkd_user):
    case = make_case(employee, bkd_user, violations=("netral-parpol",))
    put_in_stage(case, Stage.EXAMINATION_REPORT, bkd_user)
    with pytest.raises(ValidationError, match="berujung pemberhentian tidak dengan hormat"):
        services.transition(case=case, to_stage=Stage.DECISION, actor=bkd_user,
                            occurred_on=TODAY, decision=decision_data())  # fmt: skip
    url = reverse("sanctions:transition", args=[case.pk, Stage.DECISION])
    form = login(bkd_user).get(url).context["form"]
    assert form["sanction_type"].initial.code == "ptdh"
    assert form["level"].initial == ""


# --- repeat offences and the same violation twice -----------------------------------------------


def post_case(client, employee, **extra):
    data = {
        "nip": employee.nip, "reporting_body": ReportingBody.objects.get(code="bkn").pk,
        "received_on": "2025-05-30",
        "violations": [ViolationType.objects.get(code="netral-kampanye").pk],
        "description": "Hadir di kampanye lagi.",
    }  # fmt: skip
    data.update(extra)
    return client.post(reverse("sanctions:create"), data)


def test_a_repeat_offence_warns_with_the_earlier_decision_and_suggests_heavier(employee, bkd_user):
    earlier = decide(make_case(employee, bkd_user, violations=("hadir-11-13",)), bkd_user)
    client = login(bkd_user)
    response = post_case(client, employee)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pengulangan pelanggaran" in html
    assert reverse("sanctions:detail", args=[earlier.pk]) in html
    assert earlier.decision.sk_number in html
    assert "Pemotongan tunjangan kinerja 25% selama 9 bulan" in html  # the next heavier
    assert Case.objects.count() == 1
    response = post_case(client, employee, confirm_history="on")
    assert response.status_code == 302
    case = Case.objects.exclude(pk=earlier.pk).get()
    put_in_stage(case, Stage.EXAMINATION_REPORT, bkd_user)
    form = client.get(reverse("sanctions:transition", args=[case.pk, Stage.DECISION]))
    assert form.context["form"]["sanction_type"].initial.code == "tpp-25-9"
    assert form.context["form"]["level"].initial == "sedang"
    assert "Pengulangan pelanggaran" in form.content.decode()


def test_the_repeat_period_is_catalogue_data(employee, bkd_user):
    decide(make_case(employee, bkd_user, violations=("hadir-11-13",)), bkd_user)
    DeadlineRule.objects.filter(key="pengulangan").update(days=1)
    response = post_case(login(bkd_user), employee, violations=[
        ViolationType.objects.get(code="hadir-3").pk
    ])  # fmt: skip
    assert response.status_code == 302  # the SK of 28 May lies outside a one-day period


def test_the_same_violation_in_an_open_case_is_flagged(employee, bkd_user, other_bkd_user):
    earlier = make_case(employee, bkd_user)
    response = post_case(login(bkd_user), employee)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pelanggaran yang sama sudah tercatat" in html
    assert "tidak boleh dihukum dua kali" in html
    assert reverse("sanctions:detail", args=[earlier.pk]) in html
    other = ViolationType.objects.get(code="netral-fasilitas")
    assert post_case(login(bkd_user), employee, violations=[other.pk]).status_code == 302


def test_a_case_closed_as_not_proven_does_not_count(employee, bkd_user):
    earlier = make_case(employee, bkd_user)
    put_in_stage(earlier, Stage.NOT_PROVEN, bkd_user)
    assert post_case(login(bkd_user), employee).status_code == 302


# --- the case form ------------------------------------------------------------------------------


def test_violations_are_grouped_and_bkn_is_the_default_source(bkd_user):
    response = login(bkd_user).get(reverse("sanctions:create"))
    html = response.content.decode()
    labels = ["Netralitas", "Kode etik (SKB 2022)", "Kehadiran", "Kewajiban dan larangan lain"]
    positions = [html.index(f"<strong>{label}</strong>") for label in labels]
    assert positions == sorted(positions)
    form = response.context["form"]
    assert form["reporting_body"].initial.code == "bkn"


def test_kasn_cannot_be_the_source_of_a_report_received_after_august_2024(employee, bkd_user):
    kasn = ReportingBody.objects.get(code="kasn")
    client = login(bkd_user)
    response = post_case(client, employee, reporting_body=kasn.pk)
    assert response.status_code == 200
    assert "hanya dapat dipilih untuk laporan yang diterima sampai 31 Agustus 2024" in (
        response.content.decode()
    )
    assert not Case.objects.exists()
    response = post_case(client, employee, reporting_body=kasn.pk, received_on="2024-08-30")
    assert response.status_code == 302


def test_an_examination_dated_before_its_summons_is_explained(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.SUMMONS_1, bkd_user)
    url = reverse("sanctions:transition", args=[case.pk, Stage.EXAMINATION])
    response = login(bkd_user).post(url, {"occurred_on": "2025-05-20", "note": ""})
    assert response.status_code == 200
    assert (
        "Tanggal pemeriksaan (20 Mei 2025) sebelum tanggal panggilan i (21 Mei 2025)"
        in response.content.decode()
    )
    case.refresh_from_db()
    assert case.stage == Stage.SUMMONS_1


# --- the export BKN can take in -----------------------------------------------------------------


def test_the_bkn_export_lists_decided_cases_with_siasn_fields(employee, bkd_user, unit):
    decided = decide(make_case(employee, bkd_user), bkd_user)
    services.transition(case=decided, to_stage=Stage.DELIVERY, actor=bkd_user,
                        occurred_on=TODAY)  # fmt: skip
    services.transition(case=decided, to_stage=Stage.IN_FORCE, actor=bkd_user,
                        occurred_on=TODAY)  # fmt: skip
    make_case(make_employee(unit, "Belum Diputus"), bkd_user)
    ethics_only = make_case(make_employee(unit, "Etik Saja"), bkd_user, violations=("etik-unggah",))
    decide(ethics_only, bkd_user, sanction=None, level="",
           ethics_type=SanctionType.objects.get(code="moral-tertutup"))  # fmt: skip
    client = login(bkd_user)
    rows = read_csv(client.get(reverse("sanctions:bkn_csv")))
    assert rows[0] == [
        "NIP/NI PPPK", "Nama", "Jenis ASN", "Jenis hukuman", "Tingkat hukuman", "Nomor SK",
        "Tanggal SK", "TMT hukuman", "Masa hukuman (bulan)", "Akhir hukuman", "Pelanggaran",
        "Dasar hukum pelanggaran", "Dasar hukum hukuman", "Pejabat yang menetapkan",
        "NIP pejabat", "Jabatan pejabat", "Instansi", "No. kasus",
    ]  # fmt: skip
    assert rows[1:] == [
        [
            employee.nip, employee.name, "PNS",
            "Pemotongan tunjangan kinerja 25% selama 6 bulan", "Sedang",
            "800.1.6.4/123/BKPSDM/2025", "28/05/2025", "02/06/2025", "6", "02/12/2025",
            "Ikut kampanye untuk mendukung calon", "PP 94/2021 Pasal 5 huruf n",
            "PP 94/2021 Pasal 8", "Agustinus Taolin, S.H., M.Si.", "", "Bupati Belu",
            "Pemerintah Kabupaten Belu", str(decided.pk),
        ]
    ]  # fmt: skip
    sheet = load_workbook(io.BytesIO(client.get(reverse("sanctions:bkn_xlsx")).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][0] == employee.nip and values[1][4] == "Sedang"


def test_the_bkn_export_escapes_formulas_and_keeps_the_scope(unit, bkd_user, other_bkd_user):
    hostile = make_employee(unit, "=cmd|' /C calc'!A0")
    decide(make_case(hostile, bkd_user), bkd_user)
    rows = read_csv(login(bkd_user).get(reverse("sanctions:bkn_csv")))
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert len(read_csv(login(other_bkd_user).get(reverse("sanctions:bkn_csv")))) == 1


@pytest.mark.parametrize("name", ["sanctions:bkn_csv", "sanctions:bkn_xlsx"])
def test_the_bkn_export_is_for_case_readers_only(name, client, asn_user, camat_user, bkd_user):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for user in (asn_user, camat_user):
        assert login(user).get(url).status_code == 403
    assert login(bkd_user).get(url).status_code == 200
