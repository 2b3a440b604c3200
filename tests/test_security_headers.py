import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_settings_pass_the_deploy_check_and_set_secure_cookies(tmp_path):
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),  # an empty database: no instansi whose seal could be missing
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-with-entropy-9f8e7d6c5b4a",
        "EVIDENCE_HMAC_KEY": "hmac-key-from-the-environment",
        "ALLOWED_HOSTS": "portal.belukab.go.id",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
         "'config.settings'); django.setup(); from django.conf import settings as s; "
         "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.split() == ["True", "True", "True"]


def test_production_refuses_to_start_without_secrets():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "EVIDENCE_HMAC_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_pages_are_gzipped_for_a_slow_phone_and_padded_against_breach(client):
    """A third of the bytes on a weak connection (bench/weak_connection.py); Django's gzip
    middleware adds random padding, so two compressions of the same page differ."""
    first = client.get(reverse("login"), headers={"accept-encoding": "gzip"})
    second = client.get(reverse("login"), headers={"accept-encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert len(first.content) < len(client.get(reverse("login")).content) / 2
    assert first.content != second.content
