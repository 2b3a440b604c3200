"""Regional heads and deputies as witnesses: political officials with no NIP, recorded by the
BKD, with a login of their own, who countersign the pakta of the instansi's units."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from pledges.certificates import issue_certificate, verification_url
from pledges.models import Signature
from pledges.services import sign_pakta, sign_witness
from portal import seals
from portal.evidence import verify
from portal.models import AuditEvent, Official, User
from tests.conftest import login, make_user
from tests.documents_helpers import layout_problems, read_pages, text_of
from tests.pledges_helpers import data_url, drawn_input, drawn_png, make_campaign

pytestmark = pytest.mark.django_db

URL = "portal:officials"
BUPATI = "Dr. Markus Nahak Bere, M.Si."


def official_form(**overrides) -> dict:
    data = {
        "office": "kepala",
        "name": BUPATI,
        "title": "Bupati Belu",
        "email": "bupati@belu.example.go.id",
        "username": "bupati.belu",
    }
    data.update(overrides)
    return data


@pytest.fixture
def bupati(instansi) -> User:
    official = Official.objects.create(
        instansi=instansi, office="kepala", name=BUPATI, title="Bupati Belu",
        email="bupati@belu.example.go.id",
    )  # fmt: skip
    return make_user("bupati.belu", role=User.Role.OFFICIAL, instansi=instansi, official=official)


@pytest.fixture
def pakta(instansi, camat_user, kecamatan):
    campaign = make_campaign(instansi)
    return sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                      data=drawn_input())  # fmt: skip


def witness_form() -> dict:
    return {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }


class TestPermissions:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse(URL))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("persona", ["asn_user", "sekda_user", "inspektorat_user",
                                         "auditor_user", "bupati"])  # fmt: skip
    def test_other_roles_are_refused(self, request, persona):
        user = request.getfixturevalue(persona)
        assert login(user).get(reverse(URL)).status_code == 403
        assert login(user).post(reverse(URL), official_form()).status_code == 403

    def test_a_bkd_of_another_instansi_neither_sees_nor_touches_them(self, other_bkd_user, bupati):
        client = login(other_bkd_user)
        assert BUPATI not in client.get(reverse(URL)).content.decode()
        official = bupati.official
        for name in ("portal:official_end", "portal:official_invite"):
            assert client.post(reverse(name, args=[official.pk])).status_code == 404
        official.refresh_from_db()
        assert official.is_active

    def test_only_serving_officials_and_a_sekda_with_a_roster_entry_witness(
        self, pakta, asn_user, bkd_user, sekda_user, other_instansi
    ):
        url = reverse("pledges:sign_witness", args=[pakta.code])
        assert login(bkd_user).get(url).status_code == 403  # never signs anything
        for user in (asn_user, sekda_user):  # this sekda_user has no roster entry
            assert login(user).get(url).status_code in (403, 404)
        foreign = Official.objects.create(
            instansi=other_instansi, office="kepala", name="Wali Kota Lain",
            title="Wali Kota Kupang",
        )  # fmt: skip
        stranger = make_user("walikota.kupang", role=User.Role.OFFICIAL,
                             instansi=other_instansi, official=foreign)  # fmt: skip
        assert login(stranger).get(url).status_code == 404


def test_the_bkd_records_a_bupati_who_activates_and_lands_on_the_pakta_to_witness(
    bkd_user, pakta, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(bkd_user).post(reverse(URL), official_form())
    assert response.status_code == 302
    official = Official.objects.get()
    user = official.user
    assert (user.username, user.role, user.instansi_id) == ("bupati.belu", "pejabat",
                                                             official.instansi_id)  # fmt: skip
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="official.add").exists()
    (message,) = mail.outbox
    assert message.to == ["bupati@belu.example.go.id"] and "bupati.belu" in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    password = {"new_password1": "Saksi-Pakta-2024!", "new_password2": "Saksi-Pakta-2024!"}
    client.post(form_page.redirect_chain[-1][0], password)
    home = client.get(reverse("home")).content.decode()
    assert "Menunggu kesaksian" in home and pakta.unit.name in home
    assert reverse("pledges:sign_witness", args=[pakta.code]) in home


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "Bupati Belu"}, "huruf kecil"),
        ({"email": ""}, "tidak boleh kosong"),
        ({"name": ""}, "tidak boleh kosong"),
        ({"office": "raja"}, "pilihan"),
    ],
)
def test_bad_input_is_refused_in_indonesian(bkd_user, overrides, message):
    response = login(bkd_user).post(reverse(URL), official_form(**overrides))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Official.objects.exists() and not User.objects.filter(role="pejabat").exists()


def test_one_serving_head_at_a_time_and_user_names_are_unique(bkd_user, bupati):
    client = login(bkd_user)
    response = client.post(reverse(URL), official_form(username="bupati.baru"))
    assert response.status_code == 400 and "masa jabatannya" in response.content.decode()
    response = client.post(reverse(URL), official_form(office="wakil", title="Wakil Bupati Belu"))
    assert response.status_code == 400 and "sudah dipakai" in response.content.decode()
    deputy = official_form(office="wakil", title="Wakil Bupati Belu", username="wabup.belu",
                           name="Aloysius Haleserens, S.H.")  # fmt: skip
    assert client.post(reverse(URL), deputy).status_code == 302
    assert Official.objects.filter(is_active=True).count() == 2


def test_a_bupati_witnesses_a_pakta_and_the_document_shows_the_office_without_a_nip(
    bupati, pakta, client
):
    page = login(bupati).get(reverse("pledges:sign_witness", args=[pakta.code]))
    assert page.status_code == 200 and "Bupati Belu" in page.content.decode()
    response = login(bupati).post(reverse("pledges:sign_witness", args=[pakta.code]),
                                  witness_form())  # fmt: skip
    assert response.status_code == 302
    witness = Signature.objects.get(kind="saksi")
    assert witness.employee_id is None and witness.official == bupati.official
    assert witness.identity["name"] == BUPATI and witness.identity["nip"] == ""
    assert witness.payload()["official"] == bupati.official.pk
    assert verify(Signature, witness.chain) is None

    pdf = issue_certificate(witness.pk).file.read()
    text = text_of(pdf)
    assert "Mengetahui" in text and "Bupati Belu" in text and BUPATI in text
    assert text.count("NIP") == 2  # the camat's, in the identity block and under the name
    assert seals.validate(pdf).ok
    (read,) = read_pages(pdf)
    assert read.qr_texts == [verification_url(witness)] and layout_problems(read) == []

    public = client.get(reverse("pledges:verify", args=[witness.code])).content.decode()
    assert re.search(r":\s*SAH</strong>", public) and "Bupati Belu" in public
    home = login(bupati).get(reverse("home")).content.decode()
    assert "Tidak ada pakta yang menunggu kesaksian" in home and pakta.unit.name in home
    detail = login(bupati).get(reverse("pledges:signed", args=[witness.code]))
    assert detail.status_code == 200


def test_an_official_whose_term_ended_can_neither_log_in_nor_witness(
    bkd_user, bupati, pakta, client, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    bupati.set_password("Saksi-Pakta-2024!")
    bupati.save()
    session = login(bupati)
    response = login(bkd_user).post(reverse("portal:official_end", args=[bupati.official.pk]))
    assert response.status_code == 302
    bupati.official.refresh_from_db()
    assert not bupati.official.is_active
    # The open session ends at its next request; a new login is refused with the reason.
    page = session.get(reverse("pledges:sign_witness", args=[pakta.code]))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
    refused = client.post(reverse("login"), {"username": "bupati.belu",
                                             "password": "Saksi-Pakta-2024!"})  # fmt: skip
    assert "sudah tidak menjabat" in refused.content.decode()
    with pytest.raises(Exception, match="tidak menjabat"):
        sign_witness(signer=bupati.official, pakta=pakta, data=drawn_input())
    assert not Signature.objects.filter(kind="saksi").exists()


def test_the_bkd_resends_the_activation_link_until_the_account_is_active(
    bkd_user, bupati, django_capture_on_commit_callbacks
):
    bupati.set_unusable_password()
    bupati.save()
    client = login(bkd_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:official_invite", args=[bupati.official.pk]))
    assert len(mail.outbox) == 1 and "bupati.belu" in mail.outbox[0].body
    bupati.set_password("Saksi-Pakta-2024!")
    bupati.save()
    response = client.post(reverse("portal:official_invite", args=[bupati.official.pk]),
                           follow=True)  # fmt: skip
    assert len(mail.outbox) == 1 and "sudah aktif" in response.content.decode()


def test_the_database_refuses_a_signature_by_nobody_or_by_both(bupati, pakta, camat_user):
    fields = {f.name: getattr(pakta, f.name) for f in Signature._meta.concrete_fields
              if f.name not in ("id", "code", "record_hash", "seq", "prev_hash")}  # fmt: skip
    for employee, official in ((None, None), (camat_user.employee, bupati.official)):
        row = Signature(**{**fields, "kind": "saksi", "code": "X" * 16, "witnessed": pakta,
                           "employee": employee, "official": official, "seq": 99,
                           "prev_hash": "1" * 64, "record_hash": "2" * 64})  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save(force_insert=True)
