"""Reminder e-mails to employees who have not signed the ikrar yet."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.accounts import templated_email
from portal.models import Employee

from .models import Campaign, Reminder

log = logging.getLogger(__name__)


def send(campaign_id: int, employee_ids: list[int], actor_id: int | None) -> int:
    """Send one reminder per employee over one SMTP connection; each success is logged so a
    re-run after a crash skips those already reminded."""
    campaign = Campaign.objects.select_related("instansi").get(pk=campaign_id)
    already = set(
        Reminder.objects.filter(campaign=campaign, employee_id__in=employee_ids).values_list(
            "employee_id", flat=True
        )
    )
    employees = (
        Employee.objects.filter(pk__in=employee_ids)
        .exclude(pk__in=already)
        .unsigned_for(campaign)
        .select_related("unit")
    )
    link = settings.SITE_URL + reverse("pledges:sign", args=[campaign.pk])
    sent = 0
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
                continue
            Reminder.objects.create(campaign=campaign, employee=employee, sent_by_id=actor_id)
            sent += 1
    return sent
