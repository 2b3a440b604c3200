from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import limits
from .access import get_unit_for, role_required
from .audit import action_label, record
from .forms import LoginForm, UnitHeadForm
from .models import AuditEvent, User


class LoginView(auth_views.LoginView):
    """Failures count per NIP and address (django-axes) and, far higher, per address alone: a
    ceiling on one client guessing across many NIPs that a hall at an apel never reaches."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if limits.over_limit(request, "login.failures.ip", limits.client_key,
                             limits.LOGIN_FAILURES_PER_ADDRESS, increment=False):  # fmt: skip
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        limits.over_limit(self.request, "login.failures.ip", limits.client_key,
                          limits.LOGIN_FAILURES_PER_ADDRESS, increment=True)  # fmt: skip
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        # Administrator sessions are audited; the thousands of ASN logins are not admin actions.
        if user.role:
            record("account.login", actor=user, target=user.username, request=self.request)
        return response


def ratelimited(request, exception=None):
    return HttpResponse(
        render_to_string("429.html", {"message": _("Terlalu banyak permintaan.")}, request),
        status=429,
    )


@role_required(User.Role.BKD)
@require_GET
def audit_log(request):
    """Every administrator action of the instansi, filterable by person and action."""
    scope = AuditEvent.objects.visible_to(request.user)
    person = request.GET.get("orang", "").strip()[:100]
    action = request.GET.get("action", "")[:40]
    events = scope.by_person(person).select_related("actor__employee", "actor__official")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_log.html",
        {
            "page": page,
            "actions": [
                (name, action_label(name))
                for name in scope.order_by("action").values_list("action", flat=True).distinct()
            ],
            "person": person,
            "action": action,
            "tz": request.user.instansi.tz,
        },
    )


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
def unit_head(request, pk: int):
    unit = get_unit_for(request.user, pk)
    initial = {"nip": unit.head.nip if unit.head else "", "head_status": unit.head_status,
               "head_title": unit.head_title}  # fmt: skip
    form = UnitHeadForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit.head = form.cleaned_data["nip"]
        unit.head_status = form.cleaned_data["head_status"]
        unit.head_title = form.cleaned_data["head_title"]
        unit.save(update_fields=["head", "head_status", "head_title"])
        record("unit.head", actor=request.user, target=unit, request=request,
               head=unit.head.nip if unit.head else None, status=unit.head_status)  # fmt: skip
        messages.success(request, _("Kepala unit disimpan."))
        return redirect("home")
    return render(request, "portal/unit_head.html", {"unit": unit, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip
