"""Recording administrator actions in the audit log.

Action names are `<subject>.<event>` (e.g. "campaign.create"); each app registers the words
that show them (`register_actions`, called from its AppConfig.ready()).
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

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


ACTION_LABELS: dict[str, str] = {}
# Names written before the `<subject>.<event>` convention; stored rows are evidence and keep them.
LEGACY_ACTIONS = {
    "login": "account.login",
    "account.activated": "account.activate",
    "unit_head": "unit.head",
    "roster_import": "roster.import",
    "campaign_create": "campaign.create",
    "campaign_update": "campaign.update",
    "campaign_version": "campaign.new_version",
    "review_setujui": "review.approve",
    "review_kembalikan": "review.return",
    "review_cabut": "review.revoke",
    "bulk_download": "export.bulk",
    "export": "export.data",
    "reminder": "reminder.send",
    "sanctions.case_create": "case.create",
    "sanctions.evidence_add": "case.evidence",
    "sanctions.transition": "case.transition",
}


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    name = LEGACY_ACTIONS.get(action, action)
    return ACTION_LABELS.get(name, name)


register_actions(
    {
        "account.login": _("Masuk ke portal"),
        "account.activate": _("Akun diaktifkan"),
        "account.activation_emails": _("Email aktivasi diminta"),
        "account.activation_emails_done": _("Email aktivasi selesai dikirim"),
        "account.activation_letters": _("Surat aktivasi dicetak"),
        "roster.import": _("Daftar pegawai diimpor"),
        "roster.import_rejected": _("Impor daftar pegawai ditolak"),
        "unit.head": _("Kepala unit dicatat"),
        "official.add": _("Kepala/wakil kepala daerah dicatat"),
        "official.end": _("Masa jabatan kepala/wakil kepala daerah berakhir"),
        "official.invite": _("Tautan aktivasi kepala/wakil kepala daerah dikirim ulang"),
        "instansi.letterhead": _("Kop surat dan pola nomor diubah"),
    }
)
