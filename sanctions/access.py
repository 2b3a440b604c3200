"""Who may read and work discipline cases, and the scoped case lookup."""

from django.shortcuts import get_object_or_404

from portal.models import User

from .models import Case

READ_ROLES = (User.Role.BKD, User.Role.INSPEKTORAT, User.Role.SEKDA, User.Role.AUDITOR)
WRITE_ROLES = (User.Role.BKD, User.Role.INSPEKTORAT)


def get_case_for(user: User, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "instansi", "employee", "unit", "reporting_body", "created_by"
        ),
        pk=pk,
    )
