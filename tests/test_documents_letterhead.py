"""The BKD's letterhead and seal page: who may reach it, what it accepts, what it refuses."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.models import AuditEvent, Instansi
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "documents:letterhead"


def png(size=(120, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (18, 58, 99)).save(buffer, "PNG")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    data = {
        "office_name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "office_address": "Jalan Basuki Rahmat Nomor 1, Atambua 85711",
        "office_contact": "Telepon (0389) 21001",
        "paper_size": "F4",
        "pattern_ikrar": "800.1.6/IKR/{year}/{seq:06}",
        "pattern_pakta": "800.1.6/PKT/{year}/{seq:06}",
        "pattern_rekap": "800.1.6/REK/{year}/{seq:04}",
        "pattern_bap": "BAP/{seq:03}/{month_roman}/{year}",
        "pattern_apel": "800.1.6/APL/{year}/{seq:04}",
    }
    data.update(overrides)
    return data


class TestPermissions:
    @pytest.mark.parametrize("name", [URL, "documents:letterhead_logo",
                                      "documents:letterhead_preview"])  # fmt: skip
    def test_anonymous_goes_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("persona", ["asn_user", "sekda_user", "inspektorat_user",
                                         "auditor_user"])  # fmt: skip
    def test_other_roles_are_refused(self, request, persona):
        user = request.getfixturevalue(persona)
        assert login(user).get(reverse(URL)).status_code == 403
        assert login(user).post(reverse(URL), form_data()).status_code == 403

    def test_a_bkd_of_another_instansi_changes_only_its_own(self, other_bkd_user, instansi):
        response = login(other_bkd_user).post(reverse(URL), form_data())
        assert response.status_code == 302
        assert Instansi.objects.get(code="kupang").paper_size == "F4"
        assert Instansi.objects.get(pk=instansi.pk).paper_size == "A4"

    def test_the_bkd_sees_the_page_with_its_seal_status(self, bkd_user):
        page = login(bkd_user).get(reverse(URL)).content.decode()
        assert "Segel pengembangan" in page
        assert "belu.p12" in page and "SEAL_PASSWORD_BELU" in page


def test_the_bkd_saves_the_letterhead_and_it_is_audited(bkd_user, instansi):
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = login(bkd_user).post(reverse(URL), {**form_data(), "logo_file": logo})
    assert response.status_code == 302
    instansi.refresh_from_db()
    assert instansi.paper_size == "F4" and instansi.logo
    # Only the pattern that differs from the default is stored.
    assert instansi.number_patterns == {"bap": "BAP/{seq:03}/{month_roman}/{year}"}
    assert AuditEvent.objects.filter(action="instansi.letterhead", instansi=instansi).exists()
    served = login(bkd_user).get(reverse("documents:letterhead_logo"))
    assert served["Content-Type"] == "image/png" and served.content == png()


def test_the_sample_pdf_shows_the_letterhead(bkd_user, instansi):
    from tests.documents_helpers import text_of

    login(bkd_user).post(reverse(URL), form_data())
    response = login(bkd_user).get(reverse("documents:letterhead_preview"))
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA" in text
    assert "CONTOH" in text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "PNG atau JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "PNG atau JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"broken", "rusak"),
        (png((2400, 50)), "2000 × 2000"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024), "512 KB"),
    ],
)
def test_bad_logos_get_a_clear_message_and_change_nothing(bkd_user, instansi, upload, message):
    logo = SimpleUploadedFile("logo.png", upload, content_type="image/png")
    response = login(bkd_user).post(reverse(URL), {**form_data(), "logo_file": logo})
    assert response.status_code == 400
    assert message in response.content.decode()
    instansi.refresh_from_db()
    assert not instansi.logo and instansi.paper_size == "A4"


def test_a_bad_number_pattern_is_explained(bkd_user, instansi):
    response = login(bkd_user).post(reverse(URL), form_data(pattern_ikrar="IKR/{seq}"))
    assert response.status_code == 400
    assert "harus memuat {year}" in response.content.decode()
    instansi.refresh_from_db()
    assert instansi.number_patterns == {}
