import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import BulkExport, ReminderRun
from pledges.services import sign_pakta
from portal.audit import record
from portal.models import Unit
from tests.conftest import login, make_employee, make_unit, make_user
from tests.pledges_helpers import decide, drawn_input, make_campaign, make_signature
from tests.sanctions_helpers import make_case

pytestmark = pytest.mark.django_db


def page(user, **params) -> tuple:
    response = login(user).get(reverse("home"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "template"),
    [
        ("asn_user", "pledges/home_asn.html"),
        ("camat_user", "pledges/home_asn.html"),
        ("bkd_user", "home/bkd.html"),
        ("sekda_user", "home/sekda.html"),
        ("inspektorat_user", "home/inspektorat.html"),
        ("auditor_user", "home/auditor.html"),
    ],
)
def test_each_role_lands_on_its_own_home(request, persona, template):
    response, _ = page(request.getfixturevalue(persona))
    assert template in [t.name for t in response.templates]


def test_a_user_without_role_or_employee_gets_the_empty_home(db):
    response, _ = page(make_user("tanpa.peran"))
    assert "home/empty.html" in [t.name for t in response.templates]


def test_it_shows_the_asn_their_identity(asn_user):
    _, html = page(asn_user)
    assert asn_user.employee.nip_display in html


def test_it_shows_the_auditor_every_instansi(auditor_user, instansi, other_instansi):
    response, _ = page(auditor_user)
    assert [i.code for i in response.context["instansi_list"]] == ["belu", "kupang"]


# --- ASN ---------------------------------------------------------------------------------


class TestAsnHome:
    def test_an_unsigned_campaign_offers_the_sign_button(self, asn_user, instansi):
        campaign = make_campaign(instansi)
        _, html = page(asn_user)
        assert reverse("pledges:sign", args=[campaign.pk]) in html

    def test_a_pending_ikrar_is_explained(self, asn_user, instansi):
        make_signature(asn_user.employee, make_campaign(instansi))
        _, html = page(asn_user)
        assert "Menunggu telaah BKD" in html and "sudah berlaku" in html

    def test_a_returned_ikrar_shows_the_reason_and_the_button(self, asn_user, instansi, bkd_user):
        campaign = make_campaign(instansi)
        decide(make_signature(asn_user.employee, campaign), "kembalikan", "Tanda tangan terpotong.")
        _, html = page(asn_user)
        assert "Dikembalikan:" in html and "Tanda tangan terpotong." in html
        assert reverse("pledges:sign", args=[campaign.pk]) in html

    def test_the_certificates_are_listed(self, asn_user, instansi):
        signature = make_signature(asn_user.employee, make_campaign(instansi))
        _, html = page(asn_user)
        assert reverse("pledges:signed", args=[signature.code]) in html

    def test_another_instansis_campaign_never_shows(self, asn_user, other_instansi):
        make_campaign(other_instansi, title="Kampanye Kota Kupang")
        _, html = page(asn_user)
        assert "Kampanye Kota Kupang" not in html

    def test_a_head_sees_the_pakta_before_their_own_ikrar(self, camat_user, kecamatan, instansi):
        campaign = make_campaign(instansi)
        _, html = page(camat_user)
        pakta = html.index(reverse("pledges:sign_pakta", args=[campaign.pk, kecamatan.pk]))
        assert pakta < html.index(reverse("pledges:sign", args=[campaign.pk]))
        assert reverse("pledges:unit_progress", args=[campaign.pk, kecamatan.pk]) in html


# --- BKD ---------------------------------------------------------------------------------


@pytest.fixture
def busy_instansi(instansi, unit, employee, bkd_user):
    """An open campaign: one unit at 0 %, one half signed, one pending review."""
    campaign = make_campaign(instansi, title="Pilkada Serentak 2024")
    empty = make_unit(instansi, "Dinas Pertanian")
    make_employee(empty, "Kosmas Lelo")
    make_employee(unit, "Anna Luruk")
    make_signature(employee, campaign)
    return campaign


class TestBkdHome:
    def test_it_shows_compliance_of_the_open_campaign(self, bkd_user, busy_instansi):
        response, html = page(bkd_user)
        [compliance] = response.context["compliance"]
        assert compliance.campaign == busy_instansi
        assert (compliance.overview.signed, compliance.overview.total) == (1, 3)
        assert compliance.unsigned == 2
        assert [u.name for u in compliance.zero_units] == ["Dinas Pertanian"]
        assert "33,3%" in html and "Dinas Pertanian" in html

    def test_it_counts_the_review_queue_and_links_it(self, bkd_user, busy_instansi):
        response, html = page(bkd_user)
        assert response.context["pending_reviews"] == 1
        assert reverse("pledges:review_queue") in html

    def test_it_lists_failed_mail_and_rejected_imports(self, bkd_user, busy_instansi, instansi):
        run = ReminderRun.objects.create(campaign=busy_instansi, created_by=bkd_user, total=5,
                                         sent=3, failed=2)  # fmt: skip
        record("roster.import_rejected", actor=bkd_user, instansi=instansi,
               target="pegawai-rusak.xlsx", rejected=True, error_count=4)  # fmt: skip
        _, html = page(bkd_user)
        assert reverse("pledges:reminder_run", args=[run.pk]) in html
        assert "2 dari 5 email gagal" in html
        assert "pegawai-rusak.xlsx" in html and "action=roster.import_rejected" in html

    def test_a_stalled_bulk_download_is_listed(self, bkd_user, busy_instansi, instansi):
        export = BulkExport.objects.create(
            instansi=instansi, campaign=busy_instansi, kind=BulkExport.Kind.IKRAR_ZIP,
            status=BulkExport.Status.FAILED, created_by=bkd_user,
        )  # fmt: skip
        _, html = page(bkd_user)
        assert reverse("pledges:export", args=[export.pk]) in html

    def test_without_failures_it_says_so(self, bkd_user, busy_instansi):
        _, html = page(bkd_user)
        assert "Tidak ada impor, email atau unduhan yang gagal" in html

    def test_another_instansis_numbers_never_show(self, bkd_user, busy_instansi, other_bkd_user,
                                                   other_asn_user, other_instansi):  # fmt: skip
        other = make_campaign(other_instansi, title="Kampanye Kota Kupang")
        make_signature(other_asn_user.employee, other)
        ReminderRun.objects.create(campaign=other, created_by=other_bkd_user, total=9, failed=9)
        record("roster.import_rejected", actor=other_bkd_user, target="kupang.xlsx")
        response, html = page(bkd_user)
        assert [c.campaign for c in response.context["compliance"]] == [busy_instansi]
        assert response.context["pending_reviews"] == 1
        assert response.context["problems"] == []
        assert "Kupang" not in html and "Dinas Kesehatan" not in html

    def test_a_closed_campaign_still_shows_until_the_next_one(self, bkd_user, instansi, unit):
        today = timezone.localdate()
        closed = make_campaign(instansi, opens_on=today - dt.timedelta(days=40),
                               closes_on=today - dt.timedelta(days=10))  # fmt: skip
        response, _ = page(bkd_user)
        assert [c.campaign for c in response.context["compliance"]] == [closed]

    def test_open_discipline_cases_are_counted(self, bkd_user, employee, instansi):
        make_case(employee, bkd_user)
        response, html = page(bkd_user)
        assert response.context["cases"].open == 1
        assert reverse("sanctions:list") in html

    def test_its_queries_do_not_grow_with_the_data(self, bkd_user, busy_instansi, instansi,
                                                  django_assert_max_num_queries):  # fmt: skip
        for n in range(6):
            extra = make_unit(instansi, f"Kecamatan Uji {n}", kind=Unit.Kind.KECAMATAN)
            for m in range(4):
                make_employee(extra, f"Pegawai {n}-{m}")
            ReminderRun.objects.create(campaign=busy_instansi, created_by=bkd_user, total=1,
                                       failed=1)  # fmt: skip
        client = login(bkd_user)
        with django_assert_max_num_queries(16):  # 14 measured, with 2 or 10 units alike
            assert client.get(reverse("home")).status_code == 200


# --- Sekda -------------------------------------------------------------------------------


@pytest.fixture
def setda(instansi):
    return Unit.objects.create(instansi=instansi, name="Sekretariat Daerah", kind="setda",
                               head_title="Sekretaris Daerah")  # fmt: skip


@pytest.fixture
def sekda_head(sekda_user, setda):
    """The Sekda as a person: an ASN who heads the Sekretariat Daerah."""
    sekda_user.employee = make_employee(setda, "Drs. Agustinus Nahak", golongan="IV/c",
                                        jabatan="Sekretaris Daerah")  # fmt: skip
    sekda_user.save()
    setda.head = sekda_user.employee
    setda.save()
    return sekda_user


class TestSekdaHome:
    def test_her_own_pakta_comes_first(self, sekda_head, setda, instansi, kecamatan):
        campaign = make_campaign(instansi)
        _, html = page(sekda_head)
        own = html.index(reverse("pledges:sign_pakta", args=[campaign.pk, setda.pk]))
        assert own < html.index("Pakta integritas seluruh unit")

    def test_the_navigation_links_her_pakta(self, sekda_head, setda, instansi):
        _, html = page(sekda_head)
        assert reverse("pledges:pakta_home") in html
        assert login(sekda_head).get(reverse("pledges:pakta_home")).status_code == 200

    def test_every_units_pakta_status_and_downloads(self, sekda_user, camat_user, kecamatan,
                                                    unit, instansi):  # fmt: skip
        campaign = make_campaign(instansi)
        pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                           data=drawn_input())  # fmt: skip
        response, html = page(sekda_user)
        summary = response.context["summary"]
        assert [u.name for u in summary.signed] == [kecamatan.name]
        assert [u.name for u in summary.unsigned] == [unit.name]
        assert summary.witnessed == []
        assert reverse("pledges:certificate", args=[pakta.code]) in html
        for kind in (BulkExport.Kind.PAKTA_ZIP, BulkExport.Kind.PAKTA_PDF):
            assert reverse("pledges:export_start", args=[campaign.pk, kind]) in html
        assert reverse("pledges:export_start", args=[campaign.pk, "ikrar_zip"]) not in html
        assert reverse("pledges:pakta_recap", args=[campaign.pk]) in html

    def test_a_witnessed_pakta_is_counted(self, sekda_head, camat_user, kecamatan, instansi):
        from pledges.services import sign_witness

        campaign = make_campaign(instansi)
        pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                           data=drawn_input())  # fmt: skip
        sign_witness(signer=sekda_head.employee, pakta=pakta, data=drawn_input())
        response, html = page(sekda_head)
        assert [u.name for u in response.context["summary"].witnessed] == [kecamatan.name]
        assert "Disaksikan" in html

    def test_another_instansis_units_never_show(self, sekda_user, unit, instansi, other_asn_user,
                                                 other_instansi):  # fmt: skip
        make_campaign(instansi)
        make_campaign(other_instansi)
        response, html = page(sekda_user)
        assert {u.instansi_id for u in response.context["summary"].units} == {instansi.pk}
        assert "Dinas Kesehatan" not in html

    def test_its_queries_do_not_grow_with_the_units(self, sekda_head, instansi, camat_user,
                                                   django_assert_max_num_queries):  # fmt: skip
        make_campaign(instansi)
        for n in range(8):
            make_unit(instansi, f"Dinas Uji {n}")
        client = login(sekda_head)
        with django_assert_max_num_queries(16):
            assert client.get(reverse("home")).status_code == 200


# --- Inspektorat -------------------------------------------------------------------------


class TestInspektoratHome:
    def test_cases_by_deadline_overdue_first(self, inspektorat_user, employee, instansi):
        today = timezone.localdate(timezone=instansi.tz)
        later = make_case(employee, inspektorat_user, source_reference="B")
        overdue = make_case(employee, inspektorat_user, source_reference="A")
        undated = make_case(employee, inspektorat_user, source_reference="C")
        later.due_on, later.due_key = today + dt.timedelta(days=5), "panggilan_1"
        overdue.due_on, overdue.due_key = today - dt.timedelta(days=2), "panggilan_2"
        later.save()
        overdue.save()
        response, html = page(inspektorat_user)
        work = response.context["cases"]
        assert [c.pk for c in work.cases] == [overdue.pk, later.pk, undated.pk]
        assert (work.open, work.overdue) == (3, 1)
        assert [c.is_overdue for c in work.cases] == [True, False, False]
        assert reverse("sanctions:detail", args=[overdue.pk]) in html
        assert html.index(f"#{overdue.pk}") < html.index(f"#{later.pk}")

    def test_another_instansis_cases_never_show(self, inspektorat_user, other_asn_user,
                                                 other_bkd_user):  # fmt: skip
        case = make_case(other_asn_user.employee, other_bkd_user)
        response, html = page(inspektorat_user)
        assert response.context["cases"].cases == []
        assert reverse("sanctions:detail", args=[case.pk]) not in html

    def test_its_queries_do_not_grow_with_the_cases(self, inspektorat_user, employee,
                                                   django_assert_max_num_queries):  # fmt: skip
        for _ in range(5):
            make_case(employee, inspektorat_user)
        client = login(inspektorat_user)
        with django_assert_max_num_queries(6):
            assert client.get(reverse("home")).status_code == 200


# --- Wrong roles -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["asn_user", "camat_user", "auditor_user", "inspektorat_user"])
def test_other_roles_never_get_the_bkd_numbers(request, persona, busy_instansi):
    _, html = page(request.getfixturevalue(persona))
    assert reverse("pledges:review_queue") not in html
    assert "Antrean telaah" not in html


@pytest.mark.parametrize("persona", ["asn_user", "bkd_user", "inspektorat_user", "auditor_user"])
def test_only_the_sekda_home_offers_the_pakta_downloads(request, persona, instansi, unit):
    campaign = make_campaign(instansi)
    _, html = page(request.getfixturevalue(persona))
    assert reverse("pledges:export_start", args=[campaign.pk, "pakta_zip"]) not in html


def test_the_role_views_refuse_a_wrong_role_when_called_directly(rf, asn_user, bkd_user):
    from config.home import bkd_home, inspektorat_home, sekda_home

    for view in (bkd_home, sekda_home, inspektorat_home):
        request = rf.get("/")
        request.user = asn_user
        with pytest.raises(Exception) as refused:
            view(request)
        assert refused.type.__name__ == "PermissionDenied"


def test_login_accepts_a_nip_typed_with_spaces(client, asn_user):
    nip = asn_user.employee.nip_display
    response = client.post(reverse("login"), {"username": nip, "password": "rahasia-uji-123"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_speaks_indonesian_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"


def test_the_language_switch_changes_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    assert response.status_code == 302
    assert client.get(reverse("login")).headers["Content-Language"] == "en"
