"""BKD's daily tools: review queue and decisions, anomalies, compliance, reminders, exports."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import dates
from portal.access import role_required
from portal.audit import record
from portal.exports import Column, spreadsheet_response
from portal.models import Employee, User
from portal.redirects import safe_next

from . import anomalies, compliance, services
from .access import get_campaign_for, get_reminder_run_for, get_reviewable, latest_campaign
from .forms import ReminderForm, ReviewFilterForm, ReviewForm
from .models import ReminderRun, ReviewEvent, Signature

BKD = User.Role.BKD
PAGE_SIZE = 50


@role_required(BKD)
@require_GET
def review_queue(request):
    form = ReviewFilterForm(request.GET or None, user=request.user)
    rows = form.filter(Signature.objects.reviewable_by(request.user)).select_related(
        "unit", "campaign"
    )
    page = Paginator(rows.order_by("-signed_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "pledges/review_queue.html",
                  {"form": form, "page": page})  # fmt: skip


@role_required(BKD)
@require_POST
def review_bulk_approve(request):
    codes = request.POST.getlist("codes")[:PAGE_SIZE]
    approved = services.approve_many(
        signatures=Signature.objects.reviewable_by(request.user).filter(code__in=codes),
                                     actor=request.user, request=request)  # fmt: skip
    messages.success(request, _("%(n)d tanda tangan disetujui.") % {"n": approved})
    return redirect(safe_next(request, reverse("pledges:review_queue")))


@role_required(BKD)
@require_http_methods(["GET", "POST"])
def review_detail(request, code: str):
    signature = get_reviewable(request.user, code)
    form = ReviewForm(request.POST or None)
    # The queue's filters travel in the query string, so "next" stays within them.
    query = request.GET.urlencode()
    if request.method == "POST" and form.is_valid():
        try:
            services.review(signature=signature, action=form.cleaned_data["action"],
                            reason=form.cleaned_data["reason"], actor=request.user,
                            request=request)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_with_query(reverse("pledges:review_detail", args=[code]), query))
        messages.success(request, _("Keputusan dicatat: %(s)s.")
                         % {"s": signature.get_status_display()})  # fmt: skip
        following = _next_pending(request, signature)
        if following is None:
            messages.info(request, _("Tidak ada lagi tanda tangan yang menunggu telaah di sini."))
            return redirect(_with_query(reverse("pledges:review_queue"), query))
        return redirect(_with_query(reverse("pledges:review_detail", args=[following.code]), query))
    current = signature.signer.snapshot()
    differences = {key for key, value in signature.identity.items()
                   if key in current and current[key] != value}  # fmt: skip
    return render(
        request,
        "pledges/review_detail.html",
        {
            "signature": signature,
            "current": current,
            "differences": differences,
            "fields": [("name", _("Nama")), ("nip", "NIP"), ("pangkat_golongan",
                       _("Pangkat/golongan")), ("jabatan", _("Jabatan")), ("unit", _("Unit"))],
            "reviews": signature.reviews.select_related("actor").order_by("created_at"),
            "actions": {a: a in services.REVIEWABLE and signature.status in services.REVIEWABLE[a]
                        for a in ReviewEvent.Action.values},
        },
    )  # fmt: skip


def _next_pending(request, current: Signature) -> Signature | None:
    """The pending signature after `current` in the queue's order (newest first) and filters,
    or the first one again from the top."""
    form = ReviewFilterForm(request.GET or None, user=request.user)
    pending = (
        form.filter(Signature.objects.reviewable_by(request.user))
        .filter(status=Signature.Status.PENDING)
        .exclude(pk=current.pk)
        .order_by("-signed_at", "-pk")
    )
    after = pending.filter(
        Q(signed_at__lt=current.signed_at) | Q(signed_at=current.signed_at, pk__lt=current.pk)
    )
    return after.first() or pending.first()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


@role_required(BKD)
@require_GET
def signature_image(request, code: str):
    """Media is never served directly: the drawn image (or the scan of a paper sheet) goes only
    to the reviewing BKD."""
    signature = get_reviewable(request.user, code)
    if not signature.image:
        return HttpResponse(status=404)
    if signature.paper_scan_id:
        return FileResponse(
            signature.image.open("rb"), content_type=signature.paper_scan.content_type
        )
    return FileResponse(signature.image.open("rb"), content_type="image/png")


@role_required(BKD)
@require_GET
def anomaly_view(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    return render(
        request,
        "pledges/anomalies.html",
        {
            "campaign": campaign,
            "shared_ip": anomalies.shared_ip(campaign),
            "outside_hours": anomalies.outside_hours(campaign)[:500],
            "same_image": anomalies.same_image(campaign),
            "window": int(anomalies.SHARED_IP_WINDOW.total_seconds() // 60),
            "min_signers": anomalies.SHARED_IP_MIN_SIGNERS,
            "hours": (anomalies.WORK_START_HOUR, anomalies.WORK_END_HOUR),
        },
    )


@role_required(*User.DASHBOARD_ROLES)
@require_GET
def dashboard_latest(request):
    if request.user.is_auditor:
        regions, counted_at = compliance.across_instansi()
        return render(request, "pledges/dashboard_national.html",
                      {"regions": regions, "counted_at": counted_at})  # fmt: skip
    campaign = latest_campaign(request.user)
    if campaign is None:
        return render(request, "pledges/dashboard.html", {"campaign": None})
    return redirect("pledges:dashboard", pk=campaign.pk)


@role_required(*User.DASHBOARD_ROLES)
@require_GET
def dashboard(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    if campaign.instansi_id is None:
        return redirect("pledges:dashboard_latest")
    rows = compliance.unit_rows(campaign)
    sort = request.GET.get("sort", "persen")
    keys = {"nama": lambda r: r.name, "persen": lambda r: (r.percent, r.name),
            "jumlah": lambda r: (r.staff, r.name)}  # fmt: skip
    rows.sort(key=keys.get(sort.lstrip("-"), keys["persen"]), reverse=sort.startswith("-"))
    days = compliance.daily(campaign)
    summary = compliance.overview(campaign)
    return render(
        request,
        "pledges/dashboard.html",
        {
            "campaign": campaign,
            "summary": summary,
            "rows": rows,
            "sort": sort,
            "zero": compliance.zero_units(rows),
            "days": days,
            "chart": compliance.chart_svg(days, summary.total),
        },
    )


@role_required(BKD)
@require_http_methods(["GET", "POST"])
def reminders(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    form = ReminderForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        employees = Employee.objects.visible_to(request.user)
        if form.cleaned_data["units"]:
            employees = employees.filter(unit__in=form.cleaned_data["units"])
        batch = services.remind_unsigned(campaign=campaign, employees=employees,
                                         actor=request.user, request=request)  # fmt: skip
        request.session["reminder_letters"] = [e.pk for e in batch.without_email]
        messages.success(request, _("%(n)d email pengingat diantrekan; %(s)d dilewati karena "
                                    "baru diingatkan.") % {"n": batch.queued,
                                                           "s": batch.skipped_recent})  # fmt: skip
        return redirect("pledges:reminder_run", pk=batch.run.pk)
    runs = (
        ReminderRun.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("created_by")[:10]
    )
    return render(request, "pledges/reminders.html",
                  {"campaign": campaign, "form": form, "runs": runs})  # fmt: skip


@role_required(BKD)
@require_GET
def reminder_run(request, pk: int):
    run = get_reminder_run_for(request.user, pk)
    asked = Employee.objects.visible_to(request.user).filter(
        pk__in=request.session.get("reminder_letters", [])
    )
    letters = (
        run.campaign.unsigned_among(asked).select_related("unit").order_by("unit__name", "name")
    )
    return render(request, "pledges/reminder_run.html",
                  {"run": run, "letters": letters, "site_url": settings.SITE_URL})  # fmt: skip


# --- Exports --------------------------------------------------------------------------------


def signature_columns(tz) -> list[Column]:
    zone = dates.ZONE_NAMES.get(tz.key, tz.key)
    return [
        Column("NIP", "id"), Column("Nama", width=40), Column("Unit kerja", width=40),
        Column("Dokumen", width=18), Column("Status"), Column("Cara"),
        Column(f"Waktu tanda tangan ({zone})", "datetime"), Column("Kode verifikasi", width=22),
    ]  # fmt: skip


UNSIGNED_COLUMNS = [
    Column("NIP", "id"), Column("Nama", width=40), Column("Unit kerja", width=40),
    Column("Jabatan", width=40), Column("Email", width=30), Column("Telepon", "id", width=16),
]  # fmt: skip


def _signature_rows(campaign):
    tz = campaign.instansi.tz
    rows = (
        Signature.objects.filter(campaign=campaign)
        .exclude(kind=Signature.Kind.WITNESS)
        .order_by("unit__name", "identity__name", "signed_at")
    )
    for s in rows.iterator(chunk_size=2000):
        local = s.signed_at.astimezone(tz).replace(tzinfo=None, microsecond=0)
        yield [s.identity.get("nip", ""), s.identity.get("name", ""), s.identity.get("unit", ""),
               s.get_kind_display(), s.get_status_display(), s.get_method_display(), local,
               s.code_display]  # fmt: skip


def _unsigned_rows(campaign):
    staff = Employee.objects.active().filter(instansi_id=campaign.instansi_id)
    rows = campaign.unsigned_among(staff).select_related("unit").order_by("unit__name", "name")
    for e in rows.iterator(chunk_size=2000):
        yield [e.nip, e.name, e.unit.name, e.jabatan, e.email, e.phone]


@role_required(BKD)
@require_GET
def export(request, pk: int, what: str, fmt: str):
    campaign = get_campaign_for(request.user, pk)
    columns, rows = (
        (signature_columns(campaign.instansi.tz), _signature_rows(campaign))
        if what == "tanda-tangan"
        else (UNSIGNED_COLUMNS, _unsigned_rows(campaign))
    )
    record("export.data", actor=request.user, instansi=campaign.instansi_id, target=campaign,
           request=request, what=what, fmt=fmt)  # fmt: skip
    return spreadsheet_response(
        filename=f"{what}-{campaign.instansi.code}-{campaign.pk}", fmt=fmt, columns=columns,
        rows=rows,
    )  # fmt: skip
