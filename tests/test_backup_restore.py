"""A pg_dump of a live database restores into a fresh one whose evidence still verifies."""

import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import make_employee
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pg_env(settings_dict) -> dict:
    return {
        **os.environ,
        "PGHOST": settings_dict["HOST"] or "127.0.0.1",
        "PGPORT": str(settings_dict["PORT"] or 5432),
        "PGUSER": settings_dict["USER"] or "postgres",
        "PGPASSWORD": settings_dict["PASSWORD"] or "",
    }


@pytest.fixture
def restored_db():
    source = connection.settings_dict
    name = f"{source['NAME']}_restored"
    env = _pg_env(source)
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True)
    yield name, env
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True)


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_it_restores_a_dump_whose_chains_and_certificates_verify(unit, restored_db, settings):
    campaign = make_campaign(unit.instansi)
    for i in range(3):
        make_signature(make_employee(unit, f"Pegawai {i}"), campaign)
    name, env = restored_db
    source = connection.settings_dict["NAME"]
    dump = subprocess.run(
        ["pg_dump", "--format=custom", source], env=env, check=True, capture_output=True
    ).stdout
    subprocess.run(["createdb", name], env=env, check=True)
    subprocess.run(["pg_restore", "--no-owner", "-d", name], input=dump, env=env, check=True)

    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_chain", "--files"],
        env={
            **env,
            "DATABASE_URL": f"postgres://{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}/{name}",
            "MEDIA_ROOT": media,
        },  # fmt: skip
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK     belu         tanda tangan: 3 catatan" in result.stdout
    assert "OK     berkas tanda tangan: 3 berkas" in result.stdout
    assert "OK     belu         sertifikat: 3 catatan" in result.stdout
    assert "OK     berkas sertifikat: 3 berkas" in result.stdout
