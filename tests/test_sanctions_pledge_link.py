"""The pledge record on a case page: which ikrar/pakta the employee signed, and when."""

import datetime as dt

import pytest
from django.urls import reverse

from sanctions.pledge_link import pledge_record
from tests.conftest import login
from tests.pledges_helpers import make_campaign, make_signature
from tests.sanctions_helpers import make_case

pytestmark = pytest.mark.django_db


def test_it_lists_nothing_without_signatures(employee):
    assert pledge_record(employee) == []


def test_the_case_page_links_the_signed_pledge(employee, bkd_user, time_machine):
    time_machine.move_to("2024-09-02T01:00:00Z", tick=False)
    campaign = make_campaign(
        employee.instansi,
        title="Ikrar Netralitas Pilkada 2024",
        opens_on=dt.date(2024, 9, 1),
        closes_on=dt.date(2024, 9, 30),
    )
    signature = make_signature(employee, campaign)
    time_machine.move_to("2024-10-01T01:00:00Z", tick=False)
    case = make_case(employee, bkd_user)
    response = login(bkd_user).get(reverse("sanctions:detail", args=[case.pk]))
    page = response.content.decode()
    assert response.context["pledges"] == [signature]
    assert "Riwayat ikrar dan pakta integritas" in page
    assert "Ikrar Netralitas Pilkada 2024" in page and "2 September 2024 09.00 WITA" in page
    assert reverse("pledges:certificate", args=[signature.code]) in page
    assert reverse("pledges:verify", args=[signature.code]) in page


def test_inspektorat_sees_the_record_without_the_certificate_link(employee, bkd_user,
                                                                 inspektorat_user):  # fmt: skip
    signature = make_signature(employee)
    case = make_case(employee, bkd_user)
    page = login(inspektorat_user).get(reverse("sanctions:detail", args=[case.pk])).content
    assert reverse("pledges:verify", args=[signature.code]).encode() in page
    assert reverse("pledges:certificate", args=[signature.code]).encode() not in page
