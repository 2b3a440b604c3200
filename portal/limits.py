"""Limits a request meets before anything reads its body: size, and a public page's rate.

Views declare them with the decorators below; config.middleware.RequestLimitsMiddleware
enforces them first thing, so a 200 MB POST or a request over its rate is refused without
being read, parsed for its CSRF token or handed to a form.
"""

from __future__ import annotations

from collections.abc import Callable

from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from .audit import client_ip

# Rates, and what each one protects. At an apel a hall of 500 ASN shares one public address
# (the venue's NAT): a limit that protects an account counts per NIP or per email address, and
# a per-address limit is only a ceiling against one client hammering the portal, set far above
# what a full hall needs (tests/test_apel_nat.py). Login failures are counted by django-axes
# per NIP and address (AXES_*), so a stranger cannot lock a colleague out from elsewhere.
LOGIN_FAILURES_PER_ADDRESS = "1000/h"
ACTIVATION_FAILURES_PER_NIP = "10/h"  # a printed code has about 50 bits: ten guesses an hour
ACTIVATION_FAILURES_PER_ADDRESS = "500/h"
RESET_REQUESTS_PER_EMAIL = "5/h"  # the mailbox is what a reset request can flood
RESET_REQUESTS_PER_ADDRESS = "100/h"
VERIFY_PER_ADDRESS = "600/m"  # codes have 78 bits: this guards the server, not the codes
PDF_CHECKS_PER_ADDRESS = "60/h"  # each check hashes and validates up to 10 MB

# Any request without a declared limit: a signing POST (a drawn PNG of at most 300 kB as
# base64) is the largest ordinary body.
DEFAULT_MAX_BODY = 1 * 2**20
# Multipart framing and the other fields around an uploaded file.
UPLOAD_OVERHEAD = 64 * 2**10


def max_body(limit: int) -> Callable:
    """The view accepts request bodies up to `limit` bytes (uploads)."""

    def decorator(view: Callable) -> Callable:
        view.max_body = limit
        return view

    return decorator


def client_key(group: str, request) -> str:
    return client_ip(request) or ""


def over_limit(request, group: str, key, rate: str, *, increment: bool) -> bool:
    """Count (or only check) one request against a rate; `key` is a function of the request."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    if usage is None:
        return False
    # Checking without counting compares with >=, so the request after the last allowed one
    # is refused in both modes.
    return usage["should_limit"] if increment else usage["count"] >= usage["limit"]


def public_rate(rate: str, *, group: str) -> Callable:
    """django-ratelimit per client address, checked again (without counting) before the body
    is read, so a client over its rate costs nothing to refuse."""

    def decorator(view: Callable) -> Callable:
        limited = ratelimit(group=group, key=client_key, rate=rate, block=True)(view)
        limited.early_rate = (group, rate)
        if hasattr(view, "max_body"):
            limited.max_body = view.max_body
        return limited

    return decorator
