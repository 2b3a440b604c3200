"""Background work of the pledges app (immediate in dev and tests, db_worker in production)."""

from django_tasks import task


@task()
def render_certificate(signature_id: int) -> None:
    from .certificates import issue_certificate

    issue_certificate(signature_id)


@task()
def build_export(export_id: int) -> None:
    from .bulk import build

    build(export_id)


@task()
def send_reminders(run_id: int, employee_ids: list[int]) -> None:
    from .reminders import send

    send(run_id, employee_ids)
