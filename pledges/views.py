"""Campaigns (BKD), signing the ikrar (ASN), certificates and public verification."""

import hashlib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from portal import seals
from portal.access import asn_required, role_required
from portal.audit import client_ip
from portal.models import User

from . import services
from .access import get_campaign_for, get_downloadable_signature, get_own_signature
from .certificates import certificate_for
from .forms import CampaignForm, CodeForm, PdfCheckForm, SignForm, TemplateCopyForm
from .models import Campaign, Certificate, Signature, normalize_code

# Public pages: generous for a room full of people scanning QR codes behind one address,
# tight enough to make enumerating codes pointless.
VERIFY_RATE = "120/m"
UPLOAD_RATE = "20/h"


def _client_ip(group: str, request) -> str:
    return client_ip(request) or ""


# --- ASN ------------------------------------------------------------------------------------


@asn_required
def asn_home(request):
    employee = request.user.employee
    signatures = list(
        Signature.objects.own(request.user)
        .select_related("campaign", "certificate")
        .order_by("-signed_at")
    )
    valid_by_campaign = {s.campaign_id: s for s in signatures if s.is_valid}
    campaigns = [
        (campaign, valid_by_campaign.get(campaign.pk))
        for campaign in Campaign.objects.visible_to(request.user)
        .current()
        .select_related("instansi")
        .order_by("closes_on")
        if campaign.is_open()
    ]
    return render(
        request,
        "pledges/home_asn.html",
        {"employee": employee, "campaigns": campaigns, "signatures": signatures},
    )


@dataclass(frozen=True)
class SigningPage:
    """What differs between signing an ikrar, a unit's pakta and a witness countersignature."""

    kind: str
    title: str
    intro: str
    submit: str
    done: str
    sign: Callable[[services.SignatureInput], Signature]
    existing: Callable[[], Signature | None]


def signing_flow(request, campaign: Campaign, page: SigningPage, **context):
    """GET shows the document and the pad; POST signs once, whatever the number of taps."""
    existing = page.existing()
    if existing is not None:
        messages.info(request, _("Dokumen ini sudah Anda tanda tangani."))
        return redirect("pledges:signed", code=existing.code)
    if not campaign.is_open():
        return render(request, "pledges/closed.html", {"campaign": campaign}, status=403)
    form = SignForm(request.POST or None, campaign=campaign, points=campaign.points_for(page.kind))
    if request.method == "POST" and form.is_valid():
        data = services.SignatureInput(
            method=form.cleaned_data["method"],
            confirmed_points=form.confirmed_points,
            drawn_data_url=form.cleaned_data["signature"],
            typed_name=form.cleaned_data["typed_name"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
        try:
            signature = page.sign(data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.AlreadySigned:
            # A double tap or a second tab: the other request won; show its result.
            messages.info(request, _("Dokumen ini sudah Anda tanda tangani."))
            return redirect("pledges:signed", code=page.existing().code)
        else:
            messages.success(request, page.done)
            return redirect("pledges:signed", code=signature.code)
    return render(
        request,
        "pledges/sign.html",
        {
            "campaign": campaign,
            "employee": request.user.employee,
            "form": form,
            "page": page,
            "closing": campaign.closing_for(page.kind),
            **context,
        },
        status=400 if form.errors else 200,
    )


@asn_required
@require_http_methods(["GET", "POST"])
def sign(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    employee = request.user.employee
    valid = Signature.objects.ikrar().valid().filter(campaign=campaign, employee=employee)
    page = SigningPage(
        kind=Signature.Kind.IKRAR,
        title=_("Ikrar Netralitas ASN"),
        intro=_("Dengan ini menyatakan berikrar untuk (centang setiap butir):"),
        submit=_("Tanda tangani ikrar"),
        done=_("Terima kasih. Ikrar Anda telah tercatat."),
        sign=lambda data: services.sign_ikrar(employee=employee, campaign=campaign, data=data),
        existing=valid.first,
    )
    return signing_flow(request, campaign, page)


@asn_required
@require_GET
def signed(request, code: str):
    signature = get_own_signature(request.user, code)
    return render(request, "pledges/signed.html", {"signature": signature})


@require_GET
def certificate(request, code: str):
    """The stored PDF, served from storage; rendered now only if the worker has not yet."""
    signature = get_downloadable_signature(request.user, code).current_document()
    try:
        cert = certificate_for(signature)
    except seals.SealUnavailable as exc:
        return render(request, "portal/seal_missing.html", {"message": str(exc)}, status=503)
    services.log_download(
        user=request.user, instansi_id=signature.instansi_id, signature=signature, request=request
    )
    nip = signature.identity.get("nip", "")
    return FileResponse(
        cert.file.open("rb"),
        as_attachment=True,
        filename=f"{signature.kind}-{nip}-{signature.code}.pdf",
        content_type="application/pdf",
    )


# --- Public verification --------------------------------------------------------------------


@login_not_required
@require_GET
@ratelimit(key=_client_ip, rate=VERIFY_RATE, block=True)
def verify_index(request):
    form = CodeForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("pledges:verify", code=form.cleaned_data["code"])
    return render(
        request,
        "pledges/verify_index.html",
        {"code_form": form, "pdf_form": PdfCheckForm()},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_GET
@ratelimit(key=_client_ip, rate=VERIFY_RATE, block=True)
def verify(request, code: str):
    """The QR target: status and the minimum identity, nothing more."""
    signature = (
        Signature.objects.select_related("campaign", "instansi", "unit", "certificate")
        .filter(code=normalize_code(code))
        .first()
    )
    return render(
        request,
        "pledges/verify.html",
        {"signature": signature, "code_form": CodeForm(), "pdf_form": PdfCheckForm()},
        status=200 if signature else 404,
    )


@login_not_required
@require_POST
@ratelimit(key=_client_ip, rate=UPLOAD_RATE, block=True)
def verify_pdf(request):
    """Is this file a delivered document, byte for byte, and is its seal intact? The upload
    is hashed, its seal validated, and dropped."""
    form = PdfCheckForm(request.POST, request.FILES)
    certificate = seal = None
    if form.is_valid():
        data = form.cleaned_data["file"].read()
        digest = hashlib.sha256(data).hexdigest()
        seal = seals.validate(data)
        certificate = (
            Certificate.objects.select_related(
                "signature", "signature__campaign", "signature__instansi"
            )
            .filter(sha256=digest)
            .first()
        )
    return render(
        request,
        "pledges/verify_pdf.html",
        {
            "code_form": CodeForm(),
            "pdf_form": form,
            "certificate": certificate,
            "seal": seal,
            # Seal times in the issuing instansi's zone when the document is known.
            "seal_tz": certificate.signature.instansi.tz
            if certificate
            else zoneinfo.ZoneInfo(settings.TIME_ZONE),
            "checked": form.is_valid(),
        },
        status=200 if form.is_valid() else 400,
    )


# --- Campaigns (BKD) ------------------------------------------------------------------------


@role_required(User.Role.BKD)
@require_GET
def campaign_list(request):
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("previous_version")
        .order_by("-opens_on", "-version")
    )
    return render(
        request,
        "pledges/campaign_list.html",
        {
            "campaigns": campaigns,
            "template_form": TemplateCopyForm()
            if Campaign.objects.national_templates().exists()
            else None,
        },
    )


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    form = CampaignForm(request.POST or None, instance=Campaign(instansi=request.user.instansi))
    if request.method == "POST" and form.is_valid():
        campaign = services.save_campaign(
            campaign=form.instance, actor=request.user, request=request
        )
        messages.success(request, _("Kampanye dibuat."))
        return redirect("pledges:campaign_edit", pk=campaign.pk)
    return render(
        request, "pledges/campaign_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_campaign(campaign=form.instance, actor=request.user, request=request)
        except services.CampaignFrozen:
            messages.error(
                request,
                _(
                    "Teks kampanye sudah ditandatangani dan dibekukan. Buat versi baru untuk "
                    "mengubahnya."
                ),
            )
        else:
            messages.success(request, _("Kampanye disimpan."))
        return redirect("pledges:campaign_edit", pk=campaign.pk)
    return render(
        request,
        "pledges/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "signature_count": campaign.signatures.count(),
            "verify_url": reverse("pledges:verify_index"),
        },
        status=400 if form.errors else 200,
    )


@role_required(User.Role.BKD)
@require_POST
def campaign_new_version(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    copy = services.new_campaign_version(campaign=campaign, actor=request.user, request=request)
    messages.success(
        request, _("Versi %(v)d dibuat. Ubah teksnya lalu simpan.") % {"v": copy.version}
    )
    return redirect("pledges:campaign_edit", pk=copy.pk)


@role_required(User.Role.BKD)
@require_POST
def campaign_copy_template(request):
    form = TemplateCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih templat nasional yang tersedia."))
        return redirect("pledges:campaign_list")
    campaign = services.copy_template(
        template=form.cleaned_data["template"],
        instansi=request.user.instansi,
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Templat disalin. Periksa tanggal dan teksnya."))
    return redirect("pledges:campaign_edit", pk=campaign.pk)
