"""A 300-character name, even one without a space, wraps on a 360 px phone: no page is pushed
sideways and no name cell is wider than the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from pledges.services import SignatureInput, sign_pakta
from tests.conftest import login, make_employee, make_user
from tests.pledges_helpers import data_url, drawn_png, make_campaign, make_signature
from tests.sanctions_helpers import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNBROKEN = "Ｍａｒｉａ" + "x" * 290 + "Ｂｅｒｅ"  # 300 characters, not one place to break
WIDTH = 360


# For the failure message: the elements that stick out to the right.
WIDER_THAN = """(w) => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > w + 1)
    .slice(0, 8)
    .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


def overflow(page: Page) -> dict:
    return page.evaluate(
        """(name) => {
            const where = 'td, dd, h1, li, p, a, button, .user-menu-name';
            const cells = [...document.querySelectorAll(where)]
                .filter(el => [...el.childNodes].some(
                    node => node.nodeType === Node.TEXT_NODE && node.textContent.includes(name)));
            return {
                page: document.documentElement.scrollWidth,
                widest: Math.max(0, ...cells.map(el => el.getBoundingClientRect().width)),
                found: cells.length,
            };
        }""",
        UNBROKEN[:20],
    )


def test_long_names_wrap_on_every_page(live_server, page: Page, instansi, kecamatan, camat_user,
                                       bkd_user, unit):  # fmt: skip
    employee = make_employee(kecamatan, UNBROKEN, email="")
    make_employee(kecamatan, UNBROKEN, email="")  # unsigned: listed on the unit's progress
    asn = make_user(employee=employee)
    campaign = make_campaign(instansi)
    signature = make_signature(employee, campaign)
    kecamatan.head = employee
    kecamatan.save()
    data = SignatureInput(method="drawn", confirmed_points=4, drawn_data_url=data_url(drawn_png()))
    sign_pakta(employee=employee, unit=kecamatan, campaign=campaign, data=data)
    case = make_case(employee, bkd_user)
    pages = {
        bkd_user: [
            reverse("pledges:review_queue"),
            reverse("pledges:review_detail", args=[signature.code]),
            reverse("pledges:unit_progress", args=[campaign.pk, kecamatan.pk]),
            reverse("pledges:pakta_recap", args=[campaign.pk]),
            reverse("sanctions:list"),
            reverse("sanctions:detail", args=[case.pk]),
        ],
        asn: [reverse("pledges:asn_home"), reverse("pledges:signed", args=[signature.code])],
    }
    page.set_viewport_size({"width": WIDTH, "height": 800})
    for user, urls in pages.items():
        session = login(user).cookies["sessionid"].value
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        for url in urls:
            page.goto(live_server.url + url)
            measured = overflow(page)
            assert measured["found"], url
            wide = page.evaluate(WIDER_THAN, WIDTH)
            assert measured["page"] <= WIDTH, (url, measured, wide)
            assert measured["widest"] <= WIDTH, (url, measured)
