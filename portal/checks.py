"""`manage.py check --deploy`: production must seal every document with a real seal."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def seals_installed(app_configs=None, **kwargs) -> list:
    """An error per instansi whose seal is missing, unreadable or expired (documents would
    not be issued), a warning for one about to expire; the development CA is refused."""
    if settings.DEBUG:
        return []
    from . import seals
    from .models import Instansi

    problems = []
    if settings.SEAL_DEV_CA:
        problems.append(
            Error(
                "SEAL_DEV_CA is on with DEBUG=0: documents would be sealed by a local test CA.",
                hint="Unset SEAL_DEV_CA and install each instansi's BSrE seal in SEAL_DIR.",
                id="portal.E101",
            )
        )
    try:
        instansi_list = list(Instansi.objects.order_by("code"))
    except DatabaseError:
        return problems  # not migrated yet: `migrate` comes first, nothing to seal so far
    for instansi in instansi_list:
        status = seals.status(instansi)
        if not status.usable:
            problems.append(
                Error(
                    f"{instansi.code}: {status.message}",
                    hint=f"Install {seals.seal_path(instansi.code)} and set "
                    f"SEAL_PASSWORD_{seals.env_suffix(instansi.code)} (docs/deployment.md).",
                    id="portal.E102",
                )
            )
        elif status.state == "expiring":
            problems.append(Warning(f"{instansi.code}: {status.message}", id="portal.W101"))
    return problems
