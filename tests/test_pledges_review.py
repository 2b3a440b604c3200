"""BKD review: the queue, the detail, approve / return / revoke, bulk approve, anomalies."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import anomalies
from pledges.models import ReviewEvent, Signature
from pledges.services import SignatureInput, sign_ikrar
from portal.evidence import verify
from portal.models import AuditEvent
from tests.conftest import login, make_employee
from tests.pledges_helpers import data_url, decide, drawn_png, make_campaign, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.fixture
def signature(employee, campaign):
    return make_signature(employee, campaign)


def detail(signature) -> str:
    return reverse("pledges:review_detail", args=[signature.code])


def test_the_queue_lists_filters_and_searches(bkd_user, unit, campaign):
    people = [make_employee(unit, name) for name in ("Agnes Luruk", "Benediktus Asa", "Clara Bau")]
    for person in people:
        make_signature(person, campaign)
    client = login(bkd_user)
    url = reverse("pledges:review_queue")
    assert [s.identity["name"] for s in client.get(url).context["page"]] == [
        "Clara Bau",
        "Benediktus Asa",
        "Agnes Luruk",
    ]
    assert [s.identity["name"] for s in client.get(url, {"q": "bened"}).context["page"]] == [
        "Benediktus Asa"
    ]
    found = client.get(url, {"q": people[2].nip_display}).context["page"]
    assert [s.identity["name"] for s in found] == ["Clara Bau"]
    decide(Signature.objects.get(employee=people[0]), "setujui")
    assert client.get(url, {"status": "disetujui"}).context["page"].paginator.count == 1
    assert client.get(url, {"method": "typed"}).context["page"].paginator.count == 0
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert client.get(url, {"date_from": tomorrow}).context["page"].paginator.count == 0


def test_the_queue_has_no_n_plus_one(bkd_user, unit, campaign):
    client = login(bkd_user)
    url = reverse("pledges:review_queue")
    make_signature(make_employee(unit, "Satu"), campaign)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        make_signature(make_employee(unit, f"Pegawai {i}"), campaign)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_other_instansi_stays_out_of_the_queue(bkd_user, other_asn_user):
    make_signature(other_asn_user.employee)
    page = login(bkd_user).get(reverse("pledges:review_queue")).context["page"]
    assert page.paginator.count == 0


def test_the_detail_shows_evidence_and_roster_differences(bkd_user, employee, signature):
    employee.jabatan = "Kepala Sekolah"
    employee.save()
    response = login(bkd_user).get(detail(signature))
    page = response.content.decode()
    assert response.context["differences"] == {"jabatan"}
    assert "Kepala Sekolah" in page and "Guru Ahli Pertama" in page and "berbeda" in page
    assert "10.1.2.3" in page and "Android 10" in page and f"#{signature.seq}" in page
    assert reverse("pledges:signature_image", args=[signature.code]) in page


def test_the_image_is_served_to_bkd_only(bkd_user, asn_user, other_bkd_user, signature):
    url = reverse("pledges:signature_image", args=[signature.code])
    response = login(bkd_user).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"\x89PNG"
    )
    assert login(asn_user).get(url).status_code == 403
    assert login(other_bkd_user).get(url).status_code == 404


def test_approve_is_an_event_in_the_chain(bkd_user, signature):
    login(bkd_user).post(detail(signature), {"action": "setujui"})
    signature.refresh_from_db()
    event = ReviewEvent.objects.get()
    assert signature.status == "disetujui"
    assert (event.action, event.actor, event.seq) == ("setujui", bkd_user, 1)
    assert verify(ReviewEvent, event.chain) is None
    assert AuditEvent.objects.filter(action="review.approve").exists()


def test_return_mails_the_signer_who_signs_again(
    bkd_user, asn_user, signature, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(bkd_user).post(
            detail(signature), {"action": "kembalikan", "reason": "Tanda tangan tidak jelas."}
        )
    signature.refresh_from_db()
    assert signature.status == "dikembalikan"
    assert ReviewEvent.objects.get().reason == "Tanda tangan tidak jelas."
    assert [m.to for m in mail.outbox] == [[signature.employee.email]]
    assert "Tanda tangan tidak jelas." in mail.outbox[0].body
    assert reverse("pledges:sign", args=[campaign.pk]) in mail.outbox[0].body
    page = login(bkd_user).get(reverse("pledges:verify", args=[signature.code])).content.decode()
    assert "DIKEMBALIKAN" in page
    form = {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }
    assert (
        login(asn_user).post(reverse("pledges:sign", args=[campaign.pk]), form).status_code == 302
    )
    assert Signature.objects.filter(employee=signature.employee).count() == 2


def test_revoke_needs_a_reason_and_shows_on_verification(bkd_user, signature, client):
    login(bkd_user).post(detail(signature), {"action": "cabut", "reason": ""})
    signature.refresh_from_db()
    assert signature.status == "menunggu" and not ReviewEvent.objects.exists()
    login(bkd_user).post(
        detail(signature), {"action": "cabut", "reason": "Ditandatangani orang lain."}
    )
    signature.refresh_from_db()
    assert signature.status == "dicabut"
    assert (
        "DICABUT" in client.get(reverse("pledges:verify", args=[signature.code])).content.decode()
    )


def test_a_revoked_signature_cannot_be_approved(bkd_user, signature):
    login(bkd_user).post(
        detail(signature), {"action": "cabut", "reason": "Ditandatangani orang lain."}
    )
    response = login(bkd_user).post(detail(signature), {"action": "setujui"}, follow=True)
    assert "tidak dapat" in response.content.decode()
    assert ReviewEvent.objects.count() == 1


def test_bulk_approve_takes_pending_rows_of_own_instansi(bkd_user, unit, campaign, other_asn_user):
    mine = [make_signature(make_employee(unit, f"Pegawai {i}"), campaign) for i in range(3)]
    foreign = make_signature(other_asn_user.employee)
    codes = [s.code for s in mine] + [foreign.code]
    login(bkd_user).post(reverse("pledges:review_bulk_approve"), {"codes": codes})
    assert set(Signature.objects.filter(status="disetujui").values_list("code", flat=True)) == {
        s.code for s in mine
    }
    assert Signature.objects.get(pk=foreign.pk).status == "menunggu"
    assert ReviewEvent.objects.count() == 3


class TestPermissions:
    def urls(self, signature, campaign):
        return [
            ("get", reverse("pledges:review_queue")),
            ("get", detail(signature)),
            ("post", detail(signature)),
            ("post", reverse("pledges:review_bulk_approve")),
            ("get", reverse("pledges:anomalies", args=[campaign.pk])),
        ]

    def test_anonymous_goes_to_login(self, client, signature, campaign):
        for method, url in self.urls(signature, campaign):
            assert getattr(client, method)(url).url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        "persona", ["asn_user", "sekda_user", "inspektorat_user", "auditor_user", "camat_user"]
    )
    def test_other_roles_are_refused(self, request, persona, signature, campaign):
        user = request.getfixturevalue(persona)
        for method, url in self.urls(signature, campaign):
            assert getattr(login(user), method)(url).status_code == 403, url

    def test_bkd_of_another_instansi_gets_404(self, other_bkd_user, signature, campaign):
        for method, url in self.urls(signature, campaign)[1:3] + self.urls(signature, campaign)[4:]:
            assert getattr(login(other_bkd_user), method)(url).status_code == 404, url
        assert not ReviewEvent.objects.exists()


class TestAnomalies:
    def sign(self, employee, campaign, *, ip="10.0.0.9", png=None):
        data = SignatureInput(
            method="drawn",
            confirmed_points=4,
            ip_address=ip,
            drawn_data_url=data_url(png or drawn_png()),
        )
        return sign_ikrar(employee=employee, campaign=campaign, data=data)

    def test_several_nips_from_one_ip_in_minutes(self, unit, campaign, time_machine):
        time_machine.move_to("2024-09-02T02:00:00Z", tick=False)
        campaign.opens_on, campaign.closes_on = dt.date(2024, 9, 1), dt.date(2024, 9, 30)
        campaign.save()
        burst = [self.sign(make_employee(unit, f"Burst {i}"), campaign) for i in range(3)]
        time_machine.move_to("2024-09-02T05:00:00Z", tick=False)
        self.sign(make_employee(unit, "Later"), campaign)
        self.sign(make_employee(unit, "Elsewhere"), campaign, ip="10.0.0.77")
        found = anomalies.shared_ip(campaign)
        assert [(ip, [s.pk for s in rows]) for ip, rows in found] == [
            ("10.0.0.9", [s.pk for s in burst])
        ]

    def test_outside_working_hours_in_local_time(self, unit, campaign, time_machine):
        campaign.opens_on, campaign.closes_on = dt.date(2024, 9, 1), dt.date(2024, 9, 30)
        campaign.save()
        # Monday 2 September 2024, WITA = UTC+8.
        times = {
            "early": "2024-09-01T22:30:00Z",
            "office": "2024-09-02T01:00:00Z",
            "evening": "2024-09-02T10:00:00Z",
            "sunday": "2024-09-08T02:00:00Z",
        }
        made = {}
        for label, moment in times.items():
            time_machine.move_to(moment, tick=False)
            made[label] = self.sign(make_employee(unit, label), campaign, ip=None)
        found = {s.pk for s in anomalies.outside_hours(campaign)}
        assert found == {made["early"].pk, made["evening"].pk, made["sunday"].pk}

    def test_identical_images_for_different_people(self, bkd_user, unit, campaign):
        png = drawn_png()
        twins = [
            self.sign(make_employee(unit, f"Kembar {i}"), campaign, png=png, ip=None)
            for i in range(2)
        ]
        self.sign(make_employee(unit, "Sendiri"), campaign, png=drawn_png(620, 200), ip=None)
        found = anomalies.same_image(campaign)
        assert [[s.pk for s in rows] for _h, rows in found] == [[s.pk for s in twins]]
        page = login(bkd_user).get(reverse("pledges:anomalies", args=[campaign.pk]))
        assert "Kembar 0" in page.content.decode()


def test_after_a_decision_the_next_pending_one_opens_within_the_filter(bkd_user, unit, campaign):
    people = [make_employee(unit, name) for name in ("Ana Bere", "Beni Seran", "Cici Tae")]
    older, middle, newest = (make_signature(p, campaign) for p in people)
    client = login(bkd_user)
    query = "?status=menunggu&method=drawn"
    response = client.post(detail(newest) + query, {"action": "setujui"})
    assert response.url == detail(middle) + query  # newest first, as the queue lists them
    response = client.post(detail(middle) + query, {"action": "kembalikan",
                                                     "reason": "Gambar terpotong."})  # fmt: skip
    assert response.url == detail(older) + query
    response = client.post(detail(older) + query, {"action": "setujui"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pledges:review_queue") + query
    assert "Tidak ada lagi tanda tangan yang menunggu telaah" in response.content.decode()


def test_the_queue_offers_to_pick_every_row_of_the_page(bkd_user, signature):
    page = login(bkd_user).get(reverse("pledges:review_queue")).content.decode()
    assert 'data-check-all="codes"' in page and "Pilih semua di halaman ini" in page
