"""Scoped lookups of the pledges app: a missing object and one outside the user's reach look
the same (404), so codes and ids of other instansi reveal nothing."""

from django.shortcuts import get_object_or_404

from portal.models import User

from .models import Campaign, Signature, normalize_code


def get_campaign_for(user: User, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(user).select_related("instansi"), pk=pk)


def get_own_signature(user: User, code: str) -> Signature:
    return get_object_or_404(
        Signature.objects.filter(employee_id=user.employee_id).select_related(
            "campaign", "instansi"
        ),
        code=normalize_code(code),
    )


def get_downloadable_signature(user: User, code: str) -> Signature:
    return get_object_or_404(
        Signature.objects.downloadable_by(user).select_related("instansi"),
        code=normalize_code(code),
    )
