"""An ASN signs the ikrar on a phone: points, a drawn (or typed) signature, PDF, verification."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from pledges.models import Signature
from portal.nip import mask_nip
from tests.conftest import PASSWORD
from tests.pledges_helpers import ikrar_points, make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "accept_downloads": True}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def open_signing_page(page: Page, base: str, username: str) -> None:
    log_in(page, base, username)
    page.get_by_role("link", name="Tanda tangani ikrar", exact=True).click()
    expect(page.get_by_role("heading", name="Ikrar Netralitas ASN")).to_be_visible()


def check_points(page: Page, numbers) -> None:
    expect(page.locator("input[type=checkbox][name^=point_]")).to_have_count(len(ikrar_points()))
    for n in numbers:
        box = page.get_by_label(re.compile(rf"^{n}\. "))
        expect(box).to_have_attribute("name", f"point_{n}")
        box.check()
        expect(box).to_be_checked()


def draw_signature(page: Page) -> None:
    """Several strokes of real pointer events across the pad."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 40, box
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    strokes = [
        [(0.08, 0.70), (0.20, 0.20), (0.32, 0.80), (0.45, 0.30)],
        [(0.50, 0.65), (0.62, 0.25), (0.74, 0.75), (0.90, 0.35)],
        [(0.15, 0.85), (0.50, 0.88), (0.85, 0.82)],
    ]
    for stroke in strokes:
        (fx, fy), rest = stroke[0], stroke[1:]
        page.mouse.move(x + w * fx, y + h * fy)
        page.mouse.down()
        for fx, fy in rest:
            page.mouse.move(x + w * fx, y + h * fy, steps=8)
        page.mouse.up()


def test_an_asn_draws_the_ikrar_and_downloads_the_certificate(
    live_server, page: Page, instansi, employee, asn_user, tmp_path
):
    base = live_server.url
    campaign = make_campaign(instansi)
    open_signing_page(page, base, asn_user.username)

    check_points(page, range(1, len(ikrar_points()) + 1))
    expect(page.get_by_label("Tanda tangan di layar")).to_be_checked()
    draw_signature(page)
    page.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".pdf"
    text = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(target.read_bytes())).pages
    )
    flat = " ".join(text.split())
    assert employee.name in flat
    for point in ikrar_points():
        assert point.split()[0] in flat

    signatures = Signature.objects.filter(employee=employee)
    assert signatures.count() == 1
    signature = signatures.get()
    assert signature.campaign == campaign
    assert signature.method == Signature.Method.DRAWN
    assert signature.image
    assert signature.image.size > 0

    page.get_by_role("link", name="Halaman verifikasi publik").click()
    expect(page).to_have_url(f"{base}/v/{signature.code}/")
    verdict = page.get_by_role("status").filter(has_text="SAH")
    expect(verdict).to_be_visible()
    expect(verdict).to_have_text(re.compile(r"^\s*Ikrar Netralitas:\s*SAH\s*$"))
    expect(page.get_by_text(mask_nip(employee.nip), exact=True)).to_be_visible()


def test_an_unchecked_point_is_refused(live_server, page: Page, instansi, employee, asn_user):
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)

    check_points(page, range(1, len(ikrar_points())))
    draw_signature(page)
    page.get_by_role("button", name="Tanda tangani ikrar").click()

    expect(page.get_by_text("Centang butir 4 untuk menyetujuinya.")).to_be_visible()
    expect(page.locator("input[name=point_4]")).not_to_be_checked()
    assert not Signature.objects.filter(employee=employee).exists()


def test_an_asn_signs_with_the_typed_name(live_server, page: Page, instansi, employee, asn_user):
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)

    check_points(page, range(1, len(ikrar_points()) + 1))
    page.get_by_label("Ketik nama lengkap", exact=True).check()
    expect(page.locator("#signature-pad")).to_be_hidden()
    page.get_by_label("Ketik nama lengkap Anda").fill(employee.name)
    page.get_by_role("button", name="Tanda tangani ikrar").click()

    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    signature = Signature.objects.get(employee=employee)
    assert signature.method == Signature.Method.TYPED
    assert signature.typed_name == employee.name
    assert not signature.image


def test_a_refused_drawing_survives_a_resize_and_signs(
    live_server, page: Page, instansi, employee, asn_user
):
    """The server sends the drawing back after a refusal; a phone's resize must not erase it."""
    make_campaign(instansi)
    open_signing_page(page, live_server.url, asn_user.username)
    check_points(page, range(1, len(ikrar_points())))
    draw_signature(page)
    page.get_by_role("button", name="Tanda tangani ikrar").click()
    expect(page.get_by_text("Centang butir 4 untuk menyetujuinya.")).to_be_visible()

    # The address bar or the keyboard changing the viewport fires "resize" on phones.
    page.set_viewport_size({"width": PHONE["width"], "height": 640})
    page.locator("input[name=point_4]").check()
    page.get_by_role("button", name="Tanda tangani ikrar").click()

    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    signature = Signature.objects.get(employee=employee)
    assert signature.method == Signature.Method.DRAWN
    assert signature.image


def test_a_sharp_phone_screen_sends_at_most_twice_the_pads_css_pixels(
    live_server, browser, instansi, employee, asn_user
):
    """A 3x phone draws on a 2x canvas: the PNG it sends (and the server checks, and the
    certificate prints at over 500 dpi) has 2.25 times fewer pixels than at 3x."""
    from PIL import Image

    make_campaign(instansi)
    context = browser.new_context(viewport=PHONE, device_scale_factor=3)
    page = context.new_page()
    try:
        open_signing_page(page, live_server.url, asn_user.username)
        check_points(page, range(1, len(ikrar_points()) + 1))
        draw_signature(page)
        css = page.locator("#signature-pad").bounding_box()
        page.get_by_role("button", name="Tanda tangani ikrar").click()
        expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    finally:
        context.close()
    with Signature.objects.get(employee=employee).image.open("rb") as stored:
        width, height = Image.open(stored).size
    assert (width, height) == (round(css["width"]) * 2, round(css["height"]) * 2)
