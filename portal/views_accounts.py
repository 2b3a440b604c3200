"""Password change and reset, and account activation (admin side and employee side)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import accounts, limits
from . import nip as nip_mod
from .access import get_unit_for, role_required
from .forms_accounts import ActivationCodeForm, QueuedPasswordResetForm
from .models import AuditEvent, Unit, User
from .views import ratelimited

USER_BACKEND = "portal.backends.UserBackend"


def _email_key(group: str, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _nip_key(group: str, request) -> str:
    return nip_mod.normalize(request.POST.get("nip", ""))[:40]


# --- Password change and reset (Django's views with our templates and mail) ---------------


password_change = auth_views.PasswordChangeView.as_view(
    success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        over_ip = limits.over_limit(
            request,
            "accounts.password_reset.ip",
            limits.client_key,
            limits.RESET_REQUESTS_PER_ADDRESS,
            increment=True,
        )
        over_email = limits.over_limit(request, "accounts.password_reset.email", _email_key,
                                       limits.RESET_REQUESTS_PER_EMAIL, increment=True)  # fmt: skip
        if over_ip or over_email:
            return ratelimited(request)
        return super().post(request, *args, **kwargs)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


# --- Activation: employee side -------------------------------------------------------------


class ActivationConfirmView(auth_views.PasswordResetConfirmView):
    """The page behind the emailed activation link: choose a password, then you are in."""

    token_generator = accounts.activation_token_generator
    success_url = reverse_lazy("home")
    template_name = "registration/activation_confirm.html"

    def form_valid(self, form):
        # Django's form_valid saves the password on its own; the service also records the
        # activation, in one transaction with the password.
        user = accounts.activate_with_link(
            user=form.user, password=form.cleaned_data["new_password1"], request=self.request
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        login(self.request, user, backend=USER_BACKEND)
        messages.success(self.request, _("Akun Anda sudah aktif. Selamat datang."))
        return redirect(self.success_url)


activate_confirm = ActivationConfirmView.as_view()


@login_not_required
@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    """Activation with the code printed on a letter, for employees without email."""
    if request.method == "POST":
        if _activation_failures(request, increment=False):
            return ratelimited(request)
        form = ActivationCodeForm(request.POST)
        user = None
        if form.is_valid():
            try:
                user = accounts.activate_with_code(
                    nip=form.cleaned_data["nip"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["new_password1"],
                    request=request,
                )
            except accounts.ActivationError:
                form.add_error(None, form.invalid_code_error())
        if user is not None:
            login(request, user, backend=USER_BACKEND)
            messages.success(request, _("Akun Anda sudah aktif. Selamat datang."))
            return redirect("home")
        if form.has_error(NON_FIELD_ERRORS, "invalid_code"):
            _activation_failures(request, increment=True)
    else:
        form = ActivationCodeForm()
    return render(request, "registration/activate_code.html", {"form": form})


def _activation_failures(request, *, increment: bool) -> bool:
    """Only failed attempts count: per NIP (the account a guess is aimed at) and, far higher,
    per address, so a hall activating together is never stopped by one another's typos."""
    per_nip = limits.over_limit(
        request,
        "accounts.activate.nip",
        _nip_key,
        limits.ACTIVATION_FAILURES_PER_NIP,
        increment=increment,
    )
    per_address = limits.over_limit(
        request,
        "accounts.activate.ip",
        limits.client_key,
        limits.ACTIVATION_FAILURES_PER_ADDRESS,
        increment=increment,
    )
    return per_nip or per_address  # fmt: skip


# --- Activation: BKD admin side ------------------------------------------------------------


def _unit_filter(user: User, value: str | None) -> Unit | None:
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_unit_for(user, int(value))


def _activation_url(unit: Unit | None) -> str:
    url = reverse("accounts:activation")
    return f"{url}?{urlencode({'unit': unit.pk})}" if unit else url


@role_required(User.Role.BKD)
@require_GET
def activation(request):
    user = request.user
    unit = _unit_filter(user, request.GET.get("unit"))
    candidates = accounts.activation_candidates(user.instansi, unit)
    per_unit = (
        candidates.values("unit_id", "unit__name")
        .annotate(
            with_email=Count("pk", filter=~Q(email="")),
            without_email=Count("pk", filter=Q(email="")),
        )
        .order_by("unit__name")
    )
    totals = candidates.aggregate(
        with_email=Count("pk", filter=~Q(email="")),
        without_email=Count("pk", filter=Q(email="")),
    )
    events = (
        AuditEvent.objects.visible_to(user)
        .filter(action__startswith="account.activation_")
        .select_related("actor", "actor__employee")[:10]
    )
    return render(
        request,
        "portal/activation.html",
        {
            "units": Unit.objects.visible_to(user).only("pk", "name"),
            "unit": unit,
            "per_unit": per_unit,
            "totals": totals,
            "events": events,
        },
    )


@role_required(User.Role.BKD)
@require_POST
def activation_send(request):
    unit = _unit_filter(request.user, request.POST.get("unit"))
    count = accounts.send_activation_emails(
        actor=request.user, instansi=request.user.instansi, unit=unit, request=request
    )
    if count:
        messages.success(
            request,
            _("Email aktivasi sedang dikirim ke %(count)d pegawai.") % {"count": count},
        )
    else:
        messages.info(request, _("Tidak ada pegawai ber-email yang menunggu aktivasi."))
    return redirect(_activation_url(unit))


@role_required(User.Role.BKD)
@require_POST
def activation_letters(request):
    """Issue codes and show the letters at once.

    This POST answers with a page instead of a redirect on purpose: the plain codes exist only
    in this response (the database keeps their hashes), so there is nothing to redirect to.
    """
    unit = _unit_filter(request.user, request.POST.get("unit"))
    letters = accounts.issue_activation_codes(
        actor=request.user, instansi=request.user.instansi, unit=unit, request=request
    )
    if not letters:
        messages.info(request, _("Tidak ada pegawai tanpa email yang menunggu aktivasi."))
        return redirect(_activation_url(unit))
    response = render(
        request,
        "portal/activation_letters.html",
        {
            "letters": letters,
            "unit": unit,
            "instansi": request.user.instansi,
            "site_url": settings.SITE_URL,
            "activate_url": settings.SITE_URL + reverse("accounts:activate"),
            "valid_days": accounts.CODE_VALIDITY.days,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
