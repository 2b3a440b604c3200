"""The pledge record on a case page. The pledges app provides Signature in parallel work: the
test that needs it skips only while that model is truly missing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sanctions.pledge_link import pledge_record, signature_model
from tests.conftest import login
from tests.sanctions_helpers import make_case

pytestmark = pytest.mark.django_db


def test_the_case_page_includes_the_pledge_record(employee, bkd_user):
    case = make_case(employee, bkd_user)
    response = login(bkd_user).get(reverse("sanctions:detail", args=[case.pk]))
    assert "sanctions/_pledge_record.html" in [t.name for t in response.templates]
    assert response.context["pledges"] == pledge_record(employee)
    assert "Riwayat ikrar dan pakta integritas" in response.content.decode()


def test_it_lists_nothing_without_signatures(employee):
    assert pledge_record(employee) == []


def test_it_links_the_signed_pledge_and_its_certificate(employee, bkd_user):
    signature = signature_model()
    if signature is None:
        pytest.skip("pledges.models.Signature does not exist yet")
    campaign_model = signature._meta.get_field("campaign").related_model
    campaign = campaign_model.objects.create(
        instansi=employee.instansi, title="Ikrar Netralitas Pilkada 2024"
    )
    signed_at = timezone.make_aware(datetime.datetime(2024, 9, 2, 9, 0))
    row = signature.objects.create(employee=employee, campaign=campaign, kind="ikrar",
                                   signed_at=signed_at, code="ABCD-1234")  # fmt: skip
    case = make_case(employee, bkd_user)
    page = login(bkd_user).get(reverse("sanctions:detail", args=[case.pk])).content.decode()
    assert "Ikrar Netralitas Pilkada 2024" in page
    assert "2 September 2024" in page
    assert reverse("pledges:certificate", args=[row.code]) in page
