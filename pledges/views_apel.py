"""The apel: a ceremony where the ikrar is read aloud and signed. The BKD or the Sekda opens
one, puts its screen on the projector (the text, a QR code to the signing page and a live
count), closes it, and hands the Sekda a report."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import dates, documents, numbering
from portal.access import role_required
from portal.models import DocumentKind, User

from . import services
from .access import get_apel_for, get_campaign_for, latest_campaign
from .certificates import qr_svg
from .forms import ApelForm
from .models import Apel
from .progress import APEL_REFRESH_SECONDS, apel_counts, apel_report_sections

APEL_ROLES = User.DOCUMENT_ROLES


@role_required(*APEL_ROLES)
@require_GET
def apel_latest(request):
    campaign = latest_campaign(request.user)
    if campaign is None:
        messages.info(request, _("Belum ada kampanye untuk diapelkan."))
        return redirect("home")
    return redirect("pledges:apel_list", pk=campaign.pk)


@role_required(*APEL_ROLES)
@require_http_methods(["GET", "POST"])
def apel_list(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    instansi = request.user.instansi
    with timezone.override(instansi.tz):
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        start += dt.timedelta(hours=1)
        form = ApelForm(
            request.POST or None,
            user=request.user,
            instance=Apel(instansi=instansi, campaign=campaign),
            initial={"starts_at": start, "ends_at": start + dt.timedelta(hours=2)},
        )
        if request.method == "POST" and form.is_valid():
            apel = services.save_apel(apel=form.instance, units=form.cleaned_data["units"],
                                      actor=request.user, request=request)  # fmt: skip
            messages.success(request, _("Apel dicatat. Buka layarnya di proyektor saat apel."))
            return redirect("pledges:apel", pk=apel.pk)
        return render(
            request,
            "pledges/apel_list.html",
            {
                "campaign": campaign,
                "form": form,
                "apels": Apel.objects.visible_to(request.user).filter(campaign=campaign),
                "tz": instansi.tz,
            },
            status=400 if form.errors else 200,
        )


@role_required(*APEL_ROLES)
@require_GET
def apel_detail(request, pk: int):
    apel = get_apel_for(request.user, pk)
    return render(
        request,
        "pledges/apel_detail.html",
        {"apel": apel, "counts": apel_counts(apel), "tz": apel.instansi.tz},
    )


@role_required(*APEL_ROLES)
@require_POST
def apel_close(request, pk: int):
    apel = get_apel_for(request.user, pk)
    services.close_apel(apel=apel, actor=request.user, request=request)
    messages.success(request, _("Apel ditutup."))
    return redirect("pledges:apel", pk=apel.pk)


@role_required(*APEL_ROLES)
@require_GET
def apel_screen(request, pk: int):
    """For the projector: large type, the text to read aloud, the QR code and the count."""
    apel = get_apel_for(request.user, pk)
    sign_url = settings.SITE_URL + reverse("pledges:sign", args=[apel.campaign_id])
    return render(
        request,
        "pledges/apel_screen.html",
        {
            "apel": apel,
            "campaign": apel.campaign,
            "counts": apel_counts(apel),
            "qr": qr_svg(sign_url),
            "sign_url": sign_url,
            "refresh_ms": APEL_REFRESH_SECONDS * 1000,
            "tz": apel.instansi.tz,
        },
    )


@role_required(*APEL_ROLES)
@require_GET
@never_cache
def apel_counts_json(request, pk: int):
    return JsonResponse(apel_counts(get_apel_for(request.user, pk)))


@role_required(*APEL_ROLES)
@require_GET
def apel_report(request, pk: int):
    """Who signed during the apel, per unit, and who has not signed at all: numbered once
    (asked again, it keeps its number and shows the count of that moment) and sealed."""
    apel = get_apel_for(request.user, pk)
    campaign, instansi, tz = apel.campaign, apel.instansi, apel.instansi.tz
    documents.seals.get_seal(instansi)
    number = numbering.allocate(
        instansi=instansi, kind=DocumentKind.APEL, reference=f"apel:{apel.pk}"
    ).number
    now = timezone.now()
    pdf = documents.issue(
        "pdf/apel_report.html",
        {
            "apel": apel,
            "campaign": campaign,
            "instansi": instansi,
            "sections": apel_report_sections(apel),
            "counts": apel_counts(apel),
            "tz": tz,
            "window": f"{dates.tanggal_jam(apel.starts_at, tz)} – "
            f"{dates.tanggal_jam(apel.closed_at or apel.ends_at, tz)}",
            "today": dates.tanggal(now, tz),
            "printed": dates.tanggal_jam(now, tz),
            "printed_by": request.user.display_name,
        },
        instansi=instansi,
        number=number,
        reason=f"Laporan {apel.name}",
    ).pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-apel-{apel.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
