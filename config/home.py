"""The home page: each role lands on the page of its daily job.

It lives at the project level because a home page gathers the work of several apps; the
numbers come from each app's work module (pledges.work, sanctions.work), this module only
picks the page and hands them over.
"""

from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pledges import work
from pledges.views import asn_home
from pledges.views_pakta import official_home
from portal.access import role_required
from portal.models import Employee, Instansi, Unit, User
from sanctions.work import cases_by_deadline

UNITS_LISTED = 12  # a home lists a few units by name; the full list is one link away


@require_GET
def home(request):
    user = request.user
    if user.is_auditor:
        return auditor_home(request)
    if user.is_official:
        return official_home(request)
    if user.is_bkd:
        return bkd_home(request)
    if user.is_sekda:
        return sekda_home(request)
    if user.is_inspektorat:
        return inspektorat_home(request)
    if user.is_asn:
        return asn_home(request)
    return render(request, "home/empty.html")


def own_work(user: User) -> dict:
    """An administrator is often an ASN too (the Sekda heads the Sekretariat): their own pakta
    and ikrar come first on their home, before the instansi's work."""
    if not user.employee_id:
        return {"pakta": [], "steps": []}
    return {"pakta": work.head_pakta(user), "steps": work.asn_steps(user)}


@role_required(User.Role.BKD)
def bkd_home(request):
    user = request.user
    stats = Employee.objects.visible_to(user).aggregate(
        total=Count("pk", filter=Q(is_active=True)),
        pns=Count("pk", filter=Q(is_active=True, kind="PNS")),
        pppk=Count("pk", filter=Q(is_active=True, kind="PPPK")),
    )
    headless = Unit.objects.visible_to(user).filter(head__isnull=True).order_by("name")
    return render(
        request,
        "home/bkd.html",
        {
            "instansi": user.instansi,
            "stats": stats,
            "compliance": work.open_compliance(user),
            "pending_reviews": work.pending_reviews(user),
            "problems": work.bkd_problems(user),
            "cases": cases_by_deadline(user, limit=0),
            "units_without_head": list(headless[: UNITS_LISTED + 1]),
            "units_listed": UNITS_LISTED,
            **own_work(user),
        },
    )


@role_required(User.Role.SEKDA)
def sekda_home(request):
    user = request.user
    summary = work.pakta_summary(user)
    return render(
        request,
        "home/sekda.html",
        {
            "instansi": user.instansi,
            "summary": summary,
            "overview": work.compliance.overview(summary.campaign) if summary else None,
            "downloads": work.downloads(user, summary.campaign) if summary else None,
            **own_work(user),
        },
    )


@role_required(User.Role.INSPEKTORAT)
def inspektorat_home(request):
    user = request.user
    return render(
        request,
        "home/inspektorat.html",
        {"instansi": user.instansi, "cases": cases_by_deadline(user), **own_work(user)},
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
