"""Background work of the pledges app (immediate in dev and tests, db_worker in production)."""

from django_tasks import task

from . import bulk, certificates, reminders


@task()
def render_certificate(signature_id: int) -> None:
    certificates.issue_certificate(signature_id)


@task()
def build_export(export_id: int) -> None:
    bulk.build(export_id)


@task()
def send_reminders(run_id: int, employee_ids: list[int]) -> None:
    reminders.send(run_id, employee_ids)
