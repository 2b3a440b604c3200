"""A camat signs the unit's pakta integritas; the Sekda downloads every pakta as one ZIP."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from pledges.models import DownloadEvent, Signature
from pledges.services import SignatureInput, sign_pakta
from tests.conftest import PASSWORD, make_employee, make_unit
from tests.e2e.conftest import open_menu
from tests.pledges_helpers import data_url, drawn_png, make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def draw_signature(page: Page) -> None:
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in [(0.25, 0.2), (0.4, 0.8), (0.55, 0.3), (0.7, 0.75), (0.85, 0.4)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=5)
    page.mouse.up()


def test_the_demo_camat_signs_the_pakta(live_server, page: Page, instansi, kecamatan, camat_user):
    base = live_server.url
    campaign = make_campaign(instansi)
    log_in(page, base, camat_user.username)

    nav = open_menu(page, "Ikrar & pakta")
    nav.get_by_role("link", name="Pakta integritas", exact=True).click()
    expect(page).to_have_url(f"{base}/pakta/")
    page.get_by_role("link", name="Tanda tangani pakta integritas").click()

    points = page.locator("input[type=checkbox][name^=point_]")
    expect(points).to_have_count(4)
    for n in range(1, 5):
        page.locator(f"input[name=point_{n}]").check()
    draw_signature(page)
    page.get_by_role("button", name="Tanda tangani pakta integritas").click()

    expect(
        page.get_by_text("Terima kasih. Pakta integritas unit Anda telah tercatat.")
    ).to_be_visible()
    pakta = Signature.objects.filter(kind=Signature.Kind.PAKTA, unit=kecamatan)
    assert pakta.count() == 1
    signed = pakta.get()
    assert signed.employee == camat_user.employee
    assert signed.campaign == campaign
    assert signed.method == Signature.Method.DRAWN


def test_the_sekda_downloads_the_zip(live_server, page: Page, instansi, kecamatan, camat_user,
                                     sekda_user):  # fmt: skip
    base = live_server.url
    campaign = make_campaign(instansi)
    dinas = make_unit(instansi, "Dinas Kesehatan")
    dinas.head = make_employee(dinas, "Agnes Luruk, S.KM.", jabatan="Kepala Dinas Kesehatan")
    dinas.save()
    codes = []
    for unit in (kecamatan, dinas):
        data = SignatureInput(
            method="drawn", confirmed_points=4, drawn_data_url=data_url(drawn_png())
        )
        pakta = sign_pakta(employee=unit.head, unit=unit, campaign=campaign, data=data)
        codes.append(pakta.code)

    log_in(page, base, sekda_user.username)
    nav = open_menu(page, "Ikrar & pakta")
    nav.get_by_role("link", name="Rekap pakta", exact=True).click()
    table = page.locator("table tbody")
    expect(table.get_by_role("cell", name=kecamatan.name, exact=True)).to_be_visible()
    expect(table.get_by_role("cell", name=dinas.name, exact=True)).to_be_visible()

    page.get_by_role("button", name="ZIP semua pakta integritas").click()
    expect(page).to_have_url(re.compile(r"/unduhan/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="Selesai — 2 dari 2 berkas")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh berkas").click()
    download = info.value
    with open(download.path(), "rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))

    names = archive.namelist()
    assert "00-rekapitulasi.pdf" in names
    assert archive.read("00-rekapitulasi.pdf").startswith(b"%PDF-")
    pakta_files = [n for n in names if n != "00-rekapitulasi.pdf"]
    assert len(pakta_files) == 2
    for code in codes:
        [name] = [n for n in pakta_files if code in n]
        assert archive.read(name).startswith(b"%PDF-")
    assert DownloadEvent.objects.filter(user=sekda_user, export__isnull=False).exists()
