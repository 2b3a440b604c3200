import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import documents, numbering
from portal.access import role_required
from portal.audit import record
from portal.exports import Column, spreadsheet_response
from portal.limits import max_body
from portal.models import DocumentKind, Employee, User

from . import services
from .access import get_case_for, get_evidence_for
from .deadlines import deadlines
from .forms import CaseFilterForm, CaseForm, EvidenceForm, StageForm
from .models import Case, CaseEvent, CaseViolation, Level, SanctionType, Stage
from .pledge_link import pledge_record
from .rules import legal_basis_lines
from .uploads import MAX_REQUEST_BYTES


def _case_list_qs(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = Case.objects.visible_to(request.user).select_related(
        "unit", "reporting_body", "decision", "instansi"
    )
    return form, form.filter(qs)


@require_GET
@role_required(*User.CASE_READ_ROLES)
def case_list(request):
    form, qs = _case_list_qs(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sanctions/case_list.html",
        {
            "form": form,
            "page": page,
            "can_write": _can_write(request),
            "today": timezone.localdate(),
        },
    )


def _can_write(request) -> bool:
    return request.user.role in User.CASE_WRITE_ROLES


@role_required(*User.CASE_WRITE_ROLES)
@max_body(MAX_REQUEST_BYTES)
def case_create(request):
    form = CaseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["evidence"]
        try:
            case = services.create_case(
                employee=form.cleaned_data["nip"],
                actor=request.user,
                reporting_body=form.cleaned_data["reporting_body"],
                source_reference=form.cleaned_data["source_reference"],
                received_on=form.cleaned_data["received_on"],
                description=form.cleaned_data["description"],
                violations=form.violation_pairs(),
                files=uploads,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("evidence" if uploads else None, exc)
        else:
            messages.success(request, _("Kasus dicatat."))
            return redirect("sanctions:detail", pk=case.pk)
    return render(request, "sanctions/case_form.html", {"form": form})


@require_GET
@role_required(*User.CASE_READ_ROLES)
def case_detail(request, pk: int):
    case = get_case_for(request.user, pk)
    decision = getattr(case, "decision", None)
    return render(
        request,
        "sanctions/case_detail.html",
        {
            "case": case,
            "decision": decision,
            "violations": case.violations.select_related("violation_type"),
            "events": case.events.select_related("actor").prefetch_related("attachments"),
            "evidence": case.evidence.select_related("uploaded_by"),
            "appeals": case.appeals.select_related("new_sanction_type"),
            "current_sanction": case.current_sanction(),
            "deadlines": deadlines(case, services.local_today(case)),
            "next_stages": [Stage(s) for s in case.allowed_next],
            "pledges": pledge_record(case.employee),
            "can_write": _can_write(request),
            "evidence_form": EvidenceForm(),
        },
    )


@role_required(*User.CASE_WRITE_ROLES)
@max_body(MAX_REQUEST_BYTES)
def case_transition(request, pk: int, stage: str):
    case = get_case_for(request.user, pk)
    if stage not in case.allowed_next:
        raise Http404
    form = StageForm(request.POST or None, request.FILES or None, case=case, to_stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.transition(
                case=case,
                to_stage=stage,
                actor=request.user,
                occurred_on=form.cleaned_data["occurred_on"],
                note=form.cleaned_data["note"],
                files=form.cleaned_data["attachment"],
                examination_team=form.cleaned_data.get("examination_team"),
                decision=form.decision_data(),
                appeal_outcome=form.appeal_data(),
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            case.refresh_from_db()
            decision = getattr(case, "decision", None)
            if stage == Stage.DECISION and decision and decision.authority_warning:
                messages.warning(
                    request,
                    _(
                        "Keputusan dicatat, tetapi pejabat tersebut mungkin tidak berwenang "
                        "menjatuhkan hukuman tingkat ini untuk jabatan pegawai."
                    ),  # fmt: skip
                )
            messages.success(request, _("Tahap kasus diperbarui."))
            return redirect("sanctions:detail", pk=case.pk)
    return render(
        request,
        "sanctions/case_transition.html",
        {"case": case, "form": form, "stage": Stage(stage)},
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_POST
@role_required(*User.CASE_WRITE_ROLES)
@max_body(MAX_REQUEST_BYTES)
def evidence_upload(request, pk: int):
    case = get_case_for(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas bukti."))
        return redirect("sanctions:detail", pk=case.pk)
    try:
        services.add_evidence(
            case=case,
            upload=form.cleaned_data["file"],
            actor=request.user,
            description=form.cleaned_data["description"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Bukti diunggah."))
    return redirect("sanctions:detail", pk=case.pk)


@require_GET
@role_required(*User.CASE_READ_ROLES)
def evidence_download(request, pk: int, evidence_id: int):
    evidence = get_evidence_for(request.user, pk, evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=f"bukti-{pk}-{evidence.pk}{evidence.file.name[-4:]}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    # Re-rendered on each request (the case may have moved on), sealed each time.
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_context(case: Case) -> dict:
    decision = getattr(case, "decision", None)
    return {
        "case": case,
        "snapshot": case.employee_snapshot,
        "decision": decision,
        "sk": _sk_wording(case, decision) if decision else None,
        "violations": list(case.violations.select_related("violation_type")),
        "team": [line for line in case.examination_team.splitlines() if line.strip()],
    }


def _sk_wording(case: Case, decision) -> dict:
    """The SK's subject, ruling and legal basis, from the catalogue (data an administrator
    corrects): PTDH is no PP 94 sanction and is neither headed nor worded as one."""
    main = decision.sanction_type or decision.ethics_type
    basis = decision.legal_basis or legal_basis_lines(
        case.employee_kind, decision.sanction_type, decision.imposed_type, decision.ethics_type
    )
    return {
        "subject": main.sk_subject if main else "",
        "ruling": decision.sanction_type.sk_ruling if decision.sanction_type else "",
        "legal_basis": basis,
        "id_label": "NI PPPK" if case.employee_kind == Employee.Kind.PPPK else "NIP",
    }


@require_GET
@role_required(*User.CASE_READ_ROLES)
def sk_pdf(request, pk: int):
    case = get_case_for(request.user, pk)
    if not hasattr(case, "decision"):
        raise Http404
    issued = documents.issue(
        "pdf/sanctions_sk.html", _pdf_context(case), instansi=case.instansi,
        number=case.decision.sk_number, reason=f"SK hukuman disiplin kasus #{case.pk}",
    )  # fmt: skip
    return _pdf_response(issued.pdf, f"sk-hukdis-{case.pk}.pdf")


@require_GET
@role_required(*User.CASE_READ_ROLES)
def bap_pdf(request, pk: int):
    case = get_case_for(request.user, pk)
    if case.examined_on is None:
        raise Http404
    # The seal is checked before a number is taken: no number is spent on a refused document.
    documents.seals.get_seal(case.instansi)
    number = numbering.allocate(
        instansi=case.instansi, kind=DocumentKind.BAP, reference=f"case:{case.pk}",
        when=timezone.now(),
    ).number  # fmt: skip
    issued = documents.issue(
        "pdf/sanctions_bap.html", _pdf_context(case), instansi=case.instansi,
        number=number, reason=f"Berita acara pemeriksaan kasus #{case.pk}",
    )  # fmt: skip
    return _pdf_response(issued.pdf, f"bap-{case.pk}.pdf")


@require_GET
@role_required(*User.CASE_READ_ROLES)
def overdue(request):
    instansi = request.user.instansi
    today = services.local_today(instansi) if instansi else timezone.localdate()
    cases = (
        Case.objects.visible_to(request.user)
        .overdue(today)
        .select_related("instansi", "unit")
        .order_by("instansi__name", "due_on")
    )
    return render(request, "sanctions/overdue.html", {"cases": cases, "today": today})


@require_GET
@role_required(*User.CASE_READ_ROLES)
def dashboard(request):
    cases = Case.objects.visible_to(request.user)

    def counts(field, choices, empty_label):
        rows = cases.values(field).annotate(n=Count("pk", distinct=True)).order_by("-n", field)
        labels = dict(choices)
        return [(labels.get(r[field]) or empty_label, r["n"]) for r in rows]

    by_violation = (
        CaseViolation.objects.filter(case__in=cases)
        .values("violation_type__name")
        .annotate(n=Count("case", distinct=True))
        .order_by("-n", "violation_type__name")
    )
    return render(
        request,
        "sanctions/dashboard.html",
        {
            "total": cases.count(),
            "by_level": counts("decision__level", Level.choices, _("Belum diputus")),
            "by_stage": counts("stage", Stage.choices, ""),
            "by_jabatan": counts(
                "jabatan_category", Employee.JabatanCategory.choices, _("Tidak tercatat")
            ),
            "by_violation": [(r["violation_type__name"], r["n"]) for r in by_violation],
        },
    )


EXPORT_COLUMNS = [
    Column("No. kasus", "number"), Column("Instansi", width=32), Column("NIP", "id"),
    Column("Nama", width=40), Column("Jenis ASN"), Column("Unit kerja", width=40),
    Column("Kategori jabatan"), Column("Sumber laporan", width=24),
    Column("Nomor rekomendasi", width=28), Column("Tanggal diterima", "date"), Column("Tahap"),
    Column("Tingkat hukuman"), Column("Jenis hukuman", width=36), Column("Nomor SK", width=28),
    Column("Tanggal SK", "date"), Column("Tenggat", "date"),
]  # fmt: skip


def _export_rows(qs):
    for case in qs:
        decision = getattr(case, "decision", None)
        sanction = case.current_sanction()
        snap = case.employee_snapshot
        yield [
            case.pk, case.instansi.name, snap.get("nip", ""), snap.get("name", ""),
            case.employee_kind, case.unit.name, case.get_jabatan_category_display(),
            case.reporting_body.name, case.source_reference, case.received_on,
            case.get_stage_display(), decision.get_level_display() if decision else "",
            sanction.name if sanction else "", decision.sk_number if decision else "",
            decision.sk_date if decision else None, case.due_on,
        ]  # fmt: skip


@require_GET
@role_required(*User.CASE_READ_ROLES)
def export(request, fmt: str):
    _form, qs = _case_list_qs(request)
    qs = qs.select_related("decision__sanction_type", "decision__imposed_type").prefetch_related(
        "appeals__new_sanction_type"
    )
    return spreadsheet_response(
        filename="kasus-hukdis",
        fmt=fmt,
        columns=EXPORT_COLUMNS,
        rows=_export_rows(qs.iterator(chunk_size=2000)),
    )


# The discipline history as BKN's personnel system (SIASN) keeps it: one row per decided case
# whose outcome in force is a disciplinary sanction, PPPK termination or PTDH. Documented column
# by column in docs/sanctions.md.
BKN_COLUMNS = [
    Column("NIP/NI PPPK", "id"), Column("Nama", width=40), Column("Jenis ASN"),
    Column("Jenis hukuman", width=36), Column("Tingkat hukuman"), Column("Nomor SK", width=28),
    Column("Tanggal SK", "date"), Column("TMT hukuman", "date"),
    Column("Masa hukuman (bulan)", "number"), Column("Akhir hukuman", "date"),
    Column("Pelanggaran", width=50), Column("Dasar hukum pelanggaran", width=40),
    Column("Dasar hukum hukuman", width=40), Column("Pejabat yang menetapkan", width=36),
    Column("NIP pejabat", "id"), Column("Jabatan pejabat", width=36),
    Column("Instansi", width=32), Column("No. kasus", "number"),
]  # fmt: skip
BKN_KINDS = (
    SanctionType.Kind.DISCIPLINARY, SanctionType.Kind.INTERIM, SanctionType.Kind.PPPK,
    SanctionType.Kind.PTDH,
)  # fmt: skip


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _bkn_rows(qs):
    for case in qs:
        sanction = case.current_sanction()
        if sanction is None or sanction.kind not in BKN_KINDS:
            continue
        decision = case.decision
        in_force = next((e.occurred_on for e in case.events.all()), None)
        months = sanction.duration_months
        violations = list(case.violations.all())
        bases = dict.fromkeys(v.violation_type.legal_basis for v in violations)
        level = str(Level(sanction.level).label) if sanction.level else ""
        yield [
            case.employee_snapshot.get("nip", ""), case.employee_snapshot.get("name", ""),
            case.employee_kind, sanction.name, level,
            decision.sk_number, decision.sk_date, in_force, months or "",
            add_months(in_force, months) if in_force and months else None,
            "; ".join(str(v) for v in violations), "; ".join(b for b in bases if b),
            sanction.legal_basis, decision.official_name, decision.official_nip,
            decision.official_title, case.instansi.name, case.pk,
        ]  # fmt: skip


@require_GET
@role_required(*User.CASE_READ_ROLES)
def bkn_export(request, fmt: str):
    _form, qs = _case_list_qs(request)
    qs = (
        qs.filter(decision__isnull=False)
        .select_related("decision__sanction_type", "decision__imposed_type")
        .prefetch_related(
            "appeals__new_sanction_type",
            "violations__violation_type",
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(to_stage=Stage.IN_FORCE).order_by("-pk"),
            ),
        )
        .order_by("decision__sk_date", "pk")
    )
    record("case.export_bkn", actor=request.user, instansi=request.user.instansi,
           target="riwayat-hukdis-bkn", request=request, fmt=fmt)  # fmt: skip
    return spreadsheet_response(
        filename="riwayat-hukdis-bkn",
        fmt=fmt,
        columns=BKN_COLUMNS,
        rows=_bkn_rows(qs.iterator(chunk_size=2000)),
    )
