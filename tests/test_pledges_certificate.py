"""The certificate PDF: rendered once, stored with its hash, read back, served to few."""

import datetime as dt
import hashlib
import io

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from pledges.certificates import issue_certificate, verification_url
from pledges.models import Certificate
from tests.conftest import login, make_employee, make_user
from tests.pledges_helpers import ikrar_points, make_campaign, make_signature

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def qr_codes(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def signature(employee):
    return make_signature(employee)


@pytest.fixture
def cert(signature):
    return issue_certificate(signature.pk)


def test_the_pdf_reads_back_as_the_signed_document(employee, signature, cert):
    pdf = cert.file.read()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert employee.name in text
    assert employee.nip_display in text
    assert "IKRAR NETRALITAS APARATUR SIPIL NEGARA" in text.upper()
    for point in ikrar_points():
        assert squash(point) in text
    assert "Atambua," in text and employee.instansi.name.upper() in text.upper()
    assert signature.code_display in text
    assert signature.text_hash in text and signature.record_hash in text


def test_the_qr_code_decodes_to_the_verification_url(signature, cert):
    assert qr_codes(cert.file.read()) == [verification_url(signature)]
    assert verification_url(signature) == f"http://testserver/v/{signature.code}/"


def test_the_date_is_indonesian_in_the_instansi_time_zone(employee, time_machine):
    # 23:30 UTC on 14 November is already 15 November in Atambua (WITA, UTC+8).
    time_machine.move_to("2023-11-14T23:30:00Z", tick=False)
    campaign = make_campaign(
        employee.instansi, opens_on=dt.date(2023, 11, 1), closes_on=dt.date(2023, 11, 30)
    )
    signature = make_signature(employee, campaign)
    text = pdf_text(issue_certificate(signature.pk).file.read())
    assert "Atambua, 15 November 2023" in text
    assert "15 November 2023 07.30 WITA" in text


def test_it_is_rendered_once_and_stored_with_its_hash(signature, cert):
    assert cert.sha256 == hashlib.sha256(cert.file.read()).hexdigest()
    assert issue_certificate(signature.pk).pk == cert.pk
    assert Certificate.objects.count() == 1


def test_the_download_serves_the_stored_bytes(asn_user, signature, cert):
    response = login(asn_user).get(reverse("pledges:certificate", args=[signature.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == cert.sha256


def test_a_missing_certificate_is_rendered_on_first_download(asn_user, signature):
    assert not Certificate.objects.exists()  # the on-commit task did not run in this test
    response = login(asn_user).get(reverse("pledges:certificate", args=[signature.code]))
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == Certificate.objects.get().sha256


class TestDownloadPermissions:
    def url(self, signature) -> str:
        return reverse("pledges:certificate", args=[signature.code])

    def test_anonymous_goes_to_login(self, client, signature):
        response = client.get(self.url(signature))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("persona", ["inspektorat_user", "auditor_user", "other_bkd_user"])
    def test_others_get_404(self, request, persona, signature):
        user = request.getfixturevalue(persona)
        assert login(user).get(self.url(signature)).status_code == 404

    def test_a_colleague_gets_404(self, unit, signature):
        colleague = make_user(employee=make_employee(unit, "Yakobus Mali"))
        assert login(colleague).get(self.url(signature)).status_code == 404

    @pytest.mark.parametrize("persona", ["asn_user", "bkd_user", "sekda_user"])
    def test_owner_bkd_and_sekda_download(self, request, persona, signature, cert):
        user = request.getfixturevalue(persona)
        response = login(user).get(self.url(signature))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
