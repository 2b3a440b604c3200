import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from sanctions import services
from sanctions.models import Case, ReportingBody, Stage, ViolationType
from tests.conftest import login, make_employee, make_unit, read_csv
from tests.sanctions_helpers import TODAY, decision_data, make_case, put_in_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(employee, bkd_user):
    return make_case(employee, bkd_user)


@pytest.fixture
def decided(case, bkd_user):
    put_in_stage(case, Stage.EXAMINATION_REPORT, bkd_user)
    case.examination_team = "Drs. Blasius Atok (Inspektur Pembantu)\nKepala BKPSDM"
    case.examined_on = datetime.date(2025, 5, 22)
    case.save()
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, tzinfo=datetime.UTC), tick=False):
        services.transition(case=case, to_stage=Stage.DECISION, actor=bkd_user,
                            occurred_on=TODAY, decision=decision_data())  # fmt: skip
    return case


def object_urls(case):
    return [
        reverse("sanctions:detail", args=[case.pk]),
        reverse("sanctions:sk_pdf", args=[case.pk]),
        reverse("sanctions:bap_pdf", args=[case.pk]),
    ]


LIST_URLS = ["sanctions:list", "sanctions:dashboard", "sanctions:overdue",
             "sanctions:export_csv", "sanctions:export_xlsx"]  # fmt: skip


def test_permission_matrix_for_reading(
    client, decided, asn_user, bkd_user, inspektorat_user, sekda_user, auditor_user,
    other_bkd_user,
):  # fmt: skip
    for url in object_urls(decided) + [reverse(name) for name in LIST_URLS]:
        assert client.get(url).status_code == 302, url
        assert client.get(url).url.startswith(reverse("login"))
        assert login(asn_user).get(url).status_code == 403, url
        for user in (bkd_user, inspektorat_user, sekda_user, auditor_user):
            assert login(user).get(url).status_code == 200, (url, user)
    for url in object_urls(decided):
        assert login(other_bkd_user).get(url).status_code == 404, url


def test_permission_matrix_for_working_cases(
    client, case, asn_user, bkd_user, inspektorat_user, sekda_user, auditor_user, other_bkd_user
):
    urls = [reverse("sanctions:create"),
            reverse("sanctions:transition", args=[case.pk, "panggilan_1"])]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 302
        for user in (asn_user, sekda_user, auditor_user):
            assert login(user).get(url).status_code == 403, (url, user)
        assert login(bkd_user).get(url).status_code == 200
        assert login(inspektorat_user).get(url).status_code == 200
    assert login(other_bkd_user).get(urls[1]).status_code == 404
    upload = reverse("sanctions:evidence_upload", args=[case.pk])
    assert login(sekda_user).post(upload).status_code == 403
    assert login(asn_user).post(upload).status_code == 403
    assert login(other_bkd_user).post(upload).status_code == 404


def test_an_asn_sees_nothing_of_their_own_case(case, asn_user):
    assert case.employee == asn_user.employee
    assert Case.objects.visible_to(asn_user).count() == 0
    response = login(asn_user).get(reverse("home"))
    assert reverse("sanctions:list") not in response.content.decode()


def test_the_detail_page_offers_only_allowed_transitions(case, bkd_user, sekda_user):
    page = login(bkd_user).get(reverse("sanctions:detail", args=[case.pk])).content.decode()
    assert reverse("sanctions:transition", args=[case.pk, "panggilan_1"]) in page
    assert reverse("sanctions:transition", args=[case.pk, "tidak_terbukti"]) in page
    assert reverse("sanctions:transition", args=[case.pk, "keputusan"]) not in page
    response = login(bkd_user).get(reverse("sanctions:transition", args=[case.pk, "keputusan"]))
    assert response.status_code == 404
    response = login(bkd_user).post(
        reverse("sanctions:transition", args=[case.pk, "selesai"]), {"occurred_on": "2025-06-02"}
    )
    assert response.status_code == 404
    sekda_page = login(sekda_user).get(reverse("sanctions:detail", args=[case.pk]))
    assert "panggilan_1" not in sekda_page.content.decode()


def test_it_creates_a_case_with_an_identity_snapshot(bkd_user, employee):
    kampanye = ViolationType.objects.get(code="netral-kampanye")
    response = login(bkd_user).post(
        reverse("sanctions:create"),
        {
            "nip": employee.nip_display,
            "reporting_body": ReportingBody.objects.get(code="bawaslu").pk,
            "source_reference": "REK-12/BKN/2025",
            "received_on": "2025-05-02",
            "violations": [kampanye.pk],
            "description": "Foto bersama calon.",
        },  # fmt: skip
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sanctions:detail", args=[case.pk])
    assert case.employee_snapshot["nip"] == employee.nip
    assert case.employee_snapshot["jabatan"] == "Guru Ahli Pertama"
    assert (case.unit, case.employee_kind, case.jabatan_category) == (
        employee.unit, "PNS", "fungsional",
    )  # fmt: skip
    employee.jabatan = "Kepala Sekolah"
    employee.save()
    case.refresh_from_db()
    assert case.employee_snapshot["jabatan"] == "Guru Ahli Pertama"
    assert case.events.get().to_stage == "telaah"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", "123", "tidak ada di instansi Anda"),
        ("received_on", "2999-01-01", "masa depan"),
        ("violations", "lainnya", "Uraikan pelanggaran lain"),
    ],
)
def test_it_refuses_a_bad_report(bkd_user, employee, field, value, message):
    data = {
        "nip": employee.nip, "received_on": "2025-05-02",
        "reporting_body": ReportingBody.objects.get(code="bawaslu").pk,
        "violations": [ViolationType.objects.get(code="netral-kampanye").pk],
        "description": "x",
    }  # fmt: skip
    data[field] = [ViolationType.objects.get(code=value).pk] if field == "violations" else value
    response = login(bkd_user).post(reverse("sanctions:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_an_employee_of_another_instansi(bkd_user, other_asn_user):
    response = login(bkd_user).post(
        reverse("sanctions:create"),
        {
            "nip": other_asn_user.employee.nip,
            "reporting_body": ReportingBody.objects.get(code="bawaslu").pk,
            "received_on": "2025-05-02",
            "violations": [1],
            "description": "x",
        },  # fmt: skip
    )
    assert "tidak ada di instansi Anda" in response.content.decode()
    assert not Case.objects.exists()


def test_the_list_filters_and_scopes(bkd_user, employee, other_bkd_user, other_asn_user):
    health = make_unit(employee.instansi, "Dinas Kesehatan")
    nurse = make_employee(health, "Theresia Luan", jabatan_category="pelaksana")
    first = make_case(employee, bkd_user)
    second = make_case(nurse, bkd_user)
    put_in_stage(second, Stage.SUMMONS_1, bkd_user)
    make_case(other_asn_user.employee, other_bkd_user)
    client = login(bkd_user)
    url = reverse("sanctions:list")
    assert set(client.get(url).context["page"].object_list) == {first, second}
    assert list(client.get(url, {"stage": "panggilan_1"}).context["page"]) == [second]
    assert list(client.get(url, {"unit": health.pk}).context["page"]) == [second]
    assert list(client.get(url, {"jabatan_category": "fungsional"}).context["page"]) == [first]
    assert len(client.get(url, {"reporting_body": 2}).context["page"]) == 0
    assert client.get(url, {"stage": "nonsense"}).status_code == 200


def test_the_list_level_filter_uses_the_decision(decided, bkd_user, employee):
    make_case(employee, bkd_user)
    page = login(bkd_user).get(reverse("sanctions:list"), {"level": "sedang"}).context["page"]
    assert list(page) == [decided]


def test_the_list_has_no_n_plus_one(bkd_user, employee, django_assert_max_num_queries):
    for _ in range(5):
        make_case(employee, bkd_user)
    client = login(bkd_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("sanctions:list"))
    assert len(response.context["page"]) == 5


def test_the_dashboard_counts_by_level_stage_violation_and_jabatan(decided, bkd_user, employee):
    make_case(employee, bkd_user, violations=["netral-fasilitas", "netral-kampanye"])
    ctx = login(bkd_user).get(reverse("sanctions:dashboard")).context
    assert ctx["total"] == 2
    assert sorted(ctx["by_level"]) == [("Belum diputus", 1), ("Sedang", 1)]
    assert ("Keputusan", 1) in ctx["by_stage"]
    assert ("Telaah", 1) in ctx["by_stage"]
    assert ctx["by_jabatan"] == [("Fungsional", 2)]
    assert dict(ctx["by_violation"])["Ikut kampanye untuk mendukung calon"] == 2


def test_the_overdue_list_groups_by_instansi(employee, bkd_user, auditor_user, other_asn_user,
                                             other_bkd_user):  # fmt: skip
    mine = put_in_stage(make_case(employee, bkd_user), Stage.SUMMONS_1, bkd_user)
    mine.due_on, mine.due_key = datetime.date(2025, 5, 30), "panggilan_1"
    mine.save()
    theirs = make_case(other_asn_user.employee, other_bkd_user)
    Case.objects.filter(pk=theirs.pk).update(due_on=datetime.date(2025, 5, 1),
                                              due_key="panggilan_1")  # fmt: skip
    on_time = make_case(employee, bkd_user)
    Case.objects.filter(pk=on_time.pk).update(due_on=datetime.date(2999, 1, 1))
    assert list(login(bkd_user).get(reverse("sanctions:overdue")).context["cases"]) == [mine]
    response = login(auditor_user).get(reverse("sanctions:overdue"))
    assert set(response.context["cases"]) == {mine, theirs}
    assert "Pemerintah Kota Kupang" in response.content.decode()


def test_the_detail_page_warns_of_an_overdue_deadline(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.SUMMONS_1, bkd_user)
    case.due_on, case.due_key = datetime.date(2025, 5, 30), "panggilan_1"
    case.save()
    page = login(bkd_user).get(reverse("sanctions:detail", args=[case.pk])).content.decode()
    assert "lewat tenggat" in page
    assert "30 Mei 2025" in page


def test_exports_neutralise_formulas(bkd_user, employee):
    make_case(employee, bkd_user, source_reference='=HYPERLINK("http://x","klik")')
    client = login(bkd_user)
    response = client.get(reverse("sanctions:export_csv"))
    rows = read_csv(response)
    assert rows[0][:4] == ["No. kasus", "Instansi", "NIP", "Nama"]
    assert rows[1][8] == '\'=HYPERLINK("http://x","klik")'
    response = client.get(reverse("sanctions:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=9).value == '\'=HYPERLINK("http://x","klik")'
    assert sheet.cell(row=2, column=4).value == employee.name


def test_exports_keep_the_scope(bkd_user, employee, other_bkd_user):
    make_case(employee, bkd_user)
    response = login(other_bkd_user).get(reverse("sanctions:export_csv"))
    assert len(read_csv(response)) == 1


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Line wrapping is layout, not content: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_sk_pdf_reads_back(decided, bkd_user, employee):
    text = pdf_text(login(bkd_user).get(reverse("sanctions:sk_pdf", args=[decided.pk])))
    assert "800.1.6.4/123/BKPSDM/2025" in text
    assert employee.name in text
    assert "Pemotongan tunjangan kinerja 25% selama 6 bulan" in text
    assert "28 Mei 2025" in text
    assert "Agustinus Taolin" in text


def test_the_bap_pdf_reads_back(decided, bkd_user, employee):
    text = pdf_text(login(bkd_user).get(reverse("sanctions:bap_pdf", args=[decided.pk])))
    assert "BERITA ACARA PEMERIKSAAN" in text
    assert employee.nip_display in text
    assert "Drs. Blasius Atok" in text
    assert "22 Mei 2025" in text


def test_pdfs_need_their_stage(case, bkd_user):
    assert login(bkd_user).get(reverse("sanctions:sk_pdf", args=[case.pk])).status_code == 404
    assert login(bkd_user).get(reverse("sanctions:bap_pdf", args=[case.pk])).status_code == 404


def test_the_export_shows_the_sanction_in_force_after_an_appeal(decided, bkd_user):
    from sanctions.models import Appeal, SanctionType

    lighter = SanctionType.objects.get(code="teguran-tertulis")
    Appeal.objects.create(case=decided, kind="keberatan", filed_on=TODAY, outcome="diperingan",
                          decided_on=TODAY, new_sanction_type=lighter)  # fmt: skip
    response = login(bkd_user).get(reverse("sanctions:export_csv"))
    rows = read_csv(response)
    assert rows[1][12] == "Teguran tertulis"
    page = login(bkd_user).get(reverse("sanctions:detail", args=[decided.pk]))
    assert "Hukuman yang berlaku sekarang: Teguran tertulis" in page.content.decode()


def test_the_sk_pdf_is_indonesian_for_an_english_reader(decided, bkd_user):
    client = login(bkd_user)
    client.cookies["django_language"] = "en"
    text = pdf_text(client.get(reverse("sanctions:sk_pdf", args=[decided.pk])))
    assert "28 Mei 2025" in text


def test_the_list_marks_overdue_cases(employee, bkd_user):
    case = put_in_stage(make_case(employee, bkd_user), Stage.SUMMONS_1, bkd_user)
    case.due_on, case.due_key = datetime.date(2025, 5, 30), "panggilan_1"
    case.save()
    assert "(lewat)" in login(bkd_user).get(reverse("sanctions:list")).content.decode()


def test_the_auditor_filters_by_instansi(auditor_user, bkd_user, employee, other_asn_user,
                                         other_bkd_user, other_instansi):  # fmt: skip
    make_case(employee, bkd_user)
    theirs = make_case(other_asn_user.employee, other_bkd_user)
    client = login(auditor_user)
    response = client.get(reverse("sanctions:list"), {"instansi": other_instansi.pk})
    assert list(response.context["page"]) == [theirs]
    assert "unit" not in response.context["form"].fields


def test_the_appeal_outcome_is_recorded_through_the_form(employee, bkd_user):
    from sanctions.models import SanctionType

    case = put_in_stage(make_case(employee, bkd_user), Stage.OBJECTION, bkd_user)
    url = reverse("sanctions:transition", args=[case.pk, "berlaku"])
    client = login(bkd_user)
    form = client.get(url).context["form"]
    assert [c[0] for c in form.fields["outcome"].choices] == [
        "dikuatkan", "diperingan", "diperberat",
    ]  # fmt: skip
    lighter = SanctionType.objects.get(code="teguran-lisan")
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, tzinfo=datetime.UTC), tick=False):
        response = client.post(url, {"occurred_on": "2025-06-02", "outcome": "diperingan",
                                      "new_sanction_type": lighter.pk})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.IN_FORCE
    assert case.appeals.get().new_sanction_type == lighter


def test_the_detail_page_has_no_n_plus_one(decided, bkd_user, django_assert_max_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for n in range(4):
        services.add_evidence(case=decided, actor=bkd_user, upload=SimpleUploadedFile(
            f"b{n}.pdf", b"%PDF-1.4 x"))  # fmt: skip
    client = login(bkd_user)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("sanctions:detail", args=[decided.pk]))
    assert len(response.context["evidence"]) == 4
