"""Recording administrator actions in the audit log."""

import ipaddress
from typing import Any

from django.conf import settings

from .models import AuditEvent, Instansi, User


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the address
    the outermost of them appended to X-Forwarded-For (anything left of it is client-made and
    could be forged). Also used by django-axes and the rate limits (AXES_CLIENT_IP_CALLABLE)."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.PROXY_COUNT
    if hops:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        address = chain[-hops] if len(chain) >= hops and chain[-hops] else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


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
