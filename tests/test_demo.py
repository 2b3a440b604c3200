"""seed_demo: four regions, a login per role, an open campaign, chained demo signatures."""

import pytest
from django.core.management import call_command

from pledges.models import Campaign, Signature
from portal.evidence import verify
from portal.models import Instansi, User

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_four_regions_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert set(Instansi.objects.values_list("code", flat=True)) == {
        "belu",
        "kupang",
        "manggarai",
        "sukamara",
    }
    for username in ("bkd.belu", "sekda.kupang", "inspektorat.manggarai", "auditor", "admin"):
        assert username in out and User.objects.filter(username=username).exists()
    assert Instansi.objects.get(code="sukamara").time_zone == "Asia/Jakarta"
    assert Instansi.objects.get(code="belu").time_zone == "Asia/Makassar"
    for instansi in Instansi.objects.all():
        campaign = Campaign.objects.get(instansi=instansi)
        assert campaign.is_open() and campaign.is_frozen
        assert verify(Signature, Signature(instansi=instansi).chain_key()) is None
    demo_asn = User.objects.filter(role="", employee__isnull=False)
    assert not Signature.objects.filter(employee__user__in=demo_asn).exists()
    count = Signature.objects.count()
    assert count > 100
    call_command("seed_demo")
    assert Signature.objects.count() == count and Instansi.objects.count() == 4
