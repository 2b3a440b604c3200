import logging

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from portal import limits


class LanguageMiddleware:
    """Bahasa Indonesia unless the user picked another language with the switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which on many Indonesian
    office PCs and phones says English; the portal should not switch language behind their back.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection is a 503 with a plain answer, not a stack trace.

    The transaction that was open has been rolled back by the database, so nothing was
    written half; Django drops the broken connection at the end of the request and the next
    request connects again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger(__name__).error("database unavailable: %s", exception)
        # No template lookups that might touch the database (sessions, context processors).
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})


class SealUnavailableMiddleware:
    """An official document asked for while the instansi has no usable seal: a 503 page
    that says what the BKD must do, never an unsealed document (portal.documents.issue)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from portal.seals import SealUnavailable

        if not isinstance(exception, SealUnavailable):
            return None
        return render(request, "portal/seal_missing.html", {"message": str(exception)}, status=503)


class RequestLimitsMiddleware:
    """Refuses, before anything reads the body, a request larger than its view allows (413)
    or from a client over the view's public rate (429); see portal.limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length == 0 and request.method != "POST":
            # No body and no early rate (POST only): nothing to refuse, so no URL resolving
            # here, which Django does again after the middleware anyway.
            return self.get_response(request)
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            view = None
        limit = getattr(view, "max_body", limits.DEFAULT_MAX_BODY)
        if length < 0 or length > limit:
            return _refusal("413.html", 413, {"limit_mb": max(1, round(limit / 2**20))})
        early = getattr(view, "early_rate", None)
        if early is not None and request.method == "POST":
            group, rate = early
            usage = get_usage(request, group=group, key=limits.client_key, rate=rate,
                              increment=False)  # fmt: skip
            if usage is not None and usage["count"] >= usage["limit"]:
                return _refusal("429.html", 429, {"message": _("Terlalu banyak permintaan.")})
        return self.get_response(request)


def _refusal(template: str, status: int, context: dict) -> HttpResponse:
    # No request context: nothing that would touch the session or the database.
    return HttpResponse(render_to_string(template, context), status=status)


class NulCharacterMiddleware:
    """A NUL character in the path, a query parameter or a form field is refused (400): no
    form needs one and PostgreSQL cannot store or compare it. Placed after the CSRF check, so
    a request without a valid token is refused before its body is parsed here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        fields = [request.path, *_items(request.GET)]
        if request.method == "POST":
            fields += _items(request.POST)
        if any("\x00" in field for field in fields):
            return _refusal("400.html", 400, {})
        return None


def _items(query) -> list[str]:
    return [part for key, values in query.lists() for part in (key, *values)]
