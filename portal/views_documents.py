"""The BKD's letterhead (kop surat) and seal page: what every issued document carries."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import documents, numbering, seals, services
from .access import role_required
from .forms import LetterheadForm
from .models import User


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
def letterhead(request):
    instansi = request.user.instansi
    form = LetterheadForm(request.POST or None, request.FILES or None, instance=instansi)
    if request.method == "POST" and form.is_valid():
        services.update_letterhead(instansi=instansi, form=form, actor=request.user,
                                   request=request)  # fmt: skip
        messages.success(
            request, _("Kop surat disimpan. Dokumen yang terbit berikutnya memakainya.")
        )
        return redirect("documents:letterhead")
    instansi.refresh_from_db()  # an invalid form must not show its half-applied values
    return render(
        request,
        "portal/letterhead.html",
        {"form": form, "instansi": instansi, "seal": seals.status(instansi),
         "seal_path": seals.seal_path(instansi.code),
         "password_variable": f"SEAL_PASSWORD_{seals.env_suffix(instansi.code)}"},
        status=400 if form.errors else 200,
    )  # fmt: skip


@role_required(User.Role.BKD)
@require_GET
def letterhead_logo(request):
    """The logo as stored (media is never served directly), or the neutral default."""
    instansi = request.user.instansi
    if instansi.logo and default_storage.exists(instansi.logo.name):
        data = default_storage.open(instansi.logo.name, "rb").read()
        kind = "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"
        response = HttpResponse(data, content_type=kind)
    else:
        response = FileResponse(documents.DEFAULT_LOGO.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(User.Role.BKD)
@require_GET
def letterhead_preview(request):
    """A sample page with the letterhead as configured: unsealed, unnumbered, marked CONTOH."""
    instansi = request.user.instansi
    now = timezone.localtime(timezone=instansi.tz)
    number = numbering.format_number(
        instansi.number_pattern("ikrar"), year=now.year, month=now.month, seq=1
    )
    pdf = documents.render(
        "pdf/letterhead_sample.html",
        {"instansi": instansi, "today": now.date()},
        instansi=instansi,
        number=number,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="contoh-kop-surat.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
