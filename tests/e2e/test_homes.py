"""Every role's home at 1366 x 768 (the navbar on one line) and on a 360 x 740 phone (nothing
wider than the screen, the hamburger menu opens every group, no serious axe finding).

SCREENSHOT_DIR=/some/dir saves each home at both sizes, to look at them."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pledges.models import ReminderRun
from pledges.services import sign_pakta
from portal.audit import record
from portal.models import Official, Unit, User
from tests.conftest import make_employee, make_unit, make_user
from tests.e2e.conftest import open_menu
from tests.e2e.test_accessibility import assert_accessible, log_in
from tests.pledges_helpers import decide, drawn_input, make_campaign, make_signature
from tests.sanctions_helpers import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
ONE_LINE_HEIGHT = 70  # px: the brand, the items and the user menu on one row

LONG_NAME = "Drs. Yohanes Berchmans Nahak Bere Taolin Seran, S.Kom., M.Si., M.A.P."


@pytest.fixture
def region(instansi, unit, employee, kecamatan, camat_user, asn_user):
    """A region with some of everything each home shows."""
    campaign = make_campaign(instansi, title="Pilkada Serentak Kabupaten Belu 2024")
    make_unit(instansi, "Dinas Pertanian dan Ketahanan Pangan")
    setda = Unit.objects.create(instansi=instansi, name="Sekretariat Daerah", kind="setda",
                                head_title="Sekretaris Daerah")  # fmt: skip
    sekda = make_employee(setda, "Dra. Theresia Bete Luruk, M.Si.", golongan="IV/d",
                          jabatan="Sekretaris Daerah")  # fmt: skip
    setda.head = sekda
    setda.save()
    bkd = make_user("bkd.belu", role=User.Role.BKD, instansi=instansi, first_name=LONG_NAME)
    make_user("sekda.belu", role=User.Role.SEKDA, instansi=instansi, employee=sekda)
    inspektorat = make_user("inspektorat.belu", role=User.Role.INSPEKTORAT, instansi=instansi)
    make_user("auditor", role=User.Role.AUDITOR)
    official = Official.objects.create(instansi=instansi, office="kepala", title="Bupati Belu",
                                       name="Dr. Markus Nahak Bere, M.Si.")  # fmt: skip
    make_user("bupati.belu", role=User.Role.OFFICIAL, instansi=instansi, official=official)
    sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
               data=drawn_input())  # fmt: skip
    decide(make_signature(employee, campaign), "kembalikan", "Tanda tangan terpotong di tepi.")
    for n in range(3):
        make_signature(make_employee(unit, f"Staf Dinas {n}"), campaign)
    ReminderRun.objects.create(campaign=campaign, created_by=bkd, total=12, sent=9, failed=3)
    record("roster.import_rejected", actor=bkd, instansi=instansi, target="pegawai-2024.xlsx",
           rejected=True, error_count=7)  # fmt: skip
    today = timezone.localdate(timezone=instansi.tz)
    for n, days in enumerate((-3, 4, None)):
        case = make_case(make_employee(unit, f"Terlapor Kasus {n}"), inspektorat)
        if days is not None:
            case.due_key, case.due_on = "panggilan_1", today + dt.timedelta(days=days)
            case.save()
    return campaign


ROLES = ["asn", "camat", "bkd", "sekda", "inspektorat", "auditor", "bupati"]


def username(role: str, asn_user, camat_user) -> str:
    return {"asn": asn_user.username, "camat": camat_user.username}.get(role) or {
        "bkd": "bkd.belu", "sekda": "sekda.belu", "inspektorat": "inspektorat.belu",
        "auditor": "auditor", "bupati": "bupati.belu",
    }[role]  # fmt: skip


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def wider(page: Page) -> list[str]:
    """The innermost elements reaching past the phone's right edge (for the failure message)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > innerWidth + 1).slice(-5)
        .map(el => `${el.tagName}.${el.className}: ${(el.innerText || '').slice(0, 40)}`)"""
    )


def navbar_rows(page: Page) -> dict:
    return page.evaluate(
        """() => {
        const nav = document.querySelector('nav.navbar');
        const items = [...nav.querySelectorAll('.navbar-brand, #mainnav > ul > li')];
        return {height: nav.getBoundingClientRect().height,
                tops: items.map(el => Math.round(el.getBoundingClientRect().top)),
                texts: items.map(el => el.innerText.trim())};
    }"""
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_home_fits_the_desktop_navbar_and_the_phone(live_server, page: Page, region, role,
                                                         asn_user, camat_user):  # fmt: skip
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, username(role, asn_user, camat_user))
    expect(page.locator("h1")).to_be_visible()
    rows = navbar_rows(page)
    assert rows["height"] < ONE_LINE_HEIGHT, rows
    assert max(rows["tops"]) - min(rows["tops"]) <= 4, rows
    shoot(page, f"home-{role}-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wider(page)
    assert_accessible(page)
    shoot(page, f"home-{role}-phone")
    # The hamburger opens the menu; every group opens inside it without widening the page.
    page.get_by_role("button", name="Buka menu").click()
    expect(page.locator("#mainnav.show")).to_be_visible()  # opened, not still sliding open
    toggles = page.locator("#mainnav .dropdown-toggle")
    for n in range(toggles.count()):
        toggles.nth(n).click()
        expect(toggles.nth(n)).to_have_attribute("aria-expanded", "true")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wider(page)
    assert_accessible(page)
    if role == "bkd":
        shoot(page, "nav-bkd-phone-open")


def test_the_menus_work_by_keyboard(live_server, page: Page, region, asn_user, camat_user):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "bkd.belu")
    # Bootstrap is a deferred script: a key pressed before it runs opens nothing, ever.
    page.wait_for_function("() => window.bootstrap !== undefined")
    menu = page.get_by_role("button", name="Ikrar & pakta")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Kampanye", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    shoot(page, "nav-bkd-desktop")
    nav = open_menu(page, "Administrasi")
    nav.get_by_role("link", name="Log audit").click()
    expect(page.get_by_role("heading", name="Log audit")).to_be_visible()
