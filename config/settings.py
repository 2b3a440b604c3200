"""One settings file for every environment, driven by environment variables.

Local defaults are safe for development (SQLite file, console e-mail, immediate tasks);
production sets DEBUG=0 and the variables listed in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32  # noqa: S105
# Addresses that receive every evidence checkpoint as well (comma-separated, optional).
EVIDENCE_CHECKPOINT_EMAILS = env_list("EVIDENCE_CHECKPOINT_EMAILS")
# The evidence chain is anchored with an HMAC whose key lives outside the database.
EVIDENCE_HMAC_KEY = os.environ.get("EVIDENCE_HMAC_KEY", "" if not DEBUG else "dev-evidence-key")
if not EVIDENCE_HMAC_KEY:
    raise RuntimeError("EVIDENCE_HMAC_KEY must be set when DEBUG=0")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base URL printed in QR codes and e-mails (requests are not always at hand, e.g. tasks).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "pledges",
    "sanctions",
    "config",
]

MIDDLEWARE = [
    "config.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a third of the bytes on a slow phone); static files are precompressed by
    # whitenoise above. Django pads each gzip stream with random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.NulCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.SealUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.roles",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so appends to the evidence chain are serialised
    # instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.backends.UserBackend",
]
# Argon2id first (portal.hashers); the others only read hashes made before the switch, which
# are upgraded at their owner's next login.
PASSWORD_HASHERS = [
    "portal.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Login throttling: 5 failures per NIP and IP lock for 30 minutes (lockouts never expire without
# a cool-off time).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# axes' database handler with a leaner successful login (portal.axes_handler).
AXES_HANDLER = "portal.axes_handler.LoginHandler"
AXES_VERBOSE = False
# Reverse proxies in front (nginx, a load balancer): the client address is the one the
# outermost of them appended to X-Forwarded-For (portal.audit.client_ip).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media (signature images, certificates, evidence) is never served by the web server directly:
# every file goes through a view that checks permission.
MEDIA_URL = None
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "DEFAULT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(MEDIA_ROOT)}
        if "DEFAULT_STORAGE_BACKEND" not in os.environ
        else {},
    },
    # Checkpoints of the evidence chains (manage.py anchor_chains): never the database, and
    # in production not the database's machine either (another disk, or an object store).
    "checkpoints": {
        "BACKEND": os.environ.get(
            "CHECKPOINT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": os.environ.get("CHECKPOINT_DIR", str(VAR_DIR / "checkpoints"))}
        if "CHECKPOINT_STORAGE_BACKEND" not in os.environ
        else {},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# django-storages reads AWS_* (bucket, endpoint, keys) from Django settings: take them from the
# environment, so object storage is configuration only.
globals().update({k: v for k, v in os.environ.items() if k.startswith("AWS_")})
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields without files; file bodies are capped per view (portal.limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache, sessions are read from it (no query per request) and still written to
# the database, so a Redis restart logs nobody out. Without one the database alone: a
# per-process cache would keep a session alive in one worker after logout in another.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    else "django.contrib.sessions.backends.db"
)
# The session's user (with its employee, unit and instansi) is kept in the shared cache this
# many seconds, changes dropping it (portal.session_user); never in a per-process cache.
USER_CACHE_SECONDS = int(
    os.environ.get("USER_CACHE_SECONDS", "60" if os.environ.get("REDIS_URL") else "0")
)

# Documents are sealed (PAdES) with the instansi's seal certificate: SEAL_DIR holds one PKCS#12
# file per instansi, `<instansi code>.p12`, its password in SEAL_PASSWORD_<CODE> (code upper-cased,
# "-" as "_") or SEAL_PASSWORD for all. SEAL_TRUST_ROOTS lists PEM files of the CAs a seal must
# chain to on /v/ (the BSrE root and intermediate). SEAL_TIMESTAMP_URL (an RFC 3161 server) makes
# seals PAdES B-T instead of B-B. Development and tests (SEAL_DEV_CA, on with DEBUG) make a local
# CA and a seal per instansi under VAR_DIR/seals-dev on first use; production never does.
SEAL_DIR = Path(os.environ.get("SEAL_DIR", VAR_DIR / "seals"))
SEAL_DEV_CA = env_bool("SEAL_DEV_CA", DEBUG)
SEAL_TRUST_ROOTS = env_list("SEAL_TRUST_ROOTS")
SEAL_TIMESTAMP_URL = os.environ.get("SEAL_TIMESTAMP_URL", "")
# Seals that expire within this many days are flagged on the BKD page and by check --deploy.
SEAL_EXPIRY_WARNING_DAYS = int(os.environ.get("SEAL_EXPIRY_WARNING_DAYS", "30"))

# Background work: immediate in development and tests, a PostgreSQL-backed queue in production
# (`manage.py db_worker` on as many machines as needed).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Portal Netralitas ASN <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# No inline scripts or styles anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

RATELIMIT_VIEW = "portal.views.ratelimited"
# Nobody gets the same signing reminder twice within this many hours.
REMINDER_INTERVAL_HOURS = int(os.environ.get("REMINDER_INTERVAL_HOURS", "72"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        # Every login and lockout is in axes' own tables; its INFO lines only add noise.
        "axes": {"level": "WARNING"},
    },
}
