"""Signing the ikrar: the page, every server-side rejection, one valid signature each."""

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import Signature
from tests.conftest import login, make_employee, make_user
from tests.pledges_helpers import data_url, decide, drawn_png, ikrar_points, make_campaign

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {f"point_{i}": "on" for i in range(1, 5)}
    data.update(method="drawn", signature=data_url(drawn_png()))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


def sign_url(campaign) -> str:
    return reverse("pledges:sign", args=[campaign.pk])


def test_it_shows_identity_points_and_pad(asn_user, employee, campaign):
    page = login(asn_user).get(sign_url(campaign)).content.decode()
    assert employee.name in page and employee.nip_display in page
    assert employee.unit.name in page and employee.instansi.name in page
    for point in ikrar_points():
        assert point in page
    assert 'id="signature-pad"' in page and "signature_pad.umd.min.js" in page
    assert 'value="typed"' in page


def test_it_signs_with_a_drawing_and_keeps_the_evidence(
    asn_user, employee, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(asn_user).post(
            sign_url(campaign),
            form_data(),
            HTTP_USER_AGENT="Mozilla/5.0 (Android 10)",
            REMOTE_ADDR="10.9.8.7",
        )
    signature = Signature.objects.get(employee=employee)
    assert response.status_code == 302
    assert response.url == reverse("pledges:signed", args=[signature.code]) + "?tercatat=1"
    assert signature.kind == "ikrar" and signature.method == "drawn"
    assert signature.status == Signature.Status.PENDING
    assert signature.identity["nip"] == employee.nip
    assert signature.identity["unit"] == employee.unit.name
    assert signature.ip_address == "10.9.8.7"
    assert signature.user_agent == "Mozilla/5.0 (Android 10)"
    assert signature.image.read().startswith(b"\x89PNG")
    assert len(signature.code) == 16 and not set(signature.code) & set("01OIL")
    campaign.refresh_from_db()
    assert signature.text_hash == campaign.text_hash == campaign.compute_text_hash()
    assert campaign.frozen_at is not None
    # Rendering was queued on commit; the immediate backend of tests ran it then.
    assert signature.certificate.sha256


def test_signing_costs_a_fixed_handful_of_queries(
    asn_user, unit, campaign, django_assert_num_queries
):
    """The signing page is the election-morning hot path: no lazy query may creep back in
    (docs/benchmarks.md, "Signing load", counts them before and after)."""
    first = make_user(employee=make_employee(unit, name="Yosef Nahak"))
    assert login(first).post(sign_url(campaign), form_data()).status_code == 302  # freezes
    client = login(asn_user)
    # session (database sessions: no REDIS_URL here), user with employee/unit/instansi,
    # campaign with is_superseded (read again: freezing it saved it), own signature,
    # is_unit_head for the navigation
    with django_assert_num_queries(5):
        assert client.get(sign_url(campaign)).status_code == 200
    # session, user, then savepoint, chain head lock, insert, chain head update, release: the
    # campaign (Campaign.cached) and the open apel (Apel.not_ended_cached) are the copies the
    # requests before left in the cache, and an earlier signature would be found by the
    # insert's constraint
    with django_assert_num_queries(7):
        assert client.post(sign_url(campaign), form_data()).status_code == 302


def test_it_signs_with_a_typed_name(asn_user, employee, campaign):
    response = login(asn_user).post(
        sign_url(campaign), form_data(method="typed", signature="", typed_name=employee.name)
    )
    assert response.status_code == 302
    signature = Signature.objects.get(employee=employee)
    assert signature.method == "typed" and signature.typed_name == employee.name
    assert not signature.image


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("Siti Abi, M.Si.", "Siti Abi"),
        ("Siti Abi, M.Si.", "  SITI   ABI, m.si "),
        ("Drs. Agustinus Nahak, M.Si.", "Agustinus Nahak"),
        ("Hj. Nur Hamid, S.E.", "Hj. Nur Hamid"),
        ("Ｍａｒｉａ Ｂｅｒｅ", "Maria Bere"),
    ],
)
def test_a_typed_name_is_the_registered_name_titles_optional(unit, campaign, registered, typed):
    employee = make_employee(unit, registered)
    response = login(make_user(employee=employee)).post(
        sign_url(campaign), form_data(method="typed", signature="", typed_name=typed)
    )
    assert response.status_code == 302
    assert Signature.objects.get(employee=employee).typed_name == typed.strip()


@pytest.mark.parametrize("typed", ["Siti", "Sekda Belu", "Abi Siti", "Siti Abi Bere"])
def test_a_typed_name_that_is_not_the_registered_one_is_refused(unit, campaign, typed):
    employee = make_employee(unit, "Siti Abi, M.Si.")
    response = login(make_user(employee=employee)).post(
        sign_url(campaign), form_data(method="typed", signature="", typed_name=typed)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ketik nama lengkap Anda seperti terdaftar: Siti Abi, M.Si." in page
    assert not Signature.objects.exists()


def test_the_page_shows_how_the_typed_name_will_print(asn_user, campaign):
    page = login(asn_user).get(sign_url(campaign)).content.decode()
    assert 'id="typed-preview"' in page and "Akan tercetak pada dokumen sebagai" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"point_4": None}, "Centang butir 4 untuk menyetujuinya."),
        ({"signature": ""}, "Buat tanda tangan Anda di kotak tanda tangan."),
        ({"signature": data_url(drawn_png(blank=True))}, "Tanda tangan masih kosong"),
        ({"signature": "data:image/svg+xml;base64,PHN2Zz4="}, "harus berupa gambar PNG"),
        ({"signature": "data:image/png;base64,!!!"}, "Data tanda tangan rusak."),
        ({"signature": "data:image/png;base64,aGVsbG8="}, "harus berupa gambar PNG"),
        ({"signature": data_url(drawn_png(5000, 200))}, "tidak wajar"),
        ({"signature": "data:image/png;base64," + "A" * 500_000}, "terlalu besar"),
        ({"method": "typed", "signature": "", "typed_name": "ab"}, "Ketik nama lengkap Anda"),
        ({"method": "stempel"}, "Cara tanda tangan ini tidak tersedia"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(asn_user, campaign, overrides, message):
    response = login(asn_user).post(sign_url(campaign), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists()
    campaign.refresh_from_db()
    assert not campaign.is_frozen


def test_it_refuses_a_method_the_campaign_does_not_allow(asn_user, instansi):
    campaign = make_campaign(instansi, allow_typed=False)
    page = login(asn_user).get(sign_url(campaign)).content.decode()
    assert 'value="typed"' not in page
    response = login(asn_user).post(
        sign_url(campaign), form_data(method="typed", signature="", typed_name="Maria Bere")
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes"), [(3, 10), (-10, -1)], ids=["not-yet-open", "already-closed"]
)
def test_it_refuses_outside_the_campaign_dates(asn_user, instansi, opens, closes):
    today = timezone.localdate()
    campaign = make_campaign(
        instansi,
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(days=closes),
    )
    client = login(asn_user)
    assert client.get(sign_url(campaign)).status_code == 403
    response = client.post(sign_url(campaign), form_data())
    assert response.status_code == 403
    assert "tidak sedang dibuka" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_second_submit_leads_to_the_first_signature(asn_user, employee, campaign):
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    response = client.post(sign_url(campaign), form_data(), follow=True)
    assert Signature.objects.filter(employee=employee).count() == 1
    assert "Dokumen ini sudah Anda tanda tangani." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "pledges:signed", args=[Signature.objects.get().code]
    )


def test_a_returned_signature_lets_the_employee_sign_again(asn_user, employee, campaign):
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    first = Signature.objects.get()
    decide(first, "kembalikan")
    assert client.post(sign_url(campaign), form_data()).status_code == 302
    assert Signature.objects.filter(employee=employee).count() == 2
    assert Signature.objects.valid().get().pk != first.pk


def test_a_new_version_supersedes_the_old_text(asn_user, bkd_user, campaign):
    login(asn_user).post(sign_url(campaign), form_data())
    login(bkd_user).post(reverse("pledges:campaign_version", args=[campaign.pk]))
    new = campaign.next_version
    assert not campaign.is_open() and new.is_open()
    assert login(asn_user).get(sign_url(campaign)).status_code == 302  # signed: to its record
    other = make_user(employee=make_employee(campaign.instansi.units.first(), "Yakobus Mali"))
    assert login(other).get(sign_url(campaign)).status_code == 403
    assert login(other).get(sign_url(new)).status_code == 200


def test_a_campaign_closed_by_the_bkd_stops_signing_at_once(asn_user, bkd_user, campaign):
    """The signing page keeps a copy of its campaign (Campaign.cached); a change drops it."""
    from pledges.services import save_campaign

    client = login(asn_user)
    assert client.get(sign_url(campaign)).status_code == 200
    ended = timezone.localdate() - dt.timedelta(days=3)
    campaign.opens_on, campaign.closes_on = ended - dt.timedelta(days=7), ended
    save_campaign(campaign=campaign, actor=bkd_user)
    assert client.get(sign_url(campaign)).status_code == 403
    assert client.post(sign_url(campaign), form_data()).status_code == 403
    assert not Signature.objects.exists()


def test_the_cached_campaign_is_still_only_for_its_own_instansi(asn_user, campaign):
    from tests.conftest import make_instansi, make_unit

    login(asn_user).get(sign_url(campaign))  # cached now
    elsewhere = make_unit(make_instansi("kupang"), "Dinas Kesehatan")
    stranger = make_user(employee=make_employee(elsewhere, "Yohana Fanggi"))
    assert login(stranger).get(sign_url(campaign)).status_code == 404


def test_the_home_page_says_what_to_do_next(asn_user, campaign):
    client = login(asn_user)
    page = client.get(reverse("home")).content.decode()
    assert "Tanda tangani ikrar" in page and sign_url(campaign) in page
    client.post(sign_url(campaign), form_data())
    signature = Signature.objects.get()
    page = client.get(reverse("home")).content.decode()
    assert "Menunggu telaah BKD" in page and "sudah berlaku" in page
    assert reverse("pledges:certificate", args=[signature.code]) in page
    assert reverse("pledges:signed", args=[signature.code]) in page
    assert sign_url(campaign) not in page
    decide(signature, "kembalikan", "Tanda tangan terpotong di tepi kotak.")
    page = client.get(reverse("home")).content.decode()
    assert "Dikembalikan:</strong> Tanda tangan terpotong di tepi kotak." in page
    assert "Tanda tangani ulang" in page and sign_url(campaign) in page


def test_an_approved_ikrar_shows_as_approved(asn_user, campaign):
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    decide(Signature.objects.get(), "setujui")
    page = client.get(reverse("home")).content.decode()
    assert "Disetujui" in page and "disetujui admin BKD" in page


def test_the_signed_page_offers_the_certificate(asn_user, campaign):
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    signature = Signature.objects.get()
    page = client.get(reverse("pledges:signed", args=[signature.code])).content.decode()
    assert signature.code_display in page
    assert reverse("pledges:certificate", args=[signature.code]) in page


class TestPermissions:
    def test_anonymous_goes_to_login(self, client, campaign):
        response = client.get(sign_url(campaign))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_a_staff_role_without_employee_is_refused(self, bkd_user, campaign):
        assert login(bkd_user).get(sign_url(campaign)).status_code == 403
        assert login(bkd_user).post(sign_url(campaign), form_data()).status_code == 403

    def test_an_asn_of_another_instansi_gets_404(self, other_asn_user, campaign):
        assert login(other_asn_user).get(sign_url(campaign)).status_code == 404
        assert login(other_asn_user).post(sign_url(campaign), form_data()).status_code == 404
        assert not Signature.objects.exists()

    def test_another_asn_cannot_open_my_signed_page(self, asn_user, campaign, unit):
        login(asn_user).post(sign_url(campaign), form_data())
        code = Signature.objects.get().code
        colleague = make_user(employee=make_employee(unit, "Yakobus Mali"))
        assert login(colleague).get(reverse("pledges:signed", args=[code])).status_code == 404


def test_an_unsignable_form_from_a_signer_who_already_signed_leads_to_the_signature(
    asn_user, employee, campaign
):
    """A POST that signs learns of the earlier signature from the constraint; one that would
    not sign (a blank pad from an old tab) is still sent to it rather than shown errors."""
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    response = client.post(sign_url(campaign), form_data(signature=""), follow=True)
    assert "Dokumen ini sudah Anda tanda tangani." in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("pledges:signed", args=[
        Signature.objects.get(employee=employee).code]))  # fmt: skip


def test_signing_again_from_another_tab_leaves_no_stray_image_file(asn_user, employee, campaign):
    """The second POST's image is written before the insert finds the first signature; it is
    deleted again, so storage holds only the files of signatures."""
    client = login(asn_user)
    client.post(sign_url(campaign), form_data())
    other_tab = client.post(sign_url(campaign), form_data(submission=str(uuid.uuid4())))
    assert other_tab.status_code == 302
    kept = Path(Signature.objects.get(employee=employee).image.path)
    assert list(kept.parents[2].rglob("*.png")) == [kept]  # signatures/<year>/<month>/


def test_the_same_submission_sent_again_gets_the_first_result(asn_user, employee, campaign):
    client = login(asn_user)
    key = "6f1c2a1e-7c1d-4a35-9b52-2f6f4c0d9a11"
    first = client.post(sign_url(campaign), form_data(submission=key))
    again = client.post(sign_url(campaign), form_data(submission=key), HTTP_X_SIGN_FETCH="1")
    signature = Signature.objects.get(employee=employee)
    assert first.url == again.json()["next"] == f"/ikrar/tercatat/{signature.code}/?tercatat=1"
    page = client.get(again.json()["next"]).content.decode()
    assert page.count("Terima kasih. Ikrar Anda telah tercatat.") == 1
    other = client.post(sign_url(campaign), form_data(submission=str(uuid.uuid4())), follow=True)
    assert "Dokumen ini sudah Anda tanda tangani." in other.content.decode()
    assert Signature.objects.count() == 1


def test_a_malformed_submission_key_is_a_form_error_not_a_500(asn_user, campaign):
    response = login(asn_user).post(sign_url(campaign), form_data(submission="bukan-kunci"))
    assert response.status_code == 400 and not Signature.objects.exists()
