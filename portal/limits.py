"""Limits a request meets before anything reads its body: size, and a public page's rate.

Views declare them with the decorators below; config.middleware.RequestLimitsMiddleware
enforces them first thing, so a 200 MB POST or a request over its rate is refused without
being read, parsed for its CSRF token or handed to a form.
"""

from __future__ import annotations

from collections.abc import Callable

from django_ratelimit.decorators import ratelimit

from .audit import client_ip

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
