"""The home page: each role lands on the page of its daily job.

It lives at the project level because a home page gathers the work of several apps.
"""

from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pledges.views import asn_home
from pledges.views_pakta import official_home
from portal.access import role_required
from portal.models import Employee, Instansi, Unit, User


@require_GET
def home(request):
    user = request.user
    if user.is_auditor:
        return auditor_home(request)
    if user.is_official:
        return official_home(request)
    if user.role in User.INSTANSI_ROLES:
        return instansi_home(request)
    if user.is_asn:
        return asn_home(request)
    return render(request, "home/empty.html")


def instansi_home(request):
    instansi = request.user.instansi
    stats = Employee.objects.visible_to(request.user).aggregate(
        total=Count("pk", filter=Q(is_active=True)),
        pns=Count("pk", filter=Q(is_active=True, kind="PNS")),
        pppk=Count("pk", filter=Q(is_active=True, kind="PPPK")),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    units = Unit.objects.visible_to(request.user)
    return render(
        request,
        "home/instansi.html",
        {
            "instansi": instansi,
            "stats": stats,
            "unit_count": units.count(),
            "units_without_head": units.filter(head__isnull=True).order_by("name"),
        },
    )


@role_required(User.Role.AUDITOR)
def auditor_home(request):
    instansi_list = (
        Instansi.objects.visible_to(request.user)
        .annotate(
            employee_count=Count("employees", filter=Q(employees__is_active=True), distinct=True),
        )
        .order_by("name")
    )
    return render(request, "home/auditor.html", {"instansi_list": instansi_list})
