"""The regional head and deputy (kepala daerah, wakil): the BKD records them and sets up
their login, so they can countersign the pakta of the instansi's units."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .access import role_required
from .forms import OfficialForm
from .models import Official, User


def _officials_of(user: User):
    return Official.objects.filter(instansi_id=user.instansi_id).select_related("user")


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
def officials(request):
    form = OfficialForm(request.POST or None, instansi=request.user.instansi)
    if request.method == "POST" and form.is_valid():
        official = services.add_official(form=form, actor=request.user, request=request)
        messages.success(
            request,
            _("%(name)s dicatat; tautan aktivasi akun dikirim ke %(email)s.")
            % {"name": official.name, "email": official.email},
        )
        return redirect("portal:officials")
    return render(
        request,
        "portal/officials.html",
        {"form": form, "officials": _officials_of(request.user).order_by("-is_active", "office")},
        status=400 if form.errors else 200,
    )


@role_required(User.Role.BKD)
@require_POST
def official_end(request, pk: int):
    official = get_object_or_404(_officials_of(request.user), pk=pk, is_active=True)
    services.end_official_term(official=official, actor=request.user, request=request)
    messages.success(
        request,
        _("Masa jabatan %(name)s dicatat berakhir; akunnya tidak dapat dipakai lagi.")
        % {"name": official.name},
    )
    return redirect("portal:officials")


@role_required(User.Role.BKD)
@require_POST
def official_invite(request, pk: int):
    official = get_object_or_404(_officials_of(request.user), pk=pk, is_active=True)
    if official.user.has_usable_password():
        messages.info(request, _("Akun ini sudah aktif. Untuk kata sandi yang terlupa, pakai "
                                 "“Lupa kata sandi” di halaman masuk."))  # fmt: skip
    else:
        services.resend_official_activation(official=official, actor=request.user,
                                            request=request)  # fmt: skip
        messages.success(request, _("Tautan aktivasi dikirim lagi ke %(email)s.")
                         % {"email": official.email})  # fmt: skip
    return redirect("portal:officials")
