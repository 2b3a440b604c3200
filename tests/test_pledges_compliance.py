"""Compliance dashboard, instansi-wide reminders, exports and the audit log."""

import datetime as dt
import io
import socket

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pledges import compliance
from pledges.models import Reminder, ReminderRun
from portal.audit import record
from tests.conftest import login, make_employee, make_unit, read_csv
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(instansi, time_machine):
    time_machine.move_to("2024-09-05T03:00:00Z", tick=False)
    return make_campaign(instansi, opens_on=dt.date(2024, 9, 1), closes_on=dt.date(2024, 9, 30))


@pytest.fixture
def staffed(instansi, campaign, time_machine):
    """Dinas: 4 staff, 3 signed (on 2 and 4 September); Kecamatan: 2 staff, none signed."""
    dinas = make_unit(instansi, "Dinas Kesehatan")
    kec = make_unit(instansi, "Kecamatan Lasiolat", kind="kecamatan")
    staff = [make_employee(dinas, f"Perawat {i}", email=f"p{i}@belu.go.id") for i in range(4)]
    idle = [
        make_employee(kec, "Staf Kecamatan", email="k@belu.go.id"),
        make_employee(kec, "Tanpa Email"),
    ]
    for person, day in zip(staff[:3], ["2024-09-02", "2024-09-04", "2024-09-04"], strict=True):
        time_machine.move_to(f"{day}T02:00:00Z", tick=False)
        make_signature(person, campaign)
    time_machine.move_to("2024-09-05T03:00:00Z", tick=False)
    return {"dinas": dinas, "kec": kec, "staff": staff, "idle": idle}


def test_the_dashboard_numbers(bkd_user, campaign, staffed):
    response = login(bkd_user).get(reverse("pledges:dashboard", args=[campaign.pk]))
    ctx = response.context
    assert (ctx["summary"].signed, ctx["summary"].total, ctx["summary"].percent) == (3, 6, 50.0)
    assert [(r.name, r.signed, r.staff) for r in ctx["rows"]] == [
        ("Kecamatan Lasiolat", 0, 2),
        ("Dinas Kesehatan", 3, 4),
    ]
    assert [r.name for r in ctx["zero"]] == ["Kecamatan Lasiolat"]
    assert [(d.day, n, cum) for d, n, cum in ctx["days"]] == [
        (1, 0, 0),
        (2, 1, 1),
        (3, 0, 1),
        (4, 2, 3),
        (5, 0, 3),
    ]
    page = response.content.decode()
    assert "<svg" in page and "<polyline" in page and "Tabel kemajuan harian" in page


def test_the_dashboard_sorts_by_name(bkd_user, campaign, staffed):
    rows = (
        login(bkd_user)
        .get(reverse("pledges:dashboard", args=[campaign.pk]), {"sort": "nama"})
        .context["rows"]
    )
    assert [r.name for r in rows] == ["Dinas Kesehatan", "Kecamatan Lasiolat"]


def test_the_dashboard_query_count_does_not_grow_with_units(bkd_user, instansi, campaign, staffed):
    url = reverse("pledges:dashboard", args=[campaign.pk])
    with CaptureQueriesContext(connection) as few:
        login(bkd_user).get(url)
    for i in range(5):
        make_employee(make_unit(instansi, f"Dinas Baru {i}"), f"Pegawai {i}")
    with CaptureQueriesContext(connection) as many:
        login(bkd_user).get(url)
    assert len(many) == len(few)


def test_the_auditor_sees_every_instansi(auditor_user, campaign, staffed, other_instansi):
    response = login(auditor_user).get(reverse("pledges:dashboard_latest"))
    regions = {r.name: (r.signed, r.staff) for r in response.context["regions"]}
    assert regions == {"Pemerintah Kabupaten Belu": (3, 6), "Pemerintah Kota Kupang": (0, 0)}
    assert (
        login(auditor_user).get(reverse("pledges:dashboard", args=[campaign.pk])).status_code == 200
    )


def test_the_national_count_is_three_queries_and_cached(campaign, staffed, other_instansi):
    with CaptureQueriesContext(connection) as queries:
        regions, _at = compliance.across_instansi()
    assert len(queries) == 3
    with CaptureQueriesContext(connection) as queries:
        assert [r.signed for r in compliance.across_instansi()[0]] == [r.signed for r in regions]
    assert len(queries) == 0


def test_reminders_go_to_unsigned_once_and_list_letters(
    bkd_user, campaign, staffed, django_capture_on_commit_callbacks
):
    url = reverse("pledges:reminders", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(bkd_user).post(url, {})
    run = ReminderRun.objects.get()
    assert response.url == reverse("pledges:reminder_run", args=[run.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["k@belu.go.id", "p3@belu.go.id"]
    run.refresh_from_db()
    assert (run.total, run.sent, run.failed) == (2, 2, 0) and run.finished_at
    page = login(bkd_user).get(response.url)
    # The letter list lives in the session of the admin who sent.
    client = login(bkd_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {})
    letters = client.get(reverse("pledges:reminder_run", args=[ReminderRun.objects.first().pk]))
    assert [e.name for e in letters.context["letters"]] == ["Tanpa Email"]
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2
    assert page.status_code == 200


def test_reminders_for_selected_units(
    bkd_user, campaign, staffed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(bkd_user).post(
            reverse("pledges:reminders", args=[campaign.pk]), {"units": [staffed["dinas"].pk]}
        )
    assert [m.to for m in mail.outbox] == [["p3@belu.go.id"]]


def test_a_real_smtp_server_receives_the_reminder(
    bkd_user, campaign, staffed, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        with django_capture_on_commit_callbacks(execute=True):
            login(bkd_user).post(
                reverse("pledges:reminders", args=[campaign.pk]), {"units": [staffed["dinas"].pk]}
            )
    finally:
        controller.stop()
    assert [to for to, _body in received] == [["p3@belu.go.id"]]
    assert "Ikrar Netralitas" in received[0][1]


def test_exports_are_safe_against_formula_injection(bkd_user, campaign, staffed):
    hostile = make_employee(staffed["kec"], '=HYPERLINK("http://x","klik")')
    make_signature(hostile, campaign)
    client = login(bkd_user)
    rows = read_csv(
        client.get(reverse("pledges:data_export", args=[campaign.pk, "tanda-tangan", "csv"]))
    )
    assert rows[0][:3] == ["NIP", "Nama", "Unit kerja"]
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x","klik")' in names and len(names) == 4
    assert rows[0][6] == "Waktu tanda tangan (WITA)"
    response = client.get(reverse("pledges:data_export", args=[campaign.pk, "belum", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["NIP", "Nama"]
    assert {v[1] for v in values[1:]} == {"Perawat 3", "Staf Kecamatan", "Tanpa Email"}


def test_the_audit_log_filters_by_person_and_action(bkd_user, instansi, other_bkd_user):
    record("export.data", actor=bkd_user, instansi=instansi, target="ekspor")
    record("review.revoke", actor=bkd_user, instansi=instansi, target="cabut")
    record("export.data", actor=other_bkd_user, target="lain")
    client = login(bkd_user)
    url = reverse("portal:audit_log")
    assert [e.target for e in client.get(url).context["page"]] == ["cabut", "ekspor"]
    assert [e.target for e in client.get(url, {"action": "export.data"}).context["page"]] == [
        "ekspor"
    ]
    assert [
        e.target for e in client.get(url, {"orang": other_bkd_user.username}).context["page"]
    ] == []


class TestPermissions:
    def test_anonymous_goes_to_login(self, client, campaign):
        for url in (
            reverse("pledges:dashboard", args=[campaign.pk]),
            reverse("pledges:reminders", args=[campaign.pk]),
            reverse("pledges:data_export", args=[campaign.pk, "belum", "csv"]),
            reverse("portal:audit_log"),
        ):
            assert client.get(url).url.startswith(reverse("login"))

    @pytest.mark.parametrize("persona", ["asn_user", "inspektorat_user", "camat_user"])
    def test_the_dashboard_refuses_other_roles(self, request, persona, campaign):
        user = request.getfixturevalue(persona)
        assert login(user).get(reverse("pledges:dashboard", args=[campaign.pk])).status_code == 403

    @pytest.mark.parametrize(
        "persona", ["asn_user", "sekda_user", "inspektorat_user", "auditor_user"]
    )
    def test_bkd_tools_refuse_other_roles(self, request, persona, campaign):
        user = request.getfixturevalue(persona)
        for url in (
            reverse("pledges:reminders", args=[campaign.pk]),
            reverse("pledges:data_export", args=[campaign.pk, "belum", "csv"]),
            reverse("portal:audit_log"),
        ):
            assert login(user).get(url).status_code == 403, url

    def test_another_instansi_gets_404(self, other_bkd_user, campaign):
        for url in (
            reverse("pledges:dashboard", args=[campaign.pk]),
            reverse("pledges:reminders", args=[campaign.pk]),
            reverse("pledges:data_export", args=[campaign.pk, "tanda-tangan", "xlsx"]),
        ):
            assert login(other_bkd_user).get(url).status_code == 404, url

    def test_sekda_sees_the_dashboard(self, sekda_user, campaign):
        assert (
            login(sekda_user).get(reverse("pledges:dashboard", args=[campaign.pk])).status_code
            == 200
        )
