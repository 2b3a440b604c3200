"""Background work of the pledges app (immediate in dev and tests, db_worker in production)."""

from django_tasks import task


@task()
def render_certificate(signature_id: int) -> None:
    from .certificates import issue_certificate

    issue_certificate(signature_id)
