"""Role checks for views and the get_<thing>_for helpers: scope is decided here, not in views."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Unit, User


def role_required(*roles: str, unit_head: bool = False) -> Callable:
    """Allow users holding one of `roles` (and unit heads if `unit_head`); 403 for the rest.

    Anonymous users never reach this: LoginRequiredMiddleware sends them to the login page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.role in roles or (unit_head and user.is_unit_head):
                return view(request, *args, **kwargs)
            raise PermissionDenied

        return wrapped

    return decorator


def asn_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_asn:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def signer_required(view: Callable) -> Callable:
    """An ASN, or a regional head or deputy (who signs only as a witness)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request.user, "signer", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def get_unit_for(user: User, pk: int) -> Unit:
    return get_object_or_404(
        Unit.objects.visible_to(user).select_related("instansi", "head"), pk=pk
    )
