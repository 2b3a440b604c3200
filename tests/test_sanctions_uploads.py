import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanctions.models import CaseEvent, Evidence, ReportingBody, Stage
from sanctions.uploads import MAX_BYTES
from tests.conftest import login
from tests.sanctions_helpers import make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def case(employee, bkd_user):
    return make_case(employee, bkd_user)


def post_evidence(user, case, file, description=""):
    return login(user).post(
        reverse("sanctions:evidence_upload", args=[case.pk]),
        {"file": file, "description": description},
    )


def test_it_stores_a_pdf_outside_the_web_root_under_a_generated_name(bkd_user, case):
    response = post_evidence(bkd_user, case, upload("rekomendasi bawaslu.pdf", PDF), "Rekomendasi")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.description == "Rekomendasi"
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "rekomendasi bawaslu.pdf"
    assert "rekomendasi" not in evidence.file.name
    assert evidence.file.name.startswith(f"sanctions/evidence/{case.pk}/")
    assert default_storage.exists(evidence.file.name)
    assert len(evidence.sha256) == 64


def test_it_accepts_an_image_by_content(bkd_user, case):
    post_evidence(bkd_user, case, upload("foto.jpeg", PNG, "image/jpeg"))
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, b"<html><script>alert(1)</script></html>"],
)
def test_it_rejects_other_types_disguised_by_extension(bkd_user, case, content):
    response = post_evidence(bkd_user, case, upload("bukti.pdf", content))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("hanya PDF, PNG atau JPEG" in m for m in messages)


def test_it_rejects_a_file_that_is_too_big(bkd_user, case):
    response = post_evidence(bkd_user, case, upload("besar.pdf", PDF + b"0" * MAX_BYTES))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert any("terlalu besar" in str(m) for m in response.wsgi_request._messages)


def test_a_bad_attachment_leaves_the_case_unchanged(bkd_user, case):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, tzinfo=datetime.UTC), tick=False):
        response = login(bkd_user).post(
            reverse("sanctions:transition", args=[case.pk, "panggilan_1"]),
            {"occurred_on": "2025-06-02", "attachment": upload("surat.pdf", b"GIF89a....")},
        )
    assert response.status_code == 200
    assert "hanya PDF" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.SCREENING
    assert CaseEvent.objects.count() == 1
    assert not Evidence.objects.exists()


def test_it_attaches_a_summons_letter_to_the_event(bkd_user, case):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 2, tzinfo=datetime.UTC), tick=False):
        login(bkd_user).post(
            reverse("sanctions:transition", args=[case.pk, "panggilan_1"]),
            {"occurred_on": "2025-06-02", "note": "Surat panggilan I",
             "attachment": upload("panggilan.pdf", PDF)},
        )  # fmt: skip
    event = CaseEvent.objects.get(to_stage="panggilan_1")
    assert event.attachments.get().original_name == "panggilan.pdf"


def test_it_serves_evidence_only_to_allowed_users(
    client, bkd_user, case, sekda_user, auditor_user, asn_user, other_bkd_user
):
    post_evidence(bkd_user, case, upload("bukti.pdf", PDF))
    url = reverse("sanctions:evidence", args=[case.pk, Evidence.objects.get().pk])
    response = login(bkd_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert login(sekda_user).get(url).status_code == 200
    assert login(auditor_user).get(url).status_code == 200
    assert login(asn_user).get(url).status_code == 403
    assert login(other_bkd_user).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_a_report_carries_several_evidence_files(bkd_user, employee):
    from sanctions.models import ViolationType

    response = login(bkd_user).post(
        reverse("sanctions:create"),
        {
            "nip": employee.nip,
            "reporting_body": ReportingBody.objects.get(code="bawaslu").pk,
            "received_on": "2025-05-02",
            "violations": [ViolationType.objects.get(code="netral-kampanye").pk],
            "description": "Foto kampanye.",
            "evidence": [upload("foto.png", PNG, "image/png"), upload("surat.pdf", PDF)],
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == [
        "foto.png", "surat.pdf",
    ]  # fmt: skip
    assert {e.event.to_stage for e in Evidence.objects.all()} == {"telaah"}


def test_one_bad_file_among_several_stores_nothing(bkd_user, employee):
    from sanctions.models import Case, ViolationType

    response = login(bkd_user).post(
        reverse("sanctions:create"),
        {
            "nip": employee.nip,
            "reporting_body": ReportingBody.objects.get(code="bawaslu").pk,
            "received_on": "2025-05-02",
            "violations": [ViolationType.objects.get(code="netral-kampanye").pk],
            "description": "Foto kampanye.",
            "evidence": [upload("surat.pdf", PDF), upload("foto.png", b"<svg onload=x>")],
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "hanya PDF" in response.content.decode()
    assert not Case.objects.exists()
    assert not Evidence.objects.exists()
    assert not default_storage.exists("sanctions")
