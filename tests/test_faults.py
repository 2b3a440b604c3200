"""A worker that dies mid-task: the work is visibly unfinished and can be run again."""

import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pledges import bulk
from pledges.models import BulkExport, Certificate, Reminder, ReminderRun
from pledges.reminders import send
from tests.conftest import login, make_employee
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Like SIGKILL: no `except Exception` handler gets to record anything."""


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.fixture
def signed(unit, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [make_signature(make_employee(unit, f"Pegawai {i}"), campaign) for i in range(5)]


def test_a_half_done_bulk_download_shows_as_stuck_and_restarts(
    bkd_user, campaign, signed, monkeypatch, time_machine
):
    export = BulkExport.objects.create(
        instansi=campaign.instansi, campaign=campaign, kind="ikrar_zip", created_by=bkd_user
    )
    real_issue, copied = bulk.issue_certificate, []

    def dies_on_the_third(pk):
        if len(copied) == 2:
            raise WorkerKilled
        copied.append(pk)
        return real_issue(pk)

    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(bulk, "issue_certificate", dies_on_the_third)
    with pytest.raises(WorkerKilled):
        bulk.build(export.pk)
    export.refresh_from_db()
    assert (export.status, export.done, export.total) == ("berjalan", 2, 5)
    assert not export.file

    url = reverse("pledges:export", args=[export.pk])
    assert "tampaknya berhenti" not in login(bkd_user).get(url).content.decode()
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=6))
    page = login(bkd_user).get(url).content.decode()
    assert "tampaknya berhenti" in page and 'http-equiv="refresh"' not in page

    monkeypatch.setattr(bulk, "issue_certificate", real_issue)
    login(bkd_user).post(reverse("pledges:export_restart", args=[export.pk]))
    export.refresh_from_db()
    assert (export.status, export.done) == ("selesai", 5)
    with export.file.open("rb") as fh:
        assert len(zipfile.ZipFile(io.BytesIO(fh.read())).namelist()) == 5


def test_certificates_lost_with_a_worker_are_queued_again(employee, campaign):
    signature = make_signature(employee, campaign)  # its on-commit render never ran
    assert not Certificate.objects.exists()
    call_command("issue_missing_certificates")
    assert Certificate.objects.get().signature == signature
    call_command("issue_missing_certificates")
    assert Certificate.objects.count() == 1


def test_a_reminder_run_cut_short_sends_the_rest_once(bkd_user, unit, campaign, monkeypatch):
    staff = [make_employee(unit, f"Staf {i}", email=f"s{i}@belu.go.id") for i in range(4)]
    run = ReminderRun.objects.create(campaign=campaign, created_by=bkd_user, total=4)
    ids = [e.pk for e in staff]
    send(run.pk, ids[:2])  # the worker died after the first two
    send(run.pk, ids)  # the task is run again
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.email for e in staff)
    assert Reminder.objects.count() == 4
