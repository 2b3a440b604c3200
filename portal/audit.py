"""Recording administrator actions in the audit log."""

from typing import Any

from axes.helpers import get_client_ip_address

from .models import AuditEvent, Instansi, User


def client_ip(request) -> str | None:
    """The client address as the proxy chain reports it (see PROXY_COUNT in settings)."""
    return get_client_ip_address(request)


def record(
    action: str,
    *,
    actor: User | None,
    instansi: Instansi | int | None = None,
    target: Any = "",
    request=None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit event; `detail` must be JSON-serialisable."""
    instansi_id = instansi.pk if isinstance(instansi, Instansi) else instansi
    if instansi_id is None and actor is not None:
        instansi_id = actor.instansi_id
    return AuditEvent.objects.create(
        instansi_id=instansi_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target=str(target)[:200],
        detail=detail,
        ip_address=client_ip(request) if request is not None else None,
    )
