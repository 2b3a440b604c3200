"""Personas and make_* helpers shared by every test file.

Three personas carry most tests: an ASN, a BKD admin of the same instansi and a BKD admin of
another instansi. Role-specific ones (sekda, inspektorat, auditor, unit head) sit beside them.
"""

import csv
import importlib
import io
import itertools

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from portal.models import Employee, Instansi, Unit, User

PASSWORD = "rahasia-uji-123"
_seq = itertools.count(1)


def make_nip(*, pppk: bool = False, birth: str = "19850412") -> str:
    """A valid, unique NIP (PNS) or NI PPPK."""
    n = next(_seq)
    middle = "202121" if pppk else "201003"
    return f"{birth}{middle}{1 + n % 2}{n % 999 + 1:03d}" if n < 999 else _long_nip(n, middle)


def _long_nip(n: int, middle: str) -> str:
    return f"{1960 + n // 999 % 30}0101{middle}1{n % 999 + 1:03d}"


def make_instansi(code: str = "belu", **kwargs) -> Instansi:
    defaults = {
        "kind": Instansi.Kind.KABUPATEN,
        "name": f"Pemerintah Kabupaten {code.title()}",
        "place_name": "Atambua" if code == "belu" else code.title(),
        "time_zone": "Asia/Makassar",
        "head_title": "Bupati",
    }
    defaults.update(kwargs)
    instansi, _ = Instansi.objects.get_or_create(code=code, defaults=defaults)
    return instansi


def make_unit(instansi: Instansi, name: str = "Dinas Pendidikan", **kwargs) -> Unit:
    kwargs.setdefault("kind", Unit.Kind.DINAS)
    return Unit.objects.create(instansi=instansi, name=name, **kwargs)


def make_employee(unit: Unit, name: str = "Maria Bere, S.Pd.", **kwargs) -> Employee:
    pppk = kwargs.pop("pppk", False)
    kwargs.setdefault("nip", make_nip(pppk=pppk))
    kwargs.setdefault("golongan", "IX" if pppk else "III/a")
    kwargs.setdefault("jabatan", "Guru Ahli Pertama")
    kwargs.setdefault("jabatan_category", Employee.JabatanCategory.FUNGSIONAL)
    return Employee.objects.create(instansi=unit.instansi, unit=unit, name=name, **kwargs)


def make_user(username: str | None = None, *, employee: Employee | None = None, **kwargs) -> User:
    username = username or (employee.nip if employee else f"user{next(_seq)}")
    if employee is not None:
        kwargs.setdefault("email", employee.email)
    return User.objects.create_user(
        username=username, password=PASSWORD, employee=employee, **kwargs
    )


def read_csv(response) -> list[list[str]]:
    """The rows of a streamed CSV download as Excel shows them: UTF-8 with a byte-order mark,
    semicolons, and an id written ="123..." (kept as text) read as its digits."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = csv.reader(io.StringIO(body), delimiter=";")
    return [[_as_shown(cell) for cell in row] for row in rows]


def _as_shown(cell: str) -> str:
    if cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit():
        return cell[2:-1]
    return cell


def login(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="portal.backends.UserBackend")
    return client


@pytest.fixture(autouse=True)
def _fast_passwords_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "checkpoints": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "checkpoints")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    # Rate-limit counters and cached national numbers must not leak from one test to the next.
    cache.clear()


@pytest.fixture
def instansi(db) -> Instansi:
    return make_instansi("belu")


@pytest.fixture
def other_instansi(db) -> Instansi:
    return make_instansi("kupang", kind=Instansi.Kind.KOTA, name="Pemerintah Kota Kupang",
                         place_name="Kupang", head_title="Wali Kota")  # fmt: skip


@pytest.fixture
def unit(instansi) -> Unit:
    return make_unit(instansi, "Dinas Pendidikan dan Kebudayaan")


@pytest.fixture
def kecamatan(instansi) -> Unit:
    return make_unit(instansi, "Kecamatan Kota Atambua", kind=Unit.Kind.KECAMATAN)


@pytest.fixture
def employee(unit) -> Employee:
    return make_employee(unit, email="maria.bere@example.go.id")


@pytest.fixture
def asn_user(employee) -> User:
    return make_user(employee=employee)


@pytest.fixture
def camat_user(kecamatan) -> User:
    camat = make_employee(kecamatan, "Yohanes Seran, S.Sos.", jabatan="Camat Kota Atambua",
                          golongan="IV/a", jabatan_category="administrator")  # fmt: skip
    kecamatan.head = camat
    kecamatan.head_title = "Camat Kota Atambua"
    kecamatan.save()
    return make_user(employee=camat)


@pytest.fixture
def bkd_user(instansi) -> User:
    return make_user("bkd.belu", role=User.Role.BKD, instansi=instansi, email="bkd@belu.go.id")


@pytest.fixture
def sekda_user(instansi) -> User:
    return make_user("sekda.belu", role=User.Role.SEKDA, instansi=instansi)


@pytest.fixture
def inspektorat_user(instansi) -> User:
    return make_user("inspektorat.belu", role=User.Role.INSPEKTORAT, instansi=instansi)


@pytest.fixture
def auditor_user(db) -> User:
    return make_user("auditor", role=User.Role.AUDITOR)


@pytest.fixture
def other_bkd_user(other_instansi) -> User:
    return make_user("bkd.kupang", role=User.Role.BKD, instansi=other_instansi)


@pytest.fixture
def other_asn_user(other_instansi) -> User:
    other_unit = make_unit(other_instansi, "Dinas Kesehatan")
    return make_user(employee=make_employee(other_unit, "Petrus Tallo"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped, loudly, on SQLite."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _evidence_guard(request):
    """The SQLite evidence triggers stand down only while `evidence_guard.locked` is 0.

    Transactional tests end with a flush (DELETE on SQLite) that the triggers would refuse, so
    the guard is lowered just before that flush. Its value is committed, so every test that
    touches the database raises it again first. Requesting the database fixture here makes this
    fixture's teardown run before the flush.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )
    if not (marker or "db" in names or transactional):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    _set_guard(1)
    yield
    if transactional:
        _set_guard(0)


def _set_guard(locked: int) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE evidence_guard SET locked = %s", [locked])


# Data migrations that load the legal catalogues, in order (each one's load() is re-run).
CATALOGUE_MIGRATIONS = [
    "sanctions.migrations.0002_catalogues",
    "sanctions.migrations.0005_legal_basis_data",
]


@pytest.fixture(autouse=True)
def _catalogues(request):
    """A transactional test ends with a flush that empties the legal catalogues and national
    templates the data migrations loaded; any later test in that process gets them loaded
    again, as a fresh database has them (inside its own transaction, for the ordinary tests)."""
    names = request.fixturenames
    if not (request.node.get_closest_marker("django_db") or "db" in names
            or "transactional_db" in names or "live_server" in names):  # fmt: skip
        return
    request.getfixturevalue("db")
    from django.apps import apps

    from pledges.models import Campaign
    from sanctions.models import SanctionType

    if not SanctionType.objects.exists():
        for name in CATALOGUE_MIGRATIONS:
            importlib.import_module(name).load(apps, None)
    if not Campaign.objects.national_templates().exists():
        importlib.import_module("pledges.migrations.0007_national_templates").load(apps, None)
