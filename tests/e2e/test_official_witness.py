"""A bupati, on a phone, finds the pakta waiting for a witness on the home page and
countersigns one with a typed name."""

import pytest
from playwright.sync_api import Page, expect

from pledges.models import Signature
from pledges.services import sign_pakta
from portal.models import Official, User
from tests.conftest import make_user
from tests.e2e.test_pakta_flow import log_in
from tests.pledges_helpers import drawn_input, make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
BUPATI = "Dr. Markus Nahak Bere, M.Si."


def test_a_bupati_witnesses_a_pakta_from_the_phone(
    live_server, page: Page, instansi, kecamatan, camat_user
):
    campaign = make_campaign(instansi)
    pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                       data=drawn_input())  # fmt: skip
    official = Official.objects.create(instansi=instansi, office="kepala", name=BUPATI,
                                       title="Bupati Belu")  # fmt: skip
    make_user("bupati.belu", role=User.Role.OFFICIAL, instansi=instansi, official=official)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "bupati.belu")

    expect(page.get_by_role("heading", name="Menunggu kesaksian", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="Saksikan").click()
    expect(page.get_by_text("Bupati Belu").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for n in range(1, 5):
        page.locator(f"input[name=point_{n}]").check()
    page.get_by_role("radio", name="Ketik nama lengkap", exact=True).check()
    page.locator("#id_typed_name").fill("Markus Nahak Bere")
    page.get_by_role("button", name="Tanda tangani sebagai saksi").click()
    expect(page.get_by_text("Tanda tangan saksi telah tercatat")).to_be_visible()

    witness = Signature.objects.get(kind="saksi")
    assert witness.official == official and witness.witnessed == pakta
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Tidak ada pakta yang menunggu kesaksian.")).to_be_visible()
