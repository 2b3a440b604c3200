"""Roster import for BKD admins: upload, result, blank templates."""

from dataclasses import asdict

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import roster
from .access import role_required
from .forms import RosterUploadForm
from .limits import UPLOAD_OVERHEAD, max_body
from .models import User
from .services import import_roster_file

RESULT_SESSION_KEY = "roster_import_result"
# The session holds what one page can show; the counts always cover the whole file.
RESULT_LIST_LIMIT = 500


@role_required(User.Role.BKD)
@require_http_methods(["GET", "POST"])
@max_body(roster.MAX_FILE_BYTES + UPLOAD_OVERHEAD)
def roster_import(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_roster_file(
                instansi=request.user.instansi,
                file=upload,
                filename=upload.name,
                actor=request.user,
                allow_partial=form.cleaned_data["allow_partial"],
                request=request,
            )
        except roster.RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            request.session[RESULT_SESSION_KEY] = {
                **result.summary(),
                "source": upload.name,
                "errors": [asdict(e) for e in result.errors[:RESULT_LIST_LIMIT]],
                "missing": result.missing[:RESULT_LIST_LIMIT],
            }
            return redirect("portal:roster_import_result")
    return render(request, "portal/roster_import.html", {"form": form, "columns": roster.COLUMNS})


@role_required(User.Role.BKD)
@require_GET
def roster_import_result(request):
    result = request.session.get(RESULT_SESSION_KEY)
    if result is None:
        return redirect("portal:roster_import")
    return render(
        request,
        "portal/roster_import_result.html",
        {"result": result, "list_limit": RESULT_LIST_LIMIT},
    )


@role_required(User.Role.BKD)
@require_GET
def roster_template(request, fmt: str):
    if fmt == "csv":
        content, content_type = roster.template_csv(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = roster.template_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="templat-pegawai.{fmt}"'
    return response
