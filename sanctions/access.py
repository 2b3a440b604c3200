"""Scoped lookups of the sanctions app: cases and their files outside the user's reach are 404."""

from django.shortcuts import get_object_or_404

from portal.models import User

from .models import Case, Evidence


def get_case_for(user: User, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "instansi", "employee", "unit", "reporting_body", "created_by"
        ),
        pk=pk,
    )


def get_evidence_for(user: User, case_pk: int, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(case__in=Case.objects.visible_to(user)),
        case_id=case_pk,
        pk=pk,
    )
