"""Reminder e-mails to employees who have not signed the ikrar yet."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.accounts import templated_email
from portal.models import Employee

from .models import Reminder, ReminderRun

log = logging.getLogger(__name__)
PROGRESS_EVERY = 25


def send(run_id: int, employee_ids: list[int]) -> int:
    """Send one reminder per employee over one SMTP connection; each success is logged so a
    re-run after a crash skips those already reminded."""
    run = ReminderRun.objects.select_related("campaign__instansi").get(pk=run_id)
    campaign = run.campaign
    already = set(
        Reminder.objects.filter(
            campaign=campaign, employee_id__in=employee_ids, sent_at__gte=run.created_at
        ).values_list("employee_id", flat=True)
    )
    employees = campaign.unsigned_among(
        Employee.objects.filter(pk__in=employee_ids).exclude(pk__in=already)
    ).select_related("unit")
    link = settings.SITE_URL + reverse("pledges:sign", args=[campaign.pk])
    sent = failed = 0
    with mail.get_connection() as connection:
        for employee in employees.iterator(chunk_size=500):
            context = {
                "employee": employee,
                "campaign": campaign,
                "link": link,
                "site_url": settings.SITE_URL,
            }
            message = templated_email(
                "emails/reminder", context, [employee.email], connection=connection
            )
            try:
                message.send()
            except OSError:
                log.exception("reminder to employee %s failed", employee.pk)
                failed += 1
            else:
                Reminder.objects.create(campaign=campaign, employee=employee,
                                        sent_by_id=run.created_by_id)  # fmt: skip
                sent += 1
            if (sent + failed) % PROGRESS_EVERY == 0:
                ReminderRun.objects.filter(pk=run.pk).update(sent=sent, failed=failed)
    ReminderRun.objects.filter(pk=run.pk).update(
        sent=sent, failed=failed, finished_at=timezone.now()
    )
    return sent
