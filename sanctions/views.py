from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import documents, numbering
from portal.access import role_required
from portal.exports import spreadsheet_response
from portal.models import DocumentKind, Employee, User
from portal.seals import SealUnavailable

from . import services
from .access import get_case_for, get_evidence_for
from .deadlines import deadlines
from .forms import CaseFilterForm, CaseForm, EvidenceForm, StageForm
from .models import Case, CaseViolation, Level, Stage
from .pledge_link import pledge_record


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
    return {
        "case": case,
        "snapshot": case.employee_snapshot,
        "decision": getattr(case, "decision", None),
        "violations": list(case.violations.select_related("violation_type")),
        "team": [line for line in case.examination_team.splitlines() if line.strip()],
    }


def _seal_missing(request, exc: SealUnavailable) -> HttpResponse:
    return render(request, "portal/seal_missing.html", {"message": str(exc)}, status=503)


@require_GET
@role_required(*User.CASE_READ_ROLES)
def sk_pdf(request, pk: int):
    case = get_case_for(request.user, pk)
    if not hasattr(case, "decision"):
        raise Http404
    try:
        issued = documents.issue(
            "pdf/sanctions_sk.html", _pdf_context(case), instansi=case.instansi,
            number=case.decision.sk_number, reason=f"SK hukuman disiplin kasus #{case.pk}",
        )  # fmt: skip
    except SealUnavailable as exc:
        return _seal_missing(request, exc)
    return _pdf_response(issued.pdf, f"sk-hukdis-{case.pk}.pdf")


@require_GET
@role_required(*User.CASE_READ_ROLES)
def bap_pdf(request, pk: int):
    case = get_case_for(request.user, pk)
    if case.examined_on is None:
        raise Http404
    try:
        documents.seals.get_seal(case.instansi)
        number = numbering.allocate(
            instansi=case.instansi, kind=DocumentKind.BAP, reference=f"case:{case.pk}",
            when=timezone.now(),
        ).number  # fmt: skip
        issued = documents.issue(
            "pdf/sanctions_bap.html", _pdf_context(case), instansi=case.instansi,
            number=number, reason=f"Berita acara pemeriksaan kasus #{case.pk}",
        )  # fmt: skip
    except SealUnavailable as exc:
        return _seal_missing(request, exc)
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


EXPORT_HEADERS = [
    "No. kasus", "Instansi", "NIP", "Nama", "Jenis ASN", "Unit kerja", "Kategori jabatan",
    "Sumber laporan", "Nomor rekomendasi", "Tanggal diterima", "Tahap", "Tingkat hukuman",
    "Jenis hukuman", "Nomor SK", "Tanggal SK", "Tenggat",
]  # fmt: skip


def _export_rows(qs):
    for case in qs:
        decision = getattr(case, "decision", None)
        sanction = case.current_sanction()
        snap = case.employee_snapshot
        yield [
            case.pk, case.instansi.name, snap.get("nip", ""), snap.get("name", ""),
            case.employee_kind, case.unit.name, case.get_jabatan_category_display(),
            case.reporting_body.name, case.source_reference, case.received_on.isoformat(),
            case.get_stage_display(), decision.get_level_display() if decision else "",
            sanction.name if sanction else "", decision.sk_number if decision else "",
            decision.sk_date.isoformat() if decision else "",
            case.due_on.isoformat() if case.due_on else "",
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
        headers=EXPORT_HEADERS,
        rows=_export_rows(qs.iterator(chunk_size=2000)),
    )
