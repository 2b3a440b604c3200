"""Signing on a phone that loses its signal: nothing typed or drawn is lost, and sending again
after a lost reply gives exactly one signature and the normal result page."""

import pytest
from playwright.sync_api import Page, Route, expect

from pledges.models import IKRAR_POINTS, Signature
from tests.e2e.test_signing_flow import PHONE, check_points, draw_signature, open_signing_page
from tests.pledges_helpers import make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ALL_POINTS = range(1, len(IKRAR_POINTS) + 1)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def test_a_reply_lost_mid_post_then_resent_makes_one_signature(
    live_server, page: Page, instansi, employee, asn_user
):
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)
    check_points(page, ALL_POINTS)
    draw_signature(page)

    def reach_server_then_drop(route: Route) -> None:
        if route.request.method == "POST":
            route.fetch()  # the portal receives and records the signature ...
            route.abort("internetdisconnected")  # ... and the reply never reaches the phone
        else:
            route.continue_()

    page.route("**/ikrar/*/", reach_server_then_drop)
    page.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(page.get_by_text("Koneksi terputus sebelum jawaban portal diterima.")).to_be_visible()
    assert Signature.objects.count() == 1
    expect(page.get_by_label("Tanda tangan di layar")).to_be_checked()

    page.unroute("**/ikrar/*/")
    page.get_by_role("button", name="Kirim ulang").click()
    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    assert Signature.objects.count() == 1
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sign:'))") == []


def test_ticks_and_drawing_survive_a_reload(live_server, page: Page, instansi, employee, asn_user):
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)
    check_points(page, [1, 3])
    draw_signature(page)
    page.reload()
    for n in ALL_POINTS:
        box = page.locator(f"input[name=point_{n}]")
        expect(box).to_be_checked() if n in (1, 3) else expect(box).not_to_be_checked()
    assert page.evaluate("window.getComputedStyle && document.getElementById('signature-pad')")
    not_blank = page.evaluate(
        """() => { const c = document.getElementById('signature-pad');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; }
                   return false; }"""
    )
    assert not_blank, "the drawing came back from the draft"
    check_points(page, [2, 4])
    page.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    assert Signature.objects.get().image_sha256


def test_going_offline_and_back_sends_by_itself(
    live_server, page: Page, context, instansi, employee, asn_user
):
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)
    check_points(page, ALL_POINTS)
    draw_signature(page)
    context.set_offline(True)
    page.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(page.get_by_role("button", name="Kirim ulang")).to_be_visible()
    assert not Signature.objects.exists()
    context.set_offline(False)
    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    assert Signature.objects.count() == 1
