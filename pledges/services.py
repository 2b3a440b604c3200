"""Writes that touch several records: signing, reviewing, issuing certificates."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import codes, dates
from portal.audit import client_ip, record
from portal.models import Employee, Official, Unit
from portal.names import same_name
from portal.uploads import check_upload

from . import tasks
from .models import (
    Apel,
    BulkExport,
    Campaign,
    DownloadEvent,
    PaperScan,
    PaperSheet,
    Reminder,
    ReminderRun,
    ReviewEvent,
    Signature,
    new_code,
)
from .signature_image import clean_signature


class AlreadySigned(Exception):
    """A valid signature already exists (e.g. a double submit racing the first)."""


@dataclass(frozen=True)
class SignatureInput:
    method: str
    confirmed_points: int
    drawn_data_url: str = ""
    typed_name: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    submission_key: uuid.UUID | None = None


def _check(
    campaign: Campaign, kind: str, data: SignatureInput, signer: str, *, on_paper: bool = False
) -> bytes:
    """Everything the browser already checked, checked again; returns the image bytes.
    `signer` is the registered name the typed signature must be."""
    if not campaign.is_open():
        raise ValidationError(_("Kampanye ini tidak sedang dibuka untuk penandatanganan."))
    if data.confirmed_points != len(campaign.points_for(kind)):
        raise ValidationError(_("Setiap butir harus dicentang sebagai tanda persetujuan."))
    if data.method == Signature.Method.DRAWN and campaign.allow_drawn:
        return clean_signature(data.drawn_data_url)
    if data.method == Signature.Method.TYPED and campaign.allow_typed:
        if not same_name(data.typed_name, signer):
            raise ValidationError(typed_name_error(signer))
        return b""
    if data.method == Signature.Method.PAPER and kind == Signature.Kind.IKRAR and on_paper:
        return b""  # the sheet's scan is the evidence; record_paper_signatures checked it
    raise ValidationError(_("Cara tanda tangan ini tidak diizinkan untuk kampanye ini."))


def typed_name_error(signer: str) -> str:
    return _("Ketik nama lengkap Anda seperti terdaftar: %(name)s (gelar boleh tidak ditulis).") % {
        "name": signer
    }


def append_signature(
    *,
    kind: str,
    campaign: Campaign,
    signer: Employee | Official,
    unit: Unit,
    data: SignatureInput,
    identity: dict,
    witnessed: Signature | None = None,
    paper_scan: PaperScan | None = None,
) -> Signature:
    """Validate, store and chain one signature of any kind; queue its certificate.

    Raises ValidationError for bad input and AlreadySigned when a valid one exists; in both
    cases nothing is written.
    """
    if not signer.is_active:
        raise ValidationError(
            _(
                "Anda tercatat tidak aktif di daftar pegawai sehingga tidak dapat "
                "menandatangani. Hubungi admin BKD bila data ini keliru."
            )
            if isinstance(signer, Employee)
            else _("Anda tercatat sudah tidak menjabat sehingga tidak dapat menandatangani.")
        )
    image = _check(campaign, kind, data, identity["name"], on_paper=paper_scan is not None)
    now = timezone.now()
    signature = Signature(
        code=new_code(),
        kind=kind,
        instansi_id=campaign.instansi_id,
        campaign=campaign,
        employee=signer if isinstance(signer, Employee) else None,
        official=signer if isinstance(signer, Official) else None,
        unit=unit,
        witnessed=witnessed,
        identity=identity,
        method=data.method,
        typed_name=data.typed_name.strip() if data.method == Signature.Method.TYPED else "",
        image_sha256=hashlib.sha256(image).hexdigest() if image else "",
        signed_at=now,
        ip_address=data.ip_address,
        user_agent=data.user_agent[:400],
        submission_key=data.submission_key,
        apel=_open_apel(campaign, unit, now) if kind == Signature.Kind.IKRAR else None,
        paper_scan=paper_scan,
    )
    if paper_scan is not None:
        # The sheet's one scan: every signature recorded from it names the same stored file.
        signature.image.name, signature.image_sha256 = paper_scan.file.name, paper_scan.sha256
    if image:
        # Stored before the row so the row never points at a missing file; an orphan file
        # from a rolled-back transaction is harmless and named by its unguessable code.
        signature.image.save(f"{signature.code}.png", ContentFile(image), save=False)
    try:
        with transaction.atomic():
            signature.text_hash = _freeze(campaign, now)
            signature.append()
    except IntegrityError as exc:
        if image:
            # The usual cause is an earlier signature (another tab, another phone): the file
            # just written belongs to no row.
            signature.image.delete(save=False)
        if "one_valid_" in str(exc) or _valid_exists(signature):
            raise AlreadySigned from exc
        raise
    transaction.on_commit(lambda: tasks.render_certificate.enqueue(signature.pk))
    return signature


def _open_apel(campaign: Campaign, unit: Unit, now) -> Apel | None:
    """The apel of this campaign open now that invited the signer's unit (or every unit, or the
    kecamatan above a kelurahan); the newest if several."""
    mine = {unit.pk, unit.parent_id} - {None}
    for apel, invited in Apel.not_ended_cached(campaign.pk, now):
        if apel.is_open(now) and (not invited or invited & mine):
            return apel
    return None


def _freeze(campaign: Campaign, now) -> str:
    """The first signature freezes the campaign text; later ones only read its hash."""
    if campaign.text_hash:
        return campaign.text_hash  # a frozen text never changes: no need to read it again
    text_hash = Campaign.objects.filter(pk=campaign.pk).values_list("text_hash", flat=True).get()
    if text_hash:
        return text_hash
    # Lock so an admin's edit (which locks too) cannot slip in between hash and signature.
    # FOR NO KEY UPDATE, not FOR UPDATE: the foreign-key checks of other signers' inserts take
    # KEY SHARE on this row while they hold the chain head, and FOR UPDATE would deadlock them.
    locked = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if not locked.text_hash:
        locked.text_hash = locked.compute_text_hash()
        locked.frozen_at = now
        locked.save(update_fields=["text_hash", "frozen_at"])
    campaign.text_hash, campaign.frozen_at = locked.text_hash, locked.frozen_at
    return locked.text_hash


def _valid_exists(signature: Signature) -> bool:
    """SQLite names no constraint in its error; look for the valid row that won the race."""
    qs = Signature.objects.valid().filter(campaign=signature.campaign, kind=signature.kind)
    if signature.kind == Signature.Kind.IKRAR:
        return qs.filter(employee=signature.employee).exists()
    if signature.kind == Signature.Kind.PAKTA:
        return qs.filter(unit=signature.unit).exists()
    return qs.filter(witnessed=signature.witnessed).exists()


def sign_ikrar(*, employee: Employee, campaign: Campaign, data: SignatureInput) -> Signature:
    if campaign.instansi_id != employee.instansi_id:
        raise ValidationError(_("Kampanye ini bukan untuk instansi Anda."))
    return append_signature(
        kind=Signature.Kind.IKRAR,
        campaign=campaign,
        signer=employee,
        unit=employee.unit,
        data=data,
        identity=employee.snapshot(),
    )


class CampaignFrozen(Exception):
    """The text has been signed; a change must become a new version."""


def save_campaign(*, campaign: Campaign, actor, request=None) -> Campaign:
    """Create or update a campaign. A frozen text is refused; dates and methods stay editable."""
    creating = campaign.pk is None
    with transaction.atomic():
        if not creating:
            stored = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
            if stored.is_frozen and stored.text() != campaign.text():
                raise CampaignFrozen
            campaign.text_hash, campaign.frozen_at = stored.text_hash, stored.frozen_at
        else:
            campaign.created_by = actor
        campaign.full_clean()
        campaign.save()
        record(
            "campaign.create" if creating else "campaign.update",
            actor=actor,
            instansi=campaign.instansi_id,
            target=campaign,
            request=request,
            campaign=campaign.pk,
        )
    return campaign


def new_campaign_version(*, campaign: Campaign, actor, request=None) -> Campaign:
    """Copy a frozen campaign into an editable next version; the old one stops taking
    signatures, and its signatures keep pointing at the text they signed."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
        if locked.is_superseded:
            return locked.next_version
        copy = Campaign(
            instansi_id=locked.instansi_id,
            template_id=locked.template_id,
            previous_version=locked,
            version=locked.version + 1,
            opens_on=locked.opens_on,
            closes_on=locked.closes_on,
            allow_drawn=locked.allow_drawn,
            allow_typed=locked.allow_typed,
            created_by=actor,
            **locked.text(),
        )
        copy.save()
        record(
            "campaign.new_version",
            actor=actor,
            instansi=copy.instansi_id,
            target=copy,
            request=request,
            campaign=copy.pk,
            previous=locked.pk,
        )
    return copy


def campaign_from_template(*, template: Campaign | None, instansi) -> Campaign:
    """An unsaved campaign of `instansi` carrying a national template's text (or none), to be
    edited before it is saved. Dates that lie in the past are not carried over."""
    today = timezone.localdate(timezone=instansi.tz)
    campaign = Campaign(instansi=instansi, opens_on=today)
    if template is not None:
        for field, value in template.text().items():
            setattr(campaign, field, copy.deepcopy(value))
        campaign.template = template
        campaign.allow_drawn, campaign.allow_typed = template.allow_drawn, template.allow_typed
        campaign.opens_on = max(template.opens_on, today)
        if template.closes_on >= campaign.opens_on:
            campaign.closes_on = template.closes_on
    return campaign


def copy_template(*, template: Campaign, instansi, actor, request=None) -> Campaign:
    """A national template becomes an instansi's own campaign, editable until first signed."""
    campaign = Campaign(
        instansi=instansi,
        template=template,
        opens_on=template.opens_on,
        closes_on=template.closes_on,
        allow_drawn=template.allow_drawn,
        allow_typed=template.allow_typed,
        **template.text(),
    )
    return save_campaign(campaign=campaign, actor=actor, request=request)


def head_identity(employee: Employee, unit: Unit) -> dict:
    """A head signs in the name of the unit: the post is the unit's, acting heads say so."""
    return {
        **employee.snapshot(),
        "unit": unit.name,
        "unit_id": str(unit.pk),
        "jabatan": unit.head_title or employee.jabatan,
        "head_prefix": unit.head_prefix,
    }


def sign_pakta(*, employee: Employee, unit: Unit, campaign: Campaign, data: SignatureInput):
    """The head of `unit` signs its Pakta Integritas (one valid pakta per unit)."""
    if unit.head_id != employee.pk or campaign.instansi_id != unit.instansi_id:
        raise PermissionDenied
    return append_signature(
        kind=Signature.Kind.PAKTA,
        campaign=campaign,
        signer=employee,
        unit=unit,
        data=data,
        identity=head_identity(employee, unit),
    )


def sign_witness(
    *, signer: Employee | Official, pakta: Signature, data: SignatureInput
) -> Signature:
    """The Sekda, or the regional head or deputy, countersigns a valid pakta."""
    if not pakta.is_valid or pakta.kind != Signature.Kind.PAKTA:
        raise ValidationError(_("Pakta ini tidak berlaku lagi sehingga tidak dapat disaksikan."))
    if isinstance(signer, Employee) and pakta.employee_id == signer.pk:
        raise ValidationError(_("Anda tidak dapat menjadi saksi atas pakta Anda sendiri."))
    if signer.instansi_id != pakta.instansi_id:
        raise PermissionDenied
    identity = {
        **signer.snapshot(),
        "unit": pakta.unit.name,
        "unit_id": str(pakta.unit_id),
        "witness_of": pakta.code,
    }
    return append_signature(
        kind=Signature.Kind.WITNESS,
        campaign=pakta.campaign,
        signer=signer,
        unit=pakta.unit,
        data=data,
        identity=identity,
        witnessed=pakta,
    )


def log_download(*, user, instansi_id: int, request=None, signature=None, export=None) -> None:
    DownloadEvent.objects.create(
        user=user,
        instansi_id=instansi_id,
        signature=signature,
        export=export,
        ip_address=client_ip(request) if request is not None else None,
    )


def start_export(*, campaign: Campaign, kind: str, actor, request=None) -> BulkExport:
    export = BulkExport.objects.create(
        instansi_id=campaign.instansi_id, campaign=campaign, kind=kind, created_by=actor
    )
    record(
        "export.bulk",
        actor=actor,
        instansi=campaign.instansi_id,
        target=export,
        request=request,
        export=export.pk,
        kind=kind,
    )
    transaction.on_commit(lambda: tasks.build_export.enqueue(export.pk))
    return export


def restart_export(*, export: BulkExport) -> None:
    """A failed or stuck export is queued again; it rebuilds from the first file."""
    BulkExport.objects.filter(pk=export.pk).update(
        status=BulkExport.Status.QUEUED, done=0, error="", finished_at=None
    )
    tasks.build_export.enqueue(export.pk)


def remind_unsigned(*, campaign: Campaign, employees, actor, request=None) -> ReminderBatch:
    """Queue reminder e-mails to the unsigned employees among `employees`.

    Employees reminded within REMINDER_INTERVAL_HOURS are skipped, and those without an e-mail
    address are returned for a printed letter instead.
    """
    unsigned = campaign.unsigned_among(employees.active())
    recent = Reminder.objects.filter(
        campaign=campaign,
        sent_at__gte=timezone.now() - dt.timedelta(hours=settings.REMINDER_INTERVAL_HOURS),
    ).values("employee_id")
    with_email = unsigned.exclude(email="")
    to_mail = list(with_email.exclude(pk__in=recent).values_list("pk", flat=True))
    run = ReminderRun.objects.create(campaign=campaign, created_by=actor, total=len(to_mail))
    batch = ReminderBatch(
        run=run,
        queued=len(to_mail),
        skipped_recent=with_email.filter(pk__in=recent).count(),
        without_email=list(unsigned.filter(email="").select_related("unit").order_by("name")),
    )
    record("reminder.send", actor=actor, instansi=campaign.instansi_id, target=campaign,
           request=request, queued=batch.queued, skipped=batch.skipped_recent)  # fmt: skip
    transaction.on_commit(lambda: tasks.send_reminders.enqueue(run.pk, to_mail))
    return batch


@dataclass
class ReminderBatch:
    run: ReminderRun
    queued: int
    skipped_recent: int
    without_email: list


REVIEWABLE = {
    ReviewEvent.Action.APPROVE: (Signature.Status.PENDING,),
    ReviewEvent.Action.RETURN: (Signature.Status.PENDING, Signature.Status.APPROVED),
    ReviewEvent.Action.REVOKE: (Signature.Status.PENDING, Signature.Status.APPROVED),
}


def review(*, signature: Signature, action: str, reason: str, actor, request=None) -> ReviewEvent:
    """Approve, return (the signer may sign again) or revoke one signature.

    The decision is an append-only event in the instansi's review chain; the signature's
    status is its projection. Returning mails the signer.
    """
    reason = reason.strip()
    if action != ReviewEvent.Action.APPROVE and len(reason) < 5:
        raise ValidationError(_("Tuliskan alasan yang jelas (minimal 5 karakter)."))
    with transaction.atomic():
        locked = Signature.objects.select_for_update(no_key=True).get(pk=signature.pk)
        if locked.status not in REVIEWABLE[action]:
            raise ValidationError(
                _("Tanda tangan berstatus %(status)s tidak dapat %(action)s.")
                % {"status": locked.get_status_display().lower(),
                   "action": ReviewEvent.Action(action).label.lower()}
            )  # fmt: skip
        event = ReviewEvent(
            signature=locked,
            instansi_id=locked.instansi_id,
            action=action,
            reason=reason,
            actor=actor,
            actor_name=actor.display_name,
            created_at=timezone.now(),
        )
        event.append()
        locked.status = ReviewEvent.RESULTING_STATUS[action]
        locked.save(update_fields=["status"])
        record(
            f"review.{ReviewEvent.Action(action).name.lower()}",
            actor=actor,
            instansi=locked.instansi_id,
            target=locked,
            request=request,
            signature=locked.code,
            reason=reason,
        )
        if action == ReviewEvent.Action.RETURN and locked.signer.email:
            transaction.on_commit(lambda: _mail_returned(locked, reason))
    signature.status = locked.status
    return event


def _mail_returned(signature: Signature, reason: str) -> None:
    from django.urls import reverse

    from portal.accounts import send_email_task, templated_email

    again = {
        Signature.Kind.IKRAR: reverse("pledges:sign", args=[signature.campaign_id]),
        Signature.Kind.PAKTA: reverse("pledges:pakta_home"),
        Signature.Kind.WITNESS: reverse("pledges:sign_witness", args=[signature.witnessed.code])
        if signature.witnessed_id
        else "",
    }
    link = settings.SITE_URL + again[signature.kind]
    message = templated_email(
        "emails/returned",
        {"signature": signature, "reason": reason, "link": link, "site_url": settings.SITE_URL},
        [signature.signer.email],
    )
    html = message.alternatives[0][0] if message.alternatives else ""
    send_email_task.enqueue(subject=message.subject, text=message.body, html=html,
                            to=message.to)  # fmt: skip


def approve_many(*, signatures, actor, request=None) -> int:
    """Bulk approve: every pending signature among `signatures`; others are left as they are."""
    approved = 0
    with transaction.atomic():
        for signature in signatures.filter(status=Signature.Status.PENDING).order_by("pk"):
            review(signature=signature, action=ReviewEvent.Action.APPROVE, reason="",
                   actor=actor, request=request)  # fmt: skip
            approved += 1
    return approved


# --- Apel ----------------------------------------------------------------------------------


def save_apel(*, apel: Apel, units, actor, request=None) -> Apel:
    """Create or change an apel (its invited units included) in one step."""
    creating = apel.pk is None
    with transaction.atomic():
        if creating:
            apel.created_by = actor
        apel.full_clean()
        apel.save()
        apel.units.set(units)
        record("apel.create" if creating else "apel.update", actor=actor,
               instansi=apel.instansi_id, target=apel, request=request, apel=apel.pk)  # fmt: skip
    return apel


def close_apel(*, apel: Apel, actor, request=None) -> None:
    """End an apel now: signatures from here on are no longer tagged with it."""
    now = timezone.now()
    with transaction.atomic():
        closed = Apel.objects.filter(pk=apel.pk, closed_at__isnull=True).update(closed_at=now)
        if closed:
            record("apel.close", actor=actor, instansi=apel.instansi_id, target=apel,
                   request=request, apel=apel.pk)  # fmt: skip
            Apel.forget_cached(apel.campaign_id)
    apel.refresh_from_db()


# --- Ikrar on paper --------------------------------------------------------------------------

PAPER_SCAN_KINDS = ("pdf", "jpeg")
PAPER_SCAN_MAX_BYTES = 10 * 2**20


def print_paper_sheet(*, campaign: Campaign, unit: Unit, actor, request=None) -> PaperSheet:
    """A sheet listing the unit's active staff who have not signed yet."""
    staff = campaign.unsigned_among(Employee.objects.active().filter(unit=unit))
    rows = [[pk, nip, name] for pk, nip, name in
            staff.order_by("name").values_list("pk", "nip", "name")]  # fmt: skip
    if not rows:
        raise ValidationError(_("Semua pegawai aktif unit ini sudah menandatangani ikrar."))
    with transaction.atomic():
        sheet = PaperSheet.objects.create(
            code=codes.new_code(PaperSheet.CODE_LENGTH), instansi_id=campaign.instansi_id,
            campaign=campaign, unit=unit, rows=rows, printed_by=actor,
        )  # fmt: skip
        record("paper.print", actor=actor, instansi=campaign.instansi_id, target=sheet,
               request=request, sheet=sheet.code, rows=len(rows))  # fmt: skip
    return sheet


@dataclass
class PaperResult:
    scan: PaperScan
    recorded: list[Signature]
    already_signed: list[str]
    inactive: list[str]


def record_paper_signatures(
    *, sheet: PaperSheet, upload, signed_on: dt.date, employee_ids: list[int], actor,
    request=None,
) -> PaperResult:  # fmt: skip
    """Store the scan of a signed sheet once and chain one ikrar signature (method "kertas")
    per ticked employee, each carrying the scan's hash, the paper's date and the recorder.

    Raises ValidationError (nothing written) for a bad scan, date or tick; skips, and names,
    those who meanwhile signed or left the roster."""
    campaign = sheet.campaign
    checked = check_upload(upload, kinds=PAPER_SCAN_KINDS, max_bytes=PAPER_SCAN_MAX_BYTES)
    today = timezone.localdate(timezone=sheet.instansi.tz)
    if not campaign.opens_on <= signed_on <= min(today, campaign.closes_on):
        raise ValidationError(
            _("Tanggal penandatanganan harus di antara %(start)s dan hari ini (paling lambat "
              "%(end)s).") % {"start": dates.tanggal(campaign.opens_on),
                              "end": dates.tanggal(campaign.closes_on)}
        )  # fmt: skip
    on_sheet = {row[0] for row in sheet.rows}
    if not employee_ids:
        raise ValidationError(_("Centang pegawai yang menandatangani lembar ini."))
    if not set(employee_ids) <= on_sheet:
        raise ValidationError(_("Hanya pegawai yang tercantum di lembar ini yang dapat dicentang."))
    employees = Employee.objects.filter(pk__in=employee_ids).select_related("unit", "instansi")
    result = PaperResult(scan=None, recorded=[], already_signed=[], inactive=[])
    with transaction.atomic():
        scan = PaperScan(sheet=sheet, sheet_code=sheet.code, content_type=checked.content_type,
                         size=checked.size, sha256=checked.sha256, signed_on=signed_on,
                         recorded_by=actor, recorded_by_name=actor.display_name)  # fmt: skip
        scan.file.save(f"lembar{checked.extension}", upload, save=False)
        scan.save()
        result.scan = scan
        data = SignatureInput(
            method=Signature.Method.PAPER,
            confirmed_points=len(campaign.ikrar_points),
            ip_address=client_ip(request) if request is not None else None,
            user_agent=request.headers.get("user-agent", "") if request is not None else "",
        )
        for employee in employees.order_by("name"):
            if not employee.is_active:
                result.inactive.append(employee.name)
                continue
            try:
                result.recorded.append(append_signature(
                    kind=Signature.Kind.IKRAR, campaign=campaign, signer=employee,
                    unit=employee.unit, data=data, identity=employee.snapshot(),
                    paper_scan=scan,
                ))  # fmt: skip
            except AlreadySigned:
                result.already_signed.append(employee.name)
        record("paper.record", actor=actor, instansi=campaign.instansi_id, target=sheet,
               request=request, sheet=sheet.code, scan_sha256=scan.sha256,
               recorded=len(result.recorded))  # fmt: skip
    return result
