"""Campaigns (BKD), signing the ikrar (ASN), certificates and public verification."""

import hashlib
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import limits, seals
from portal.access import asn_required, role_required, signer_required
from portal.audit import client_ip
from portal.limits import UPLOAD_OVERHEAD, max_body, public_rate
from portal.models import User

from . import services, work
from .access import (
    get_campaign_for,
    get_campaign_to_sign,
    get_downloadable_signature,
    get_own_signature,
)
from .certificates import certificate_for
from .forms import (
    MAX_VERIFY_UPLOAD,
    CampaignForm,
    CodeForm,
    PdfCheckForm,
    SignForm,
    TemplateChoiceForm,
    TemplateCopyForm,
)
from .models import Campaign, Certificate, Signature, normalize_code
from .verification import attest

# --- ASN ------------------------------------------------------------------------------------


@asn_required
def asn_home(request):
    """What to do next in each open campaign, the unit's pakta for a head, and every
    signature with its certificate."""
    signatures = list(
        Signature.objects.own(request.user)
        .select_related("campaign__instansi", "certificate")
        .order_by("-signed_at")
    )
    return render(
        request,
        "pledges/home_asn.html",
        {
            "employee": request.user.employee,
            "steps": work.asn_steps(request.user),
            "pakta": work.head_pakta(request.user),
            "signatures": signatures,
        },
    )


THANKS = {
    Signature.Kind.IKRAR: _lazy("Terima kasih. Ikrar Anda telah tercatat."),
    Signature.Kind.PAKTA: _lazy("Terima kasih. Pakta integritas unit Anda telah tercatat."),
    Signature.Kind.WITNESS: _lazy("Terima kasih. Tanda tangan saksi telah tercatat."),
}


@dataclass(frozen=True)
class SigningPage:
    """What differs between signing an ikrar, a unit's pakta and a witness countersignature."""

    kind: str
    title: str
    intro: str
    submit: str
    sign: Callable[[services.SignatureInput], Signature]
    existing: Callable[[], Signature | None]


def signing_flow(request, campaign: Campaign, page: SigningPage, **context):
    """GET shows the document and the pad; POST signs once, whatever the number of taps.

    Every form carries a submission key: the same submission sent again (a reply lost on a
    weak connection) gets the first one's result page, not an error and never a second
    signature."""
    repeated = _submitted_before(request)
    if repeated is not None:
        return _to_result(request, repeated, just_signed=True)
    form = SignForm(
        request.POST or None,
        campaign=campaign,
        points=campaign.points_for(page.kind),
        signer=request.user.signer.name,
    )
    if request.method == "POST" and campaign.is_open() and form.is_valid():
        data = services.SignatureInput(
            method=form.cleaned_data["method"],
            confirmed_points=form.confirmed_points,
            drawn_data_url=form.cleaned_data["signature"],
            typed_name=form.cleaned_data["typed_name"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            submission_key=form.cleaned_data["submission"],
        )
        # No query first for an earlier signature: the database's constraint finds it
        # (AlreadySigned), one query less on the busiest request of an apel.
        try:
            return _to_result(request, page.sign(data), just_signed=True)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.AlreadySigned:
            # The same submission twice at once (a resend racing the first) or another tab:
            # the other request won; show its result.
            repeated = _submitted_before(request)
            if repeated is not None:
                return _to_result(request, repeated, just_signed=True)
            messages.info(request, _("Dokumen ini sudah Anda tanda tangani."))
            return _to_result(request, page.existing())
    existing = page.existing()
    if existing is not None:
        messages.info(request, _("Dokumen ini sudah Anda tanda tangani."))
        return _to_result(request, existing)
    if not campaign.is_open():
        return render(request, "pledges/closed.html", {"campaign": campaign}, status=403)
    return render(
        request,
        "pledges/sign.html",
        {
            "campaign": campaign,
            "employee": request.user.signer,
            "form": form,
            "page": page,
            "closing": campaign.closing_for(page.kind),
            "points_html": frozen_points_html(form, campaign, page.kind),
            **context,
        },
        status=400 if form.errors else 200,
    )


_points_html: dict[tuple[str, str, str], str] = {}


def frozen_points_html(form: SignForm, campaign: Campaign, kind: str) -> str | None:
    """The points' checkboxes of an empty form, rendered once per frozen text, kind and
    language in this process: the same for every signer, and most of the page's rendering.
    None for a bound form (ticks and errors of its own) or a text that may still change."""
    if form.is_bound or not campaign.text_hash:
        return None
    key = (campaign.text_hash, kind, get_language())
    html = _points_html.get(key)
    if html is None:
        html = render_to_string("pledges/_sign_points.html", {"form": form})
        if len(_points_html) < 200:  # a bound on texts x kinds x languages, never reached
            _points_html[key] = html
    return html


def _to_result(request, signature: Signature, *, just_signed: bool = False):
    """The result page: a redirect, or for the page's own script (which sends by fetch, to keep
    the draft when the reply is lost) where to go. "Just signed" travels in the URL, not as a
    stored message, so a resent submission thanks the signer once, like the first."""
    url = reverse("pledges:signed", args=[signature.code])
    if just_signed:
        url += "?tercatat=1"
    if request.headers.get("X-Sign-Fetch"):
        return JsonResponse({"next": url})
    return redirect(url)


def _submitted_before(request) -> Signature | None:
    key = request.POST.get("submission", "")
    if request.method != "POST" or not key:
        return None
    try:
        key = uuid.UUID(key)
    except ValueError:
        return None
    return Signature.objects.own(request.user).filter(submission_key=key).first()


@asn_required
@require_http_methods(["GET", "POST"])
def sign(request, pk: int):
    campaign = get_campaign_to_sign(request.user, pk)
    employee = request.user.employee
    valid = Signature.objects.ikrar().valid().filter(campaign=campaign, employee=employee)
    page = SigningPage(
        kind=Signature.Kind.IKRAR,
        title=_("Ikrar Netralitas ASN"),
        intro=_("Dengan ini menyatakan berikrar untuk (centang setiap butir):"),
        submit=_("Tanda tangani ikrar"),
        sign=lambda data: services.sign_ikrar(employee=employee, campaign=campaign, data=data),
        existing=valid.first,
    )
    return signing_flow(request, campaign, page)


@signer_required
@require_GET
def signed(request, code: str):
    signature = get_own_signature(request.user, code)
    thanks = THANKS[signature.kind] if request.GET.get("tercatat") == "1" else ""
    return render(request, "pledges/signed.html", {"signature": signature, "thanks": thanks})


@require_GET
def certificate(request, code: str):
    """The stored PDF, served from storage; rendered now only if the worker has not yet."""
    signature = get_downloadable_signature(request.user, code).current_document()
    if not signature.is_valid:
        # A returned or revoked document is never handed out as if it still held.
        return render(request, "pledges/not_valid.html", {"signature": signature}, status=410)
    cert = certificate_for(signature)
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
@public_rate(limits.VERIFY_PER_ADDRESS, group="pledges.verify")
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
@public_rate(limits.VERIFY_PER_ADDRESS, group="pledges.verify")
def verify(request, code: str):
    """The QR target: status and the minimum identity, nothing more."""
    signature = (
        Signature.objects.select_related("campaign", "instansi", "unit", "witnessed", "certificate")
        .filter(code=normalize_code(code))
        .first()
    )
    return render(
        request,
        "pledges/verify.html",
        {
            "attestation": attest(signature) if signature else None,
            "code_form": CodeForm(),
            "pdf_form": PdfCheckForm(),
        },
        status=200 if signature else 404,
    )


@login_not_required
@require_POST
@public_rate(limits.PDF_CHECKS_PER_ADDRESS, group="pledges.verify_pdf")
@max_body(MAX_VERIFY_UPLOAD + UPLOAD_OVERHEAD)
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
                "signature", "signature__campaign", "signature__instansi", "signature__witnessed"
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
            "attestation": attest(certificate.signature, certificate) if certificate else None,
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
    """Step one chooses a national template (or an empty text) by `?template=`; step two is
    the campaign form, pre-filled with that text and editable until the first signature."""
    chooser = TemplateChoiceForm(request.GET or None)
    if request.method == "GET" and not chooser.is_bound:
        return render(request, "pledges/campaign_start.html", {"chooser": chooser})
    if chooser.is_bound and not chooser.is_valid():
        return render(request, "pledges/campaign_start.html", {"chooser": chooser}, status=400)
    template = chooser.cleaned_data["template"] if chooser.is_bound else None
    form = CampaignForm(
        request.POST or None,
        instance=services.campaign_from_template(template=template, instansi=request.user.instansi),
    )
    if request.method == "POST" and form.is_valid():
        campaign = services.save_campaign(
            campaign=form.instance, actor=request.user, request=request
        )
        messages.success(request, _("Kampanye dibuat."))
        return redirect("pledges:campaign_edit", pk=campaign.pk)
    return render(
        request,
        "pledges/campaign_form.html",
        {"form": form, "template": template, "chooser_query": request.GET.urlencode()},
        status=400 if form.errors else 200,
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
