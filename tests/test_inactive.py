"""An employee the roster marks inactive cannot log in or sign; what they signed stays valid."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pledges.models import Signature
from pledges.services import sign_ikrar
from tests.conftest import PASSWORD, login
from tests.pledges_helpers import drawn_input, make_campaign, make_signature

pytestmark = pytest.mark.django_db


def deactivate(employee):
    employee.is_active = False
    employee.save(update_fields=["is_active"])


def test_an_inactive_employee_cannot_log_in_and_is_told_why(asn_user, employee):
    deactivate(employee)
    response = Client().post(reverse("login"), {"username": employee.nip, "password": PASSWORD})
    assert response.status_code == 200
    assert "tercatat tidak aktif di daftar pegawai" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_wrong_password_says_nothing_about_the_status(asn_user, employee):
    deactivate(employee)
    response = Client().post(reverse("login"), {"username": employee.nip, "password": "salah-x"})
    assert "tidak aktif" not in response.content.decode()


def test_an_open_session_ends_when_the_roster_deactivates(asn_user, employee):
    client = login(asn_user)
    assert client.get(reverse("home")).status_code == 200
    deactivate(employee)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_inactive_employee_cannot_sign(employee, instansi):
    deactivate(employee)
    with pytest.raises(ValidationError, match="tidak dapat menandatangani"):
        sign_ikrar(employee=employee, campaign=make_campaign(instansi), data=drawn_input())
    assert not Signature.objects.exists()


def test_what_they_signed_before_stays_valid_evidence(employee, client):
    signature = make_signature(employee)
    deactivate(employee)
    page = client.get(reverse("pledges:verify", args=[signature.code])).content.decode()
    assert "SAH</strong>" in page
