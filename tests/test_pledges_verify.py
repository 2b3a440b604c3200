"""Public verification: by QR/code and by uploading the PDF; nothing more than the minimum."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.certificates import issue_certificate
from portal.limits import PDF_CHECKS_PER_ADDRESS
from portal.nip import mask_nip
from tests.pledges_helpers import decide, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def signature(employee):
    return make_signature(employee)


def test_it_shows_status_and_the_minimum_identity(client, employee, signature):
    response = client.get(reverse("pledges:verify", args=[signature.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "SAH" in page and signature.campaign.title in page
    assert employee.name in page and mask_nip(employee.nip) in page
    assert employee.unit.name in page and employee.instansi.name in page
    assert employee.nip not in page and employee.nip_display not in page
    assert employee.jabatan not in page and signature.ip_address not in page


def test_codes_are_accepted_as_printed(client, signature):
    response = client.get(reverse("pledges:verify_index"), {"code": signature.code_display.lower()})
    assert response.status_code == 302
    assert response.url == reverse("pledges:verify", args=[signature.code])
    dashed = reverse("pledges:verify", args=[signature.code_display])
    assert client.get(dashed).status_code == 200


@pytest.mark.parametrize(("action", "word"), [("cabut", "DICABUT"), ("kembalikan", "DIKEMBALIKAN")])
def test_it_says_when_a_signature_no_longer_holds(client, signature, action, word):
    decide(signature, action)
    page = client.get(reverse("pledges:verify", args=[signature.code])).content.decode()
    assert word in page and "SAH</strong>" not in page


def test_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("pledges:verify", args=["AAAABBBBCCCCDDDD"]))
    assert response.status_code == 404
    assert "Kode verifikasi tidak dikenal" in response.content.decode()


def test_a_malformed_code_gets_a_message(client):
    response = client.get(reverse("pledges:verify_index"), {"code": "123"})
    assert response.status_code == 400
    assert "16 huruf dan angka" in response.content.decode()


def upload(client, content: bytes, name: str = "sertifikat.pdf"):
    return client.post(
        reverse("pledges:verify_pdf"),
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_an_unmodified_pdf_is_authentic(client, signature):
    pdf = issue_certificate(signature.pk).file.read()
    page = upload(client, pdf).content.decode()
    assert "Berkas ini asli" in page
    assert reverse("pledges:verify", args=[signature.code]) in page


def test_a_changed_byte_makes_the_pdf_unknown(client, signature):
    pdf = bytearray(issue_certificate(signature.pk).file.read())
    pdf[len(pdf) // 2] ^= 0x01
    page = upload(client, bytes(pdf)).content.decode()
    assert "TIDAK cocok" in page


def test_a_non_pdf_with_a_pdf_name_is_refused(client):
    response = upload(client, b"MZ\x90\x00 not a pdf at all")
    assert response.status_code == 400
    assert "bukan PDF" in response.content.decode()


def test_a_huge_upload_is_refused(client):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (10 * 2**20 + 1))
    assert response.status_code == 400
    assert "lebih besar dari 10 MB" in response.content.decode()


def test_uploads_are_rate_limited(client, signature):
    for _ in range(int(PDF_CHECKS_PER_ADDRESS.split("/")[0])):
        assert upload(client, b"%PDF-1.7 x").status_code == 200
    response = upload(client, b"%PDF-1.7 x")
    assert response.status_code == 429


def test_uploads_are_not_stored(client, signature, settings, tmp_path):
    before = {p for p in (tmp_path / "media").rglob("*")}
    upload(client, io.BytesIO(b"%PDF-1.7 hello").getvalue())
    assert {p for p in (tmp_path / "media").rglob("*")} == before
