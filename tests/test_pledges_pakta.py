"""Pakta Integritas: the head signs for the unit, the Sekda countersigns, progress, reminders."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from pledges.certificates import issue_certificate
from pledges.models import Reminder, Signature
from portal.models import Unit
from tests.conftest import login, make_employee, make_user
from tests.pledges_helpers import data_url, drawn_png, make_campaign, make_signature, prohibitions

pytestmark = pytest.mark.django_db


def form_data(points: int = 4) -> dict:
    return {
        **{f"point_{i}": "on" for i in range(1, points + 1)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }


def pdf_text(signature) -> str:
    pdf = issue_certificate(signature.pk).file.read()
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


def sign_url(campaign, unit) -> str:
    return reverse("pledges:sign_pakta", args=[campaign.pk, unit.pk])


def test_the_camat_signs_the_pakta_of_the_kecamatan(camat_user, kecamatan, campaign):
    response = login(camat_user).post(sign_url(campaign, kecamatan), form_data())
    pakta = Signature.objects.pakta().get()
    assert response.status_code == 302
    assert pakta.unit == kecamatan and pakta.employee == camat_user.employee
    assert pakta.identity["jabatan"] == "Camat Kota Atambua"
    text = pdf_text(pakta)
    assert "PAKTA INTEGRITAS" in text.upper() and "Kecamatan Kota Atambua" in text
    assert camat_user.employee.nip_display in text and pakta.code_display in text


def test_an_acting_head_signs_and_the_document_says_so(camat_user, kecamatan, campaign):
    kecamatan.head_status = Unit.HeadStatus.PLT
    kecamatan.save()
    login(camat_user).post(sign_url(campaign, kecamatan), form_data())
    pakta = Signature.objects.pakta().get()
    assert pakta.identity["head_prefix"] == "Plt. "
    assert "Plt. Camat Kota Atambua" in pdf_text(pakta)


def test_the_prohibitions_variant_lists_the_pp_94_points(camat_user, kecamatan, instansi):
    campaign = make_campaign(instansi, pakta_variant="larangan", pakta_points=prohibitions())
    page = login(camat_user).get(sign_url(campaign, kecamatan)).content.decode()
    assert "point_7" in page
    login(camat_user).post(sign_url(campaign, kecamatan), form_data(points=7))
    text = pdf_text(Signature.objects.pakta().get())
    assert "Tidak menjadi peserta kampanye dengan menggunakan fasilitas negara." in text
    assert "bersedia dikenakan sanksi" in text


def test_one_valid_pakta_per_unit(camat_user, kecamatan, campaign):
    client = login(camat_user)
    client.post(sign_url(campaign, kecamatan), form_data())
    response = client.post(sign_url(campaign, kecamatan), form_data(), follow=True)
    assert Signature.objects.pakta().count() == 1
    assert "Dokumen ini sudah Anda tanda tangani." in response.content.decode()


@pytest.mark.parametrize("persona", ["asn_user", "other_asn_user"])
def test_only_the_head_of_that_unit_may_sign(request, persona, kecamatan, campaign):
    user = request.getfixturevalue(persona)
    assert login(user).get(sign_url(campaign, kecamatan)).status_code == 404
    assert login(user).post(sign_url(campaign, kecamatan), form_data()).status_code == 404
    assert not Signature.objects.exists()


def test_staff_roles_cannot_sign_a_pakta(bkd_user, kecamatan, campaign):
    assert login(bkd_user).post(sign_url(campaign, kecamatan), form_data()).status_code == 403


def test_anonymous_goes_to_login(client, kecamatan, campaign):
    assert client.get(sign_url(campaign, kecamatan)).url.startswith(reverse("login"))


@pytest.fixture
def sekda_with_employee(sekda_user, instansi):
    setda = Unit.objects.create(instansi=instansi, name="Sekretariat Daerah", kind="setda")
    sekda_user.employee = make_employee(
        setda,
        "Drs. Agustinus Nahak",
        jabatan="Sekretaris Daerah",
        golongan="IV/c",
        jabatan_category="jpt_pratama",
    )
    sekda_user.save()
    return sekda_user


def test_the_sekda_countersigns_and_the_pakta_shows_both(
    camat_user, kecamatan, campaign, sekda_with_employee
):
    login(camat_user).post(sign_url(campaign, kecamatan), form_data())
    pakta = Signature.objects.pakta().get()
    url = reverse("pledges:sign_witness", args=[pakta.code])
    assert login(sekda_with_employee).post(url, form_data()).status_code == 302
    witness = Signature.objects.get(kind=Signature.Kind.WITNESS)
    assert witness.witnessed == pakta and pakta.current_document() == witness
    text = pdf_text(witness)
    assert "Mengetahui" in text and "Drs. Agustinus Nahak" in text
    assert camat_user.employee.name in text
    response = login(sekda_with_employee).get(reverse("pledges:certificate", args=[pakta.code]))
    served = b"".join(response.streaming_content)
    assert served == issue_certificate(witness.pk).file.read()


def test_others_cannot_countersign(camat_user, kecamatan, campaign, bkd_user, other_bkd_user):
    login(camat_user).post(sign_url(campaign, kecamatan), form_data())
    url = reverse("pledges:sign_witness", args=[Signature.objects.pakta().get().code])
    assert login(bkd_user).get(url).status_code == 403
    assert login(camat_user).get(url).status_code == 404
    assert not Signature.objects.filter(kind=Signature.Kind.WITNESS).exists()


class TestUnitProgress:
    @pytest.fixture
    def staff(self, kecamatan):
        return [
            make_employee(kecamatan, f"Staf {i}", email=f"staf{i}@belu.go.id" if i else "")
            for i in range(3)
        ]

    def url(self, campaign, unit):
        return reverse("pledges:unit_progress", args=[campaign.pk, unit.pk])

    def test_the_head_sees_signed_and_unsigned_staff(self, camat_user, kecamatan, campaign, staff):
        make_signature(staff[1], campaign)
        page = login(camat_user).get(self.url(campaign, kecamatan)).content.decode()
        # The camat is staff of the kecamatan too: 1 of 4 signed.
        assert "1 dari 4 pegawai sudah menandatangani (25,0%)" in page
        assert staff[0].name in page and staff[2].name in page
        assert staff[1].name not in page

    def test_staff_without_email_get_a_call_list_and_letters(
        self, camat_user, kecamatan, campaign, staff
    ):
        staff[0].phone = "081234567890"
        staff[0].save()
        page = login(camat_user).get(self.url(campaign, kecamatan)).content.decode()
        # Staf 0 and the camat have no email; Staf 1 and 2 do.
        assert "Kirim email pengingat ke 2 pegawai" in page
        assert "2 pegawai tidak punya email" in page
        call_list = page.split('id="call-list"')[1]
        assert 'href="tel:081234567890"' in call_list and staff[0].name in call_list
        letters = page.split('class="activation-letters')[1]
        assert staff[0].name in letters and staff[1].name not in letters
        assert reverse("pledges:paper_start", args=[campaign.pk]) in page

    def test_the_head_reminds_unsigned_staff_once_per_interval(
        self, camat_user, kecamatan, campaign, staff, django_capture_on_commit_callbacks
    ):
        make_signature(staff[1], campaign)
        client = login(camat_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(campaign, kecamatan), follow=True)
        assert [m.to for m in mail.outbox] == [["staf2@belu.go.id"]]
        assert "Pengingat dikirim ke 1 pegawai" in response.content.decode()
        assert campaign.title in mail.outbox[0].subject
        link = "http://testserver" + reverse("pledges:sign", args=[campaign.pk])
        assert link in mail.outbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(campaign, kecamatan), follow=True)
        assert len(mail.outbox) == 1 and Reminder.objects.count() == 1
        assert "1 dilewati karena baru diingatkan" in response.content.decode()

    def test_others_are_kept_out(
        self, asn_user, other_bkd_user, inspektorat_user, kecamatan, campaign
    ):
        url = self.url(campaign, kecamatan)
        assert login(asn_user).get(url).status_code == 404
        assert login(other_bkd_user).get(url).status_code == 404
        assert login(inspektorat_user).post(url).status_code == 403

    def test_bkd_sees_and_reminds(self, bkd_user, kecamatan, campaign, staff):
        assert login(bkd_user).get(self.url(campaign, kecamatan)).status_code == 200
        assert login(bkd_user).post(self.url(campaign, kecamatan)).status_code == 302


class TestUnitHead:
    def url(self, unit):
        return reverse("portal:unit_head", args=[unit.pk])

    def test_bkd_assigns_an_acting_head_who_then_signs(self, bkd_user, instansi, campaign):
        unit = Unit.objects.create(instansi=instansi, name="Dinas Sosial", kind="dinas")
        person = make_employee(unit, "Yosef Bere", jabatan="Sekretaris Dinas Sosial")
        response = login(bkd_user).post(
            self.url(unit),
            {"nip": person.nip_display, "head_status": "plt", "head_title": "Kepala Dinas Sosial"},
        )
        assert response.status_code == 302
        unit.refresh_from_db()
        assert (unit.head, unit.head_status) == (person, "plt")
        user = make_user(employee=person)
        login(user).post(sign_url(campaign, unit), form_data())
        pakta = Signature.objects.pakta().get(unit=unit)
        assert "Plt. Kepala Dinas Sosial" in pdf_text(pakta)

    def test_a_nip_of_another_instansi_is_refused(self, bkd_user, kecamatan, other_asn_user):
        response = login(bkd_user).post(
            self.url(kecamatan), {"nip": other_asn_user.employee.nip, "head_status": "definitif"}
        )
        assert response.status_code == 400
        assert "Tidak ada pegawai aktif instansi ini" in response.content.decode()
        kecamatan.refresh_from_db()
        assert kecamatan.head is None

    def test_only_bkd_of_the_instansi(self, sekda_user, other_bkd_user, kecamatan):
        assert login(sekda_user).get(self.url(kecamatan)).status_code == 403
        assert login(other_bkd_user).get(self.url(kecamatan)).status_code == 404
