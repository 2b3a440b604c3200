"""Django for a benchmark process, and the app's module paths (each named here only).

Every scenario, gunicorn and the throwaway settings of load_signing take the settings and WSGI
modules from here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lib import ROOT

SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")
WSGI = "config.wsgi"
AUTH_BACKEND = "portal.backends.UserBackend"

# The development default of the settings: seeded chains verify with a plain
# `manage.py verify_chain` against the same database.
EVIDENCE_KEY = "dev-evidence-key"
SITE_URL = "https://netralitas.example.go.id"
DUMMY_TASKS = "django_tasks.backends.dummy.DummyBackend"
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
DB_TASKS = "django_tasks_db.DatabaseBackend"
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


def configure(url: str, *, tasks: str = DUMMY_TASKS, debug: bool | None = None,
              tmp: Path | None = None) -> None:  # fmt: skip
    """The environment the settings read, for this process and the children it starts.

    `tasks` is the task backend (the dummy one: no certificate renders from anything a benchmark
    does unless asked); debug=False runs as production does (DEBUG=0) with bench-only secrets,
    None keeps the environment's choice; `tmp` holds VAR_DIR and MEDIA_ROOT (local storage)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EVIDENCE_HMAC_KEY", EVIDENCE_KEY)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ["TASK_BACKEND"] = tasks
    os.environ["EMAIL_BACKEND"] = LOCMEM_EMAIL
    if debug is False:
        os.environ.update(
            DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40,
            ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0",
        )  # fmt: skip
    if tmp is not None:
        os.environ.update(VAR_DIR=str(tmp / "var"), MEDIA_ROOT=str(tmp / "media"),
                          SITE_URL=SITE_URL)  # fmt: skip
        os.environ.pop("DEFAULT_STORAGE_BACKEND", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def setup(url: str, **options) -> None:
    """configure(url, **options), then django.setup()."""
    configure(url, **options)
    import django

    django.setup()
