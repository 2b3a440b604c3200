import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_asn_their_identity(asn_user):
    response = login(asn_user).get(reverse("home"))
    assert response.status_code == 200
    assert asn_user.employee.nip_display in response.content.decode()


def test_it_shows_bkd_their_instansi_overview(bkd_user, employee, other_asn_user):
    response = login(bkd_user).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["instansi"] == bkd_user.instansi
    assert response.context["stats"]["total"] == 1


def test_it_shows_the_auditor_every_instansi(auditor_user, instansi, other_instansi):
    response = login(auditor_user).get(reverse("home"))
    assert [i.code for i in response.context["instansi_list"]] == ["belu", "kupang"]


def test_login_accepts_a_nip_typed_with_spaces(client, asn_user):
    nip = asn_user.employee.nip_display
    response = client.post(reverse("login"), {"username": nip, "password": "rahasia-uji-123"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_speaks_indonesian_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"


def test_the_language_switch_changes_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    assert response.status_code == 302
    assert client.get(reverse("login")).headers["Content-Language"] == "en"
