"""Writes on discipline cases: each one atomic, each recorded as an event and in the audit log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import record
from portal.models import Employee, User

from .deadlines import appeal_window, stage_due
from .models import (
    Appeal,
    Case,
    CaseEvent,
    CaseViolation,
    Decision,
    Evidence,
    ReportingBody,
    SanctionType,
    Stage,
    ViolationType,
)
from .rules import check_decision, legal_basis_lines, severity_key
from .uploads import check_case_file


def local_today(case_or_instansi) -> datetime.date:
    instansi = getattr(case_or_instansi, "instansi", case_or_instansi)
    return timezone.localdate(timezone=instansi.tz)


@transaction.atomic
def create_case(
    *,
    employee: Employee,
    actor: User,
    reporting_body: ReportingBody,
    source_reference: str,
    received_on: datetime.date,
    description: str,
    violations: Sequence[tuple[ViolationType, str]],
    files: Iterable[UploadedFile] = (),
    request=None,
) -> Case:
    if not violations:
        raise ValidationError(_("Pilih paling sedikit satu pelanggaran."))
    files = _checked(files)
    case = Case.objects.create(
        instansi=employee.instansi,
        employee=employee,
        employee_snapshot=employee.snapshot(),
        unit=employee.unit,
        employee_kind=employee.kind,
        jabatan_category=employee.jabatan_category,
        reporting_body=reporting_body,
        source_reference=source_reference,
        received_on=received_on,
        description=description,
        stage=Stage.SCREENING,
        stage_entered_on=received_on,
        created_by=actor,
    )
    for violation_type, other_text in violations:
        if violation_type.requires_text and not other_text.strip():
            raise ValidationError(_("Uraikan pelanggaran lain."))
        CaseViolation.objects.create(
            case=case, violation_type=violation_type, other_text=other_text.strip()
        )
    event = CaseEvent.objects.create(
        case=case, to_stage=Stage.SCREENING, occurred_on=received_on, actor=actor,
        note=_("Laporan diterima."),
    )  # fmt: skip
    for upload in files:
        _store_evidence(case=case, event=event, upload=upload, actor=actor)
    record("case.create", actor=actor, instansi=case.instansi, target=case,
           request=request, case=case.pk)  # fmt: skip
    return case


def _checked(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    """Check every file before any write, so a bad file leaves neither rows nor stray files."""
    files = list(files)
    for upload in files:
        check_case_file(upload)
    return files


def _store_evidence(
    *, case: Case, event: CaseEvent | None, upload: UploadedFile, actor: User, description=""
) -> Evidence:
    checked = check_case_file(upload)
    evidence = Evidence(
        case=case,
        event=event,
        description=description,
        original_name=upload.name[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(f"bukti{checked.extension}", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def add_evidence(
    *, case: Case, upload: UploadedFile, actor: User, description: str = "", request=None
) -> Evidence:
    evidence = _store_evidence(
        case=case, event=None, upload=upload, actor=actor, description=description
    )
    record("case.evidence", actor=actor, instansi=case.instansi, target=case,
           request=request, evidence=evidence.pk, sha256=evidence.sha256)  # fmt: skip
    return evidence


@transaction.atomic
def transition(
    *,
    case: Case,
    to_stage: str,
    actor: User,
    occurred_on: datetime.date,
    note: str = "",
    files: Iterable[UploadedFile] = (),
    examination_team: str | None = None,
    decision: dict | None = None,
    appeal_outcome: dict | None = None,
    request=None,
) -> CaseEvent:
    """Move a case one step along TRANSITIONS; refuses anything else with a ValidationError."""
    files = _checked(files)
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if to_stage not in case.allowed_next:
        raise ValidationError(_("Perpindahan tahap ini tidak diizinkan."))
    if occurred_on < case.stage_entered_on:
        raise ValidationError(_("Tanggal tidak boleh sebelum tanggal tahap sebelumnya."))
    if occurred_on > local_today(case):
        raise ValidationError(_("Tanggal tidak boleh di masa depan."))
    if to_stage == Stage.NOT_PROVEN and not note.strip():
        raise ValidationError(_("Tuliskan alasan kasus ditutup tanpa hukuman."))
    if examination_team is not None:
        case.examination_team = examination_team.strip()
    if to_stage == Stage.EXAMINATION:
        if case.heaviest_level() == "berat" and not case.examination_team:
            raise ValidationError(_("Pelanggaran tingkat berat memerlukan tim pemeriksa."))
        case.examined_on = occurred_on
    due_start = occurred_on
    if to_stage == Stage.DECISION:
        if decision is None:
            raise ValidationError(_("Isi data keputusan."))
        due_start = _decide(case, actor=actor, data=decision).sk_date
    elif to_stage in (Stage.OBJECTION, Stage.APPEAL):
        _file_appeal(case, kind=to_stage, filed_on=occurred_on)
    elif case.stage in (Stage.OBJECTION, Stage.APPEAL):
        _close_appeal(case, to_stage=to_stage, decided_on=occurred_on, data=appeal_outcome or {})
    event = CaseEvent.objects.create(
        case=case, from_stage=case.stage, to_stage=to_stage, occurred_on=occurred_on,
        note=note.strip(), actor=actor,
    )  # fmt: skip
    for upload in files:
        _store_evidence(case=case, event=event, upload=upload, actor=actor)
    case.stage = to_stage
    case.stage_entered_on = occurred_on
    case.due_key, case.due_on = stage_due(to_stage, due_start)
    case.save()
    record(
        "case.transition", actor=actor, instansi=case.instansi, target=case,
        request=request, case=case.pk, from_stage=event.from_stage, to_stage=to_stage,
    )  # fmt: skip
    return event


def _decide(case: Case, *, actor: User, data: dict) -> Decision:
    warnings = check_decision(
        case,
        level=data.get("level", ""),
        sanction_type=data.get("sanction_type"),
        imposed_type=data.get("imposed_type"),
        ethics_type=data.get("ethics_type"),
        official_category=data["official_category"],
    )
    if data["sk_date"] < case.stage_entered_on:
        raise ValidationError({"sk_date": _("Tanggal SK tidak boleh sebelum tahap sebelumnya.")})
    return Decision.objects.create(
        case=case,
        level=data.get("level", ""),
        sanction_type=data.get("sanction_type"),
        imposed_type=data.get("imposed_type"),
        ethics_type=data.get("ethics_type"),
        sk_number=data["sk_number"],
        sk_date=data["sk_date"],
        official_name=data["official_name"],
        official_nip=data.get("official_nip", ""),
        official_title=data["official_title"],
        official_category=data["official_category"],
        authority_warning=bool(warnings),
        legal_basis=legal_basis_lines(
            case.employee_kind,
            data.get("sanction_type"),
            data.get("imposed_type"),
            data.get("ethics_type"),
        ),
        created_by=actor,
    )


def _file_appeal(case: Case, *, kind: str, filed_on: datetime.date) -> Appeal:
    decision = getattr(case, "decision", None)
    sanction = decision.effective_type if decision else None
    if sanction is None or sanction.appeal_route != kind:
        raise ValidationError(_("Upaya administratif ini tidak tersedia untuk hukuman tersebut."))
    if filed_on > appeal_window(kind, case.stage_entered_on):
        raise ValidationError(_("Batas waktu pengajuan upaya administratif sudah lewat."))
    return Appeal.objects.create(case=case, kind=kind, filed_on=filed_on)


def _close_appeal(case: Case, *, to_stage: str, decided_on: datetime.date, data: dict) -> None:
    appeal = case.appeals.filter(outcome="").latest("pk")
    outcome = data.get("outcome", "")
    new_type: SanctionType | None = data.get("new_sanction_type")
    if outcome not in Appeal.Outcome.values:
        raise ValidationError({"outcome": _("Pilih hasil upaya administratif.")})
    annulled = outcome == Appeal.Outcome.ANNULLED
    if annulled != (to_stage == Stage.CLOSED):
        raise ValidationError(
            {"outcome": _("Hukuman yang dibatalkan menutup kasus; hasil lain membuatnya berlaku.")}
        )
    current = case.decision.effective_type
    if outcome in (Appeal.Outcome.LIGHTENED, Appeal.Outcome.HEAVIER):
        if new_type is None or not new_type.applies_to(case.employee_kind):
            raise ValidationError({"new_sanction_type": _("Pilih hukuman yang baru.")})
        lighter = severity_key(new_type) < severity_key(current)
        if lighter != (outcome == Appeal.Outcome.LIGHTENED) or new_type == current:
            raise ValidationError(
                {"new_sanction_type": _("Hukuman baru tidak sesuai dengan hasil yang dipilih.")}
            )
    else:
        new_type = None
    appeal.outcome = outcome
    appeal.decided_on = decided_on
    appeal.new_sanction_type = new_type
    appeal.save()
