"""The client address behind trusted proxies: what rate limits, lockouts and evidence record."""

import pytest
from django.test import RequestFactory

from portal.audit import client_ip


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.5", "", "10.0.0.5"),
        (0, "10.0.0.5", "6.6.6.6", "10.0.0.5"),  # no proxy: the header is the client's word
        (1, "127.0.0.1", "36.72.1.9", "36.72.1.9"),  # nginx appended the client
        (1, "127.0.0.1", "6.6.6.6, 36.72.1.9", "36.72.1.9"),  # a forged hop is ignored
        (2, "10.1.1.1", "36.72.1.9, 10.2.2.2", "36.72.1.9"),  # load balancer + nginx
        (1, "127.0.0.1", "", None),
        (1, "127.0.0.1", "not-an-ip", None),
        (0, "", "", None),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
