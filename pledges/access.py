"""Scoped lookups of the pledges app: a missing object and one outside the user's reach look
the same (404), so codes and ids of other instansi reveal nothing."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal import codes
from portal.models import Unit, User

from .models import (
    Apel,
    BulkExport,
    Campaign,
    PaperScan,
    PaperSheet,
    ReminderRun,
    Signature,
    normalize_code,
)


def get_campaign_for(user: User, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).with_supersession().select_related("instansi"), pk=pk
    )


def get_campaign_to_sign(user: User, pk: int) -> Campaign:
    """get_campaign_for for the signing page, which reads it on every GET and POST: possibly a
    copy up to Campaign.CACHE_SECONDS old. What must hold exactly is checked again when
    signing (the text hash under lock, the one-valid-signature constraint)."""
    campaign = Campaign.cached(pk)
    if campaign is None or not campaign.is_visible_to(user):
        raise Http404
    return campaign


def latest_campaign(user: User) -> Campaign | None:
    """The newest current campaign the user can see (what a menu link opens)."""
    return Campaign.objects.visible_to(user).current().order_by("-opens_on").first()


def get_own_signature(user: User, code: str) -> Signature:
    return get_object_or_404(
        Signature.objects.own(user).select_related("campaign", "instansi"),
        code=normalize_code(code),
    )


def get_downloadable_signature(user: User, code: str) -> Signature:
    return get_object_or_404(
        Signature.objects.downloadable_by(user).select_related("instansi", "witnessed"),
        code=normalize_code(code),
    )


def get_reviewable(user: User, code: str) -> Signature:
    return get_object_or_404(
        Signature.objects.reviewable_by(user).select_related(
            "employee__unit", "unit", "campaign", "instansi", "paper_scan"
        ),
        code=normalize_code(code),
    )


def get_headed_unit(user: User, pk: int) -> Unit:
    """A unit whose pakta this user signs: only its recorded head."""
    return get_object_or_404(Unit.objects.led_by(user).select_related("instansi"), pk=pk)


def may_witness(user: User) -> bool:
    """The Sekda (with a roster entry) and the serving regional head and deputy."""
    return (user.is_sekda and bool(user.employee_id)) or user.is_official


def get_pakta_to_witness(user: User, code: str) -> Signature:
    """A pakta of the witness's own instansi."""
    if not may_witness(user):
        raise Http404
    return get_object_or_404(
        Signature.objects.pakta()
        .filter(instansi_id=user.instansi_id)
        .select_related("campaign", "instansi", "unit"),
        code=normalize_code(code),
    )


def get_export_for(user: User, pk: int) -> BulkExport:
    return get_object_or_404(
        BulkExport.objects.visible_to(user).select_related("campaign", "instansi"), pk=pk
    )


def get_reminder_run_for(user: User, pk: int) -> ReminderRun:
    return get_object_or_404(
        ReminderRun.objects.visible_to(user).select_related("campaign__instansi"), pk=pk
    )


def may_remind(user: User, unit: Unit) -> bool:
    """The BKD reminds anyone of its instansi; a head reminds the staff of their own unit."""
    return user.is_bkd or (user.employee_id is not None and unit.head_id == user.employee_id)


def get_apel_for(user: User, pk: int) -> Apel:
    return get_object_or_404(
        Apel.objects.visible_to(user).select_related("campaign__instansi", "instansi"), pk=pk
    )


def paper_units(user: User):
    """The units a user may print a paper ikrar sheet for: any of the instansi for the BKD,
    their own (with the kelurahan under a kecamatan) for a head."""
    if user.is_bkd:
        return Unit.objects.filter(instansi_id=user.instansi_id)
    if user.employee_id:
        return Unit.objects.headed_by(user.employee_id)
    return Unit.objects.none()


def get_sheet_for(user: User, code: str) -> PaperSheet:
    return get_object_or_404(
        PaperSheet.objects.visible_to(user).select_related("campaign", "unit", "instansi"),
        code=codes.normalize(code, PaperSheet.CODE_LENGTH),
    )


def get_scan_for(user: User, code: str, pk: int) -> PaperScan:
    return get_object_or_404(
        PaperScan.objects.filter(sheet__in=PaperSheet.objects.visible_to(user)),
        sheet_code=codes.normalize(code, PaperSheet.CODE_LENGTH),
        pk=pk,
    )
