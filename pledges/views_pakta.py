"""Pakta Integritas: heads of units sign, the Sekda countersigns and downloads, heads follow
their unit's ikrar progress and remind their staff."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import asn_required, get_unit_for, role_required, signer_required
from portal.models import Employee, Unit, User

from . import services, work
from .access import (
    get_campaign_for,
    get_export_for,
    get_headed_unit,
    get_pakta_to_witness,
    latest_campaign,
    may_remind,
)
from .models import BulkExport, Campaign, Signature
from .progress import pakta_units, percent
from .views import SigningPage, signing_flow

SORTS = {
    "nama": "name",
    "jenis": "kind",
    "kepala": "head__name",
    "pakta": "pakta_signed_at",
    "ikrar": "ratio",
}


@require_GET
def official_home(request):
    """A regional head's or deputy's work: the pakta waiting for a witness, and those they
    have countersigned."""
    if not request.user.is_official:
        raise PermissionDenied
    return render(
        request,
        "pledges/home_official.html",
        {
            "official": request.user.official,
            "summary": work.pakta_summary(request.user),
            "witnessed": Signature.objects.own(request.user)
            .select_related("witnessed__unit", "campaign")
            .order_by("-signed_at"),
        },
    )


@asn_required
@require_GET
def pakta_home(request):
    """A head's own units and, per open campaign, whether their pakta is signed."""
    if not Unit.objects.led_by(request.user).exists():
        raise PermissionDenied
    return render(request, "pledges/pakta_home.html", {"pakta": work.head_pakta(request.user)})


@asn_required
@require_http_methods(["GET", "POST"])
def sign_pakta(request, pk: int, unit_id: int):
    campaign = get_campaign_for(request.user, pk)
    unit = get_headed_unit(request.user, unit_id)
    if unit.instansi_id != campaign.instansi_id:
        raise Http404
    employee = request.user.employee
    page = SigningPage(
        kind=Signature.Kind.PAKTA,
        title=_("Pakta Integritas"),
        intro=_(
            "Dalam jabatan sebagai pimpinan unit kerja, saya menyatakan (centang setiap butir):"
        ),
        submit=_("Tanda tangani pakta integritas"),
        sign=lambda data: services.sign_pakta(
            employee=employee, unit=unit, campaign=campaign, data=data
        ),
        existing=Signature.objects.pakta().valid().filter(campaign=campaign, unit=unit).first,
    )
    return signing_flow(request, campaign, page, unit=unit)


@signer_required
@require_http_methods(["GET", "POST"])
def sign_witness(request, code: str):
    pakta = get_pakta_to_witness(request.user, code)
    signer = request.user.signer
    page = SigningPage(
        kind=Signature.Kind.WITNESS,
        title=_("Saksi Pakta Integritas"),
        intro=_("Sebagai saksi, saya mengetahui pakta integritas berikut (centang setiap butir):"),
        submit=_("Tanda tangani sebagai saksi"),
        sign=lambda data: services.sign_witness(signer=signer, pakta=pakta, data=data),
        existing=pakta.witnesses.valid().first,
    )
    return signing_flow(request, pakta.campaign, page, pakta=pakta)


@require_http_methods(["GET", "POST"])
def unit_progress(request, pk: int, unit_id: int):
    """Signed / total of one unit and who has not signed; the head and BKD may remind."""
    campaign = get_campaign_for(request.user, pk)
    unit = get_unit_for(request.user, unit_id)
    if unit.instansi_id != campaign.instansi_id:
        raise Http404
    reminds = may_remind(request.user, unit)
    staff = Employee.objects.active().in_unit(unit)
    if request.method == "POST":
        if not reminds:
            raise PermissionDenied
        batch = services.remind_unsigned(
            campaign=campaign, employees=staff, actor=request.user, request=request
        )
        messages.success(
            request,
            _(
                "Pengingat dikirim ke %(n)d pegawai; %(s)d dilewati karena baru diingatkan; "
                "%(e)d tanpa email."
            )
            % {"n": batch.queued, "s": batch.skipped_recent, "e": len(batch.without_email)},
        )
        return redirect("pledges:unit_progress", pk=campaign.pk, unit_id=unit.pk)
    total = staff.count()
    unsigned = list(campaign.unsigned_among(staff).order_by("name"))
    signed = total - len(unsigned)
    without_email = [e for e in unsigned if not e.email]
    return render(
        request,
        "pledges/unit_progress.html",
        {
            "campaign": campaign,
            "unit": unit,
            "total": total,
            "signed": signed,
            "percent": percent(signed, total),
            "unsigned": unsigned,
            "with_email": [e for e in unsigned if e.email],
            "without_email": without_email,
            "may_remind": reminds,
            "site_url": settings.SITE_URL,
        },
    )


@role_required(*User.DOCUMENT_ROLES)
@require_GET
def pakta_recap_latest(request):
    campaign = latest_campaign(request.user)
    if campaign is None:
        return render(request, "pledges/pakta_recap.html", {"campaign": None})
    return redirect("pledges:pakta_recap", pk=campaign.pk)


@role_required(*User.DOCUMENT_ROLES)
@require_GET
def pakta_recap(request, pk: int):
    """Every unit with its head, pakta status and ikrar progress; single and bulk downloads."""
    campaign = get_campaign_for(request.user, pk)
    units = pakta_units(campaign).annotate(ratio=F("signed") * 1.0 / Greatest(F("staff"), 1))
    kind = request.GET.get("kind", "")
    if kind in Unit.Kind.values:
        units = units.filter(kind=kind)
    status = request.GET.get("status", "")
    if status == "belum":
        units = units.filter(
            Q(pakta_status__isnull=True)
            | Q(pakta_status__in=[Signature.Status.RETURNED, Signature.Status.REVOKED])
        )
    elif status == "sudah":
        units = units.filter(pakta_status__in=Signature.VALID_STATUSES)
    elif status in (Signature.Status.RETURNED, Signature.Status.REVOKED):
        units = units.filter(pakta_status=status)
    sort = request.GET.get("sort", "nama")
    order = SORTS.get(sort.lstrip("-"), "name")
    descending = sort.startswith("-")
    units = units.order_by(
        F(order).desc(nulls_last=True) if descending else F(order).asc(nulls_last=True), "name"
    )
    rows = list(units)
    for row in rows:
        row.percent = percent(row.signed, row.staff)
    return render(
        request,
        "pledges/pakta_recap.html",
        {
            "campaign": campaign,
            "rows": rows,
            "kinds": Unit.Kind.choices,
            "kind": kind,
            "status": status,
            "sort": sort,
            "sort_columns": [
                ("nama", _("Unit kerja")),
                ("jenis", _("Jenis")),
                ("kepala", _("Kepala unit")),
                ("pakta", _("Pakta")),
                ("ikrar", _("Ikrar pegawai")),
            ],
            "campaigns": Campaign.objects.visible_to(request.user).order_by("-opens_on"),
            "exports": BulkExport.objects.visible_to(request.user)
            .filter(campaign=campaign)
            .select_related("instansi")[:10],
            "export_kinds": [
                (kind, label)
                for kind, label in BulkExport.Kind.choices
                if kind in BulkExport.kinds_for(request.user)
            ],
        },
    )


@role_required(*User.DOCUMENT_ROLES)
@require_POST
def export_start(request, pk: int, kind: str):
    campaign = get_campaign_for(request.user, pk)
    if kind not in BulkExport.kinds_for(request.user):
        raise Http404
    export = services.start_export(
        campaign=campaign, kind=kind, actor=request.user, request=request
    )
    return redirect("pledges:export", pk=export.pk)


@role_required(*User.DOCUMENT_ROLES)
@require_GET
def export_status(request, pk: int):
    export = get_export_for(request.user, pk)
    return render(request, "pledges/export_status.html", {"export": export})


@role_required(*User.DOCUMENT_ROLES)
@require_POST
def export_restart(request, pk: int):
    export = get_export_for(request.user, pk)
    if export.status != BulkExport.Status.DONE:
        services.restart_export(export=export)
    return redirect("pledges:export", pk=export.pk)


@role_required(*User.DOCUMENT_ROLES)
@require_GET
def export_download(request, pk: int):
    export = get_export_for(request.user, pk)
    if export.status != BulkExport.Status.DONE:
        raise Http404
    services.log_download(
        user=request.user, instansi_id=export.instansi_id, export=export, request=request
    )
    content_type = (
        "application/pdf" if export.kind == BulkExport.Kind.PAKTA_PDF else ("application/zip")
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=content_type,
    )
