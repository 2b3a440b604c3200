"""The audit log filtered by person (name, NIP or username) and action, within the instansi."""

import pytest
from django.urls import reverse

from portal.audit import record
from tests.conftest import login, make_employee, make_user

pytestmark = pytest.mark.django_db

URL = reverse("portal:audit_log")


@pytest.fixture
def admin_asn(unit):
    """A second BKD admin who is also on the roster: found by name and NIP."""
    employee = make_employee(unit, "Fransiska Abuk, S.E.")
    return make_user("fabuk", role="bkd", instansi=unit.instansi, employee=employee)


@pytest.fixture
def events(bkd_user, admin_asn, other_bkd_user, instansi):
    record("export.data", actor=bkd_user, instansi=instansi, target="oleh-bkd")
    record("review.revoke", actor=admin_asn, instansi=instansi, target="oleh-fransiska")
    record("export.data", actor=admin_asn, instansi=instansi, target="ekspor-fransiska")
    record("export.data", actor=other_bkd_user, target="oleh-kupang")


def targets(user, **params) -> list[str]:
    response = login(user).get(URL, params)
    assert response.status_code == 200
    return [e.target for e in response.context["page"]]


@pytest.mark.parametrize("text", ["fransiska", "ABUK", "fabuk", "  Fransiska   Abuk "])
def test_it_finds_a_person_by_name_or_username(bkd_user, events, text):
    assert sorted(targets(bkd_user, orang=text)) == ["ekspor-fransiska", "oleh-fransiska"]


def test_it_finds_a_person_by_nip_typed_with_spaces(bkd_user, admin_asn, events):
    assert sorted(targets(bkd_user, orang=admin_asn.employee.nip_display)) == [
        "ekspor-fransiska", "oleh-fransiska",
    ]  # fmt: skip


def test_person_and_action_combine(bkd_user, events):
    assert targets(bkd_user, orang="fransiska", action="export.data") == ["ekspor-fransiska"]


def test_another_instansis_people_are_never_found(bkd_user, events):
    assert targets(bkd_user, orang="kupang") == []
    assert "oleh-kupang" not in targets(bkd_user)


def test_the_filter_is_kept_in_the_page_links(bkd_user, instansi):
    for n in range(55):
        record("export.data", actor=bkd_user, instansi=instansi, target=f"ekspor-{n}")
    html = login(bkd_user).get(URL, {"orang": "bkd.belu", "action": "export.data"}).content
    assert b"orang=bkd.belu" in html and b"action=export.data" in html and b"page=2" in html
    page2 = login(bkd_user).get(URL, {"orang": "bkd.belu", "action": "export.data", "page": 2})
    assert len(page2.context["page"]) == 5


@pytest.mark.parametrize("text", ["x" * 5000, "%", "_", "'; DROP TABLE", "1" * 40, "١٢٣٤٥٦٧"])
def test_bad_input_never_fails(bkd_user, events, text):
    response = login(bkd_user).get(URL, {"orang": text, "action": text, "page": text})
    assert response.status_code == 200


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["asn_user", "sekda_user", "inspektorat_user", "camat_user"])
def test_other_roles_are_refused(request, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 403
