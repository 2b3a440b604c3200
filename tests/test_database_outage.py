"""The database goes away in the middle of a signing POST (PostgreSQL behind a TCP proxy)."""

import contextlib
import socket
import threading

import pytest
from django.db import connection
from django.urls import reverse

from pledges import services
from pledges.models import Signature
from portal.evidence import verify
from tests.conftest import login
from tests.pledges_helpers import data_url, drawn_png, make_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Proxy:
    """A loopback TCP proxy to PostgreSQL whose cable we can pull."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.fixture
def proxied():
    settings_dict = connection.settings_dict
    proxy = Proxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    original = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = proxy.port
    try:
        yield proxy
    finally:
        connection.close()
        settings_dict["PORT"] = original
        proxy.close()


def form() -> dict:
    return {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }


def test_a_lost_database_gives_a_503_writes_nothing_and_recovers(
    asn_user, employee, instansi, proxied, monkeypatch
):
    campaign = make_campaign(instansi)
    client = login(asn_user)
    url = reverse("pledges:sign", args=[campaign.pk])
    real_freeze = services._freeze

    def cable_pulled_mid_transaction(*args, **kwargs):
        proxied.cut()
        return real_freeze(*args, **kwargs)

    monkeypatch.setattr(services, "_freeze", cable_pulled_mid_transaction)
    response = client.post(url, form())
    assert response.status_code == 503
    assert "tidak ada data yang tersimpan setengah jalan" in response.content.decode()

    monkeypatch.undo()
    proxied.up = True
    connection.close()
    assert not Signature.objects.exists()
    response = client.post(url, form())
    assert response.status_code == 302
    assert Signature.objects.filter(employee=employee).count() == 1
    assert verify(Signature, Signature(instansi=instansi).chain_key()) is None
