"""axe-core finds no serious or critical accessibility violation on the portal's main pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).not_to_have_url(f"{base}/masuk/")


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe violations on {page.url}:\n{describe(blocking)}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_login_page(live_server, page: Page, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/masuk/")
    expect(page.locator("#id_username")).to_be_visible()
    assert_accessible(page)


def test_ikrar_signing_page(live_server, page: Page, instansi, asn_user):
    base = live_server.url
    campaign = make_campaign(instansi)
    page.set_viewport_size(PHONE)
    log_in(page, base, asn_user.username)
    page.goto(f"{base}/ikrar/{campaign.pk}/")
    expect(page.locator("#signature-pad")).to_be_visible()
    assert_accessible(page)


def test_public_verification_page(live_server, page: Page, instansi, employee):
    signature = make_signature(employee, make_campaign(instansi))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/v/{signature.code}/")
    expect(page.get_by_role("status").filter(has_text="SAH")).to_be_visible()
    assert_accessible(page)


def test_verification_index(live_server, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/v/")
    assert_accessible(page)


def test_compliance_dashboard(live_server, page: Page, instansi, employee, bkd_user):
    base = live_server.url
    campaign = make_campaign(instansi)
    make_signature(employee, campaign)
    page.set_viewport_size(DESKTOP)
    log_in(page, base, bkd_user.username)
    page.goto(f"{base}/kampanye/{campaign.pk}/dasbor/")
    assert_accessible(page)


def test_review_queue(live_server, page: Page, instansi, employee, bkd_user):
    base = live_server.url
    make_signature(employee, make_campaign(instansi))
    page.set_viewport_size(DESKTOP)
    log_in(page, base, bkd_user.username)
    page.goto(f"{base}/telaah/")
    expect(page.locator("table tbody").get_by_role("link", name=employee.name)).to_be_visible()
    assert_accessible(page)


def test_asn_home(live_server, page: Page, instansi, asn_user):
    base = live_server.url
    make_campaign(instansi)
    page.set_viewport_size(PHONE)
    log_in(page, base, asn_user.username)
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name="Tanda tangani ikrar", exact=True)).to_be_visible()
    assert_accessible(page)
