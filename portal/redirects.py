"""Where to send a user after a form: only somewhere on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """The `next` the form carried if it is a path on this host, else `fallback` (never an
    absolute or protocol-relative URL elsewhere, never a view name to reverse)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
