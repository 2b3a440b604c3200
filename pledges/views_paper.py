"""The ikrar on paper, for ASN who cannot sign on a device: a unit head or the BKD prints the
unit's sheet, collects wet-ink signatures, uploads the scan and ticks who signed. Each of them
then holds an ordinary (reviewable, counted, certified) ikrar of method "kertas"."""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal import dates, documents
from portal.limits import UPLOAD_OVERHEAD, max_body

from . import services
from .access import get_campaign_for, get_scan_for, get_sheet_for, latest_campaign, paper_units
from .certificates import qr_image
from .forms import PaperRecordForm, PaperSheetForm
from .models import PaperSheet


def _may_print(user) -> bool:
    return user.is_bkd or user.is_unit_head


@require_GET
def paper_latest(request):
    if not _may_print(request.user):
        raise PermissionDenied
    campaign = latest_campaign(request.user)
    if campaign is None:
        messages.info(request, _("Belum ada kampanye yang dibuka."))
        return redirect("home")
    return redirect("pledges:paper_start", pk=campaign.pk)


@require_http_methods(["GET", "POST"])
def paper_start(request, pk: int):
    """Choose a unit and print its sheet (the unsigned staff of the unit)."""
    if not _may_print(request.user):
        raise PermissionDenied
    campaign = get_campaign_for(request.user, pk)
    units = paper_units(request.user).filter(instansi_id=campaign.instansi_id)
    form = PaperSheetForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.print_paper_sheet(campaign=campaign, unit=form.cleaned_data["unit"],
                                               actor=request.user, request=request)  # fmt: skip
        except ValidationError as exc:
            form.add_error("unit", exc)
        else:
            return redirect("pledges:paper_sheet", code=sheet.code)
    sheets = (
        PaperSheet.objects.visible_to(request.user).filter(campaign=campaign)
        .select_related("unit").prefetch_related("scans")[:30]
    )  # fmt: skip
    return render(request, "pledges/paper_start.html",
                  {"campaign": campaign, "form": form, "sheets": sheets},
                  status=400 if form.errors else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
@max_body(services.PAPER_SCAN_MAX_BYTES + UPLOAD_OVERHEAD)
def paper_sheet(request, code: str):
    """The sheet's page (its QR code leads here): print it, then record the signed scan."""
    sheet = get_sheet_for(request.user, code)
    form = PaperRecordForm(request.POST or None, request.FILES or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_paper_signatures(
                sheet=sheet, upload=form.cleaned_data["scan"],
                signed_on=form.cleaned_data["signed_on"],
                employee_ids=form.cleaned_data["employees"], actor=request.user, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _report(request, result)
            return redirect("pledges:paper_sheet", code=sheet.code)
    scans = sheet.scans.select_related("recorded_by").prefetch_related("signatures")
    return render(request, "pledges/paper_sheet.html",
                  {"sheet": sheet, "form": form, "scans": scans, "tz": sheet.instansi.tz},
                  status=400 if form.errors else 200)  # fmt: skip


def _report(request, result: services.PaperResult) -> None:
    messages.success(request, _("%(n)d tanda tangan di atas kertas dicatat.")
                     % {"n": len(result.recorded)})  # fmt: skip
    if result.already_signed:
        names = ", ".join(result.already_signed)
        text = _("Sudah menandatangani sebelumnya, tidak dicatat lagi: %(names)s.")
        messages.warning(request, text % {"names": names})
    if result.inactive:
        messages.warning(request, _("Tidak aktif lagi, tidak dicatat: %(names)s.")
                         % {"names": ", ".join(result.inactive)})  # fmt: skip


@require_GET
def paper_sheet_pdf(request, code: str):
    sheet = get_sheet_for(request.user, code)
    url = settings.SITE_URL + reverse("pledges:paper_sheet", args=[sheet.code])
    tz = sheet.instansi.tz
    # A form to sign in ink: letterhead, not sealed (a seal means nothing once printed; the
    # uploaded scan is what becomes evidence).
    pdf = documents.render(
        "pdf/paper_sheet.html",
        {
            "sheet": sheet,
            "campaign": sheet.campaign,
            "instansi": sheet.instansi,
            "qr": qr_image(url),
            "url": url,
            "printed": dates.tanggal_jam(sheet.printed_at, tz),
        },
        instansi=sheet.instansi,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lembar-ikrar-{sheet.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def paper_scan(request, code: str, scan_id: int):
    scan = get_scan_for(request.user, code, scan_id)
    name = f"pindaian-{scan.sheet_code}-{scan.pk}{PurePath(scan.file.name).suffix}"
    response = FileResponse(scan.file.open("rb"), content_type=scan.content_type,
                            as_attachment=True, filename=name)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
