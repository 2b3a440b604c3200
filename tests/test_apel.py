"""The apel: signatures made while it is open carry it, the projector's count is cheap and
right, it closes, and the Sekda's report names who signed during it and who has not at all."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pledges.models import Apel, Signature
from pledges.progress import apel_counts
from pledges.services import close_apel, save_apel
from portal.evidence import verify
from portal.models import DocumentKind, DocumentNumber, Unit
from tests.conftest import login, make_employee, make_unit
from tests.documents_helpers import layout_problems, read_pages
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.fixture
def hall(instansi, unit, kecamatan, bkd_user, campaign):
    """An apel open for the next two hours, inviting the kecamatan (and its kelurahan)."""
    kelurahan = make_unit(instansi, "Kelurahan Umanen", kind=Unit.Kind.KELURAHAN,
                          parent=kecamatan)  # fmt: skip
    people = {
        "kecamatan": [make_employee(kecamatan, f"Staf Kecamatan {i}") for i in range(3)],
        "kelurahan": [make_employee(kelurahan, "Staf Kelurahan")],
        "dinas": [make_employee(unit, "Guru Tidak Diundang")],
    }
    now = timezone.now()
    apel = save_apel(
        apel=Apel(instansi=instansi, campaign=campaign, place="Lapangan Simpang Lima",
                  starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)),
        units=[kecamatan], actor=bkd_user,
    )  # fmt: skip
    return apel, people


def test_ikrar_signed_while_open_by_the_invited_carry_the_apel(hall, campaign):
    apel, people = hall
    inside = make_signature(people["kecamatan"][0], campaign)
    below = make_signature(people["kelurahan"][0], campaign)
    elsewhere = make_signature(people["dinas"][0], campaign)
    assert (inside.apel, below.apel, elsewhere.apel) == (apel, apel, None)
    assert verify(Signature, inside.chain) is None  # the tag is in the hashed payload


def test_nothing_is_tagged_before_the_start_or_after_the_close(hall, campaign, bkd_user):
    apel, people = hall
    with time_machine.travel(apel.starts_at - dt.timedelta(minutes=1)):
        early = make_signature(people["kecamatan"][0], campaign)
    close_apel(apel=apel, actor=bkd_user)
    late = make_signature(people["kecamatan"][1], campaign)
    assert early.apel is None and late.apel is None and not apel.is_open()


def test_an_apel_made_or_changed_is_seen_by_the_next_signature(instansi, unit, campaign,
                                                                bkd_user):  # fmt: skip
    """Which apel is open is cached per campaign (Apel.not_ended_cached); changes drop it."""
    before = make_signature(make_employee(unit, "Penanda Tangan Pertama"), campaign)
    now = timezone.now()
    apel = save_apel(
        apel=Apel(instansi=instansi, campaign=campaign, place="Aula Kantor Bupati",
                  starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=1)),
        units=[], actor=bkd_user,
    )  # fmt: skip
    inside = make_signature(make_employee(unit, "Penanda Tangan Kedua"), campaign)
    save_apel(apel=apel, units=[make_unit(instansi, "Dinas Lain")], actor=bkd_user)
    not_invited = make_signature(make_employee(unit, "Penanda Tangan Ketiga"), campaign)
    assert (before.apel, inside.apel, not_invited.apel) == (None, apel, None)


def test_the_count_is_right_and_shared_between_screens(hall, campaign, django_assert_num_queries):
    apel, people = hall
    make_signature(people["kecamatan"][0], campaign)
    make_signature(people["dinas"][0], campaign)  # not invited: not counted
    cache.clear()
    counts = apel_counts(apel)
    assert (counts["invited"], counts["signed"], counts["during"]) == (4, 1, 1)
    assert counts["last"] == [{"name": "Staf Kecamatan 0", "unit": "Kecamatan Kota Atambua"}]
    assert {u["name"] for u in counts["units"]} == {"Kecamatan Kota Atambua", "Kelurahan Umanen"}
    with django_assert_num_queries(0):  # the next screens read the same count
        assert apel_counts(apel) == counts


def test_the_screen_has_the_text_the_code_and_the_count(hall, bkd_user, campaign):
    apel, _people = hall
    page = login(bkd_user).get(reverse("pledges:apel_screen", args=[apel.pk])).content.decode()
    assert campaign.ikrar_points[1] in page and "<svg" in page
    assert reverse("pledges:apel_counts", args=[apel.pk]) in page
    assert f"http://testserver/ikrar/{campaign.pk}/" in page


def test_the_counts_answer_as_json(hall, sekda_user):
    apel, people = hall
    data = login(sekda_user).get(reverse("pledges:apel_counts", args=[apel.pk])).json()
    assert data["invited"] == 4 and data["open"] is True


def test_the_form_reads_times_in_the_instansis_zone(bkd_user, campaign, kecamatan):
    response = login(bkd_user).post(
        reverse("pledges:apel_list", args=[campaign.pk]),
        {"name": "Apel Deklarasi Netralitas ASN", "place": "Aula Kantor Bupati",
         "starts_at": "2026-12-08T08:00", "ends_at": "2026-12-08T10:00",
         "units": [kecamatan.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    apel = Apel.objects.get()
    assert apel.starts_at == dt.datetime(2026, 12, 8, 0, 0, tzinfo=dt.UTC)  # 08.00 WITA
    assert list(apel.units.all()) == [kecamatan]


def test_an_apel_that_ends_before_it_starts_is_refused(bkd_user, campaign):
    response = login(bkd_user).post(
        reverse("pledges:apel_list", args=[campaign.pk]),
        {"name": "Apel", "place": "Aula", "starts_at": "2026-12-08T10:00",
         "ends_at": "2026-12-08T08:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Waktu selesai harus sesudah waktu mulai" in response.content.decode()
    assert not Apel.objects.exists()


def test_closing_is_a_post_and_is_audited(hall, bkd_user):
    apel, _people = hall
    login(bkd_user).post(reverse("pledges:apel_close", args=[apel.pk]))
    apel.refresh_from_db()
    assert apel.closed_at is not None
    from portal.models import AuditEvent

    assert AuditEvent.objects.filter(action="apel.close").exists()


def test_the_report_names_who_signed_during_it_and_who_not_at_all(hall, campaign, sekda_user):
    apel, people = hall
    make_signature(people["kecamatan"][0], campaign)
    with time_machine.travel(apel.starts_at - dt.timedelta(minutes=30)):
        make_signature(people["kecamatan"][1], campaign)  # signed before the apel
    response = login(sekda_user).get(reverse("pledges:apel_report", args=[apel.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Kecamatan Kota Atambua — 2 dari 3 sudah menandatangani" in text
    assert "Staf Kecamatan 0" in text and "Staf Kecamatan 2" in text and "Staf Kelurahan" in text
    assert "Guru Tidak Diundang" not in text
    during = text.split("Menandatangani selama apel")[1].split("Belum menandatangani")[0]
    assert "Staf Kecamatan 0" in during and "Staf Kecamatan 1" not in during
    # On the instansi's letterhead, numbered once: asked again, the same number.
    assert "PEMERINTAH" in text and "LAPORAN APEL IKRAR NETRALITAS ASN" in text
    number = DocumentNumber.objects.get(kind=DocumentKind.APEL, reference=f"apel:{apel.pk}")
    assert f"Nomor: {number.number}" in text and sekda_user.display_name in text
    login(sekda_user).get(reverse("pledges:apel_report", args=[apel.pk]))
    assert DocumentNumber.objects.filter(kind=DocumentKind.APEL).count() == 1
    for page in read_pages(response.content):
        assert layout_problems(page) == []
