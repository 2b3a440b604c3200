"""The apel screen on the projector counts up by itself while someone in the hall signs on a
phone; its QR code leads to the signing page."""

import datetime as dt
import io

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, expect

from pledges.models import Apel
from pledges.services import save_apel
from tests.conftest import PASSWORD
from tests.e2e.test_signing_flow import check_points, draw_signature
from tests.pledges_helpers import make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_the_screen_counts_up_while_a_phone_signs(
    live_server, browser: Browser, instansi, employee, asn_user, bkd_user, settings
):
    settings.SITE_URL = live_server.url
    campaign = make_campaign(instansi)
    now = timezone.now()
    opened = Apel(
        instansi=instansi,
        campaign=campaign,
        place="Aula",
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    apel = save_apel(apel=opened, units=[], actor=bkd_user)
    projector = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(projector, live_server.url, bkd_user.username)
    projector.goto(f"{live_server.url}/apel/{apel.pk}/layar/")
    expect(projector.locator("[data-field=signed]")).to_have_text("0")
    qr = Image.open(io.BytesIO(projector.locator(".apel-qr svg").screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(qr)] == [
        f"{live_server.url}/ikrar/{campaign.pk}/"
    ]

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(phone, live_server.url, asn_user.username)
    phone.goto(f"{live_server.url}/ikrar/{campaign.pk}/")
    check_points(phone, range(1, 5))
    draw_signature(phone)
    phone.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(phone.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()

    # No reload: the screen's own refresh (every 5 s, counted at most once per 5 s) shows it.
    expect(projector.locator("[data-field=signed]")).to_have_text("1", timeout=15_000)
    expect(projector.locator("[data-field=last]")).to_contain_text(employee.name)
