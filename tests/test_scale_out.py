"""Two gunicorn app servers and one task worker on one PostgreSQL database (real processes).

Sessions, the one-signature rule, the evidence chain and certificate rendering must hold when
requests for one person land on different servers and the PDF is rendered by another process.
"""

import hashlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from pledges.models import Certificate, Signature
from portal.evidence import verify
from tests.conftest import PASSWORD, make_employee, make_user
from tests.pledges_helpers import data_url, drawn_png, make_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """Two app servers and one db_worker against the test database; shared media."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": "http://portal.test",
        "DEBUG": "1",
        "EVIDENCE_HMAC_KEY": settings.EVIDENCE_HMAC_KEY,
        "CONN_MAX_AGE": "0",
    }
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    procs = [
        subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [
                gunicorn,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    procs.append(
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
        )
    )
    try:
        for port in ports:
            _wait_until_up(port)
        yield SimpleNamespace(
            urls=[f"http://127.0.0.1:{port}" for port in ports], media=tmp_path / "media"
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


def _wait_until_up(port: int) -> None:
    # Generous: CI machines are busy, and a cold gunicorn imports Django and WeasyPrint.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sehat/", timeout=10)  # noqa: S310
            return
        except OSError:  # refused, reset or timed out while the server starts
            time.sleep(0.5)
    raise RuntimeError(f"app server on {port} did not start")


class Browser:
    """A cookie jar shared across servers, like one phone behind a load balancer."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        return self.opener.open(url, timeout=30).read().decode()

    def post(self, url: str, form_page: str, data: dict) -> tuple[int, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(url, data=body.encode(), headers={"Referer": url})
        try:
            response = self.opener.open(request, timeout=30)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def log_in(self, base: str, username: str) -> None:
        page = self.get(f"{base}/masuk/")
        status, body = self.post(
            f"{base}/masuk/", page, {"username": username, "password": PASSWORD}
        )
        assert status == 200 and "Keluar" in body, body[:500]


def sign_form() -> dict:
    return {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }


def test_two_app_servers_and_a_worker_keep_the_rules(cluster, instansi, unit, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    campaign = make_campaign(instansi)
    users = [make_user(employee=make_employee(unit, f"Pegawai {i}")) for i in range(6)]
    sign_path = f"/ikrar/{campaign.pk}/"

    for i, user in enumerate(users):
        browser = Browser()
        login_on, sign_on = cluster.urls[i % 2], cluster.urls[(i + 1) % 2]
        browser.log_in(login_on, user.username)  # the session made on one server ...
        page = browser.get(sign_on + sign_path)  # ... is honoured by the other
        status, body = browser.post(sign_on + sign_path, page, sign_form())
        assert status == 200 and "Ikrar Anda telah tercatat" in body

    # One person submitting to both servers at the same moment still signs once.
    late = make_user(employee=make_employee(unit, "Pegawai Ganda"))
    browser = Browser()
    browser.log_in(cluster.urls[0], late.username)
    pages = [browser.get(base + sign_path) for base in cluster.urls]
    results = [None, None]

    def submit(index):
        results[index] = browser.post(cluster.urls[index] + sign_path, pages[index], sign_form())

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [200, 200]
    assert Signature.objects.filter(employee=late.employee).count() == 1

    assert Signature.objects.count() == 7
    assert verify(Signature, Signature(instansi=instansi).chain_key()) is None
    # Certificates are rendered by the worker process, not by the app servers.
    deadline = time.monotonic() + 90
    while Certificate.objects.count() < 7 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert Certificate.objects.count() == 7
    media = cluster.media
    for certificate in Certificate.objects.all():
        stored = (media / certificate.file.name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == certificate.sha256
        assert stored.startswith(b"%PDF-")
