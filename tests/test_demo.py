"""seed_demo: four regions, a login per role, the 2024 campaign on its own dates and an open
practice campaign, chained demo signatures."""

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
    for username in ("bkd.belu", "sekda.kupang", "inspektorat.manggarai", "auditor", "admin",
                     "bupati.belu", "walikota.kupang"):  # fmt: skip
        assert username in out and User.objects.filter(username=username).exists()
    assert User.objects.get(username="walikota.kupang").official.title == "Wali Kota Kupang"
    assert Instansi.objects.get(code="sukamara").time_zone == "Asia/Jakarta"
    assert Instansi.objects.get(code="belu").time_zone == "Asia/Makassar"
    template = Campaign.objects.national_templates().first()
    for instansi in Instansi.objects.all():
        election, practice = Campaign.objects.filter(instansi=instansi).order_by("opens_on")
        assert election.is_frozen and not election.is_open()
        # The campaign naming the 2024 election runs on that election's dates, and so do its
        # signatures; the practice campaign that is open today names no election.
        assert (election.title, election.opens_on, election.closes_on) == (
            template.title,
            template.opens_on,
            template.closes_on,
        )
        assert election.template == template and election.ikrar_points == template.ikrar_points
        for signed_at in election.signatures.values_list("signed_at", flat=True):
            assert template.opens_on <= signed_at.date() <= template.closes_on
        assert practice.is_open() and practice.is_frozen
        assert "2024" not in practice.title and practice.text_hash
        assert verify(Signature, Signature(instansi=instansi).chain_key()) is None
    demo_asn = User.objects.filter(role="", employee__isnull=False)
    assert not Signature.objects.filter(employee__user__in=demo_asn).exists()
    count = Signature.objects.count()
    assert count > 100
    call_command("seed_demo")
    assert Signature.objects.count() == count and Instansi.objects.count() == 4
    assert User.objects.filter(role="pejabat").count() == 4


def test_the_demo_sekda_is_a_believable_senior_official():
    call_command("seed_demo")
    for sekda in User.objects.filter(role="sekda").select_related("employee"):
        employee = sekda.employee
        assert employee.golongan in {"IV/c", "IV/d", "IV/e"}, employee.golongan
        assert int(employee.nip[:4]) <= 1975, employee.nip


def test_every_demo_home_has_work_on_it():
    from django.urls import reverse

    from tests.conftest import login

    call_command("seed_demo")
    bkd = login(User.objects.get(username="bkd.belu")).get(reverse("home")).context
    assert bkd["compliance"][0].overview.signed > 0 and bkd["pending_reviews"] > 0
    assert {kind for kind, _item in bkd["problems"]} == {"reminder", "import"}
    sekda = login(User.objects.get(username="sekda.belu")).get(reverse("home")).context
    assert sekda["pakta"] and sekda["summary"].witnessed and sekda["summary"].unsigned
    cases = login(User.objects.get(username="inspektorat.belu")).get(reverse("home")).context
    assert cases["cases"].overdue >= 1 and cases["cases"].open == 4
    assert any(c.due_on and not c.is_overdue for c in cases["cases"].cases)
