"""Two simultaneous submissions of one ikrar give exactly one signature (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from pledges.models import Signature
from portal.evidence import verify
from tests.conftest import login, make_employee, make_user
from tests.pledges_helpers import data_url, drawn_png, make_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*jobs):
    """Start every job at the same moment in its own thread (and database connection)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = job()
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def sign_form() -> dict:
    return {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }


def test_a_double_submit_stores_one_signature_and_a_friendly_page(asn_user, employee, instansi):
    campaign = make_campaign(instansi)
    url = reverse("pledges:sign", args=[campaign.pk])
    clients = [login(asn_user), login(asn_user)]
    responses = run_together(*[lambda c=c: c.post(url, sign_form(), follow=True) for c in clients])
    assert Signature.objects.filter(employee=employee).count() == 1
    code = Signature.objects.get().code
    for response in responses:
        assert response.status_code == 200
        landed = response.redirect_chain[-1][0].split("?")[0]
        assert landed == reverse("pledges:signed", args=[code])
    pages = [r.content.decode() for r in responses]
    assert sum("Dokumen ini sudah Anda tanda tangani." in p for p in pages) == 1


def test_many_signers_at_once_keep_one_unbroken_chain(instansi, unit):
    campaign = make_campaign(instansi)
    users = [make_user(employee=make_employee(unit, f"Pegawai {i}")) for i in range(16)]
    url = reverse("pledges:sign", args=[campaign.pk])
    responses = run_together(*[lambda u=u: login(u).post(url, sign_form()) for u in users])
    assert [r.status_code for r in responses] == [302] * 16
    assert Signature.objects.count() == 16
    assert sorted(Signature.objects.values_list("seq", flat=True)) == list(range(1, 17))
    assert verify(Signature, Signature(instansi=instansi).chain_key()) is None
