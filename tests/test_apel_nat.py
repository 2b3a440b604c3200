"""A hall at an apel: 500 ASN behind the venue's one public address (NAT) activate their
accounts, log in, sign and check their document on /v/ within the hour, some with a typo or
two, and nobody is stopped by a rate limit meant for one attacker (the limits and what they
protect: portal/limits.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from pledges.models import Signature
from portal import accounts, limits
from portal.models import Employee
from tests.conftest import make_nip
from tests.pledges_helpers import make_campaign

pytestmark = pytest.mark.django_db

HALL = "203.0.113.7"  # the venue's public address, as the proxy reports it
PEOPLE = 500
PASSWORD = "Netral-Apel-2026!"


def in_the_hall() -> Client:
    return Client(HTTP_X_FORWARDED_FOR=HALL, REMOTE_ADDR="127.0.0.1")


@pytest.fixture
def hall(settings, instansi, unit, bkd_user):
    settings.PROXY_COUNT = 1
    # Certificates are rendered by the workers, not inside these requests.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    Employee.objects.bulk_create(
        Employee(instansi=instansi, unit=unit, nip=make_nip(), kind="PNS",
                 name=f"Peserta Apel {i}", golongan="III/a")
        for i in range(PEOPLE)
    )  # fmt: skip
    letters = accounts.issue_activation_codes(actor=bkd_user, instansi=instansi)
    assert len(letters) == PEOPLE
    return make_campaign(instansi), letters


def test_a_hall_of_500_behind_one_address_gets_through(hall):
    campaign, letters = hall
    sign_url = reverse("pledges:sign", args=[campaign.pk])
    for n, (employee, code) in enumerate(letters):
        phone = in_the_hall()
        if n % 10 == 0:  # one in ten mistypes the code first ...
            wrong = phone.post(reverse("accounts:activate"), activation(employee, "SALAHKODE1"))
            assert wrong.status_code == 200, n
        done = phone.post(reverse("accounts:activate"), activation(employee, code))
        assert done.status_code == 302, (n, done.status_code)
        phone = in_the_hall()
        if n % 10 == 5:  # ... and another the password
            wrong = phone.post(reverse("login"), {"username": employee.nip, "password": "salah"})
            assert wrong.status_code == 200, n
        entered = phone.post(reverse("login"), {"username": employee.nip, "password": PASSWORD})
        assert entered.status_code == 302, (n, entered.status_code)
        signed = phone.post(sign_url, {**{f"point_{i}": "on" for i in range(1, 5)},
                                       "method": "typed", "typed_name": employee.name})  # fmt: skip
        assert signed.status_code == 302, (n, signed.status_code)
        code_of_mine = Signature.objects.get(employee=employee).code
        assert in_the_hall().get(reverse("pledges:verify", args=[code_of_mine])).status_code == 200
    assert Signature.objects.count() == PEOPLE


def activation(employee, code: str) -> dict:
    return {"nip": employee.nip, "code": code, "new_password1": PASSWORD,
            "new_password2": PASSWORD}  # fmt: skip


def test_one_client_guessing_across_many_nips_meets_the_address_ceiling(hall, monkeypatch):
    monkeypatch.setattr(limits, "LOGIN_FAILURES_PER_ADDRESS", "5/h")
    _campaign, letters = hall
    guesser = in_the_hall()
    for employee, _code in letters[:5]:
        response = guesser.post(reverse("login"), {"username": employee.nip, "password": "x"})
        assert response.status_code == 200
    response = guesser.post(reverse("login"), {"username": letters[5][0].nip, "password": "x"})
    assert response.status_code == 429
