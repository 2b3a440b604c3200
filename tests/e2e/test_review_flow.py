"""A BKD admin returns an ASN's signature with a reason; the ASN is mailed and signs again."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from pledges.models import ReviewEvent, Signature
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Tanda tangan terpotong, mohon ulangi."


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def log_out(page: Page, display_name: str) -> None:
    page.get_by_role("button", name=display_name, exact=True).click()
    page.get_by_role("button", name="Keluar", exact=True).click()


def test_the_bkd_returns_a_signature_and_the_asn_signs_again(live_server, page: Page, instansi,
                                                              employee, asn_user,
                                                              bkd_user):  # fmt: skip
    base = live_server.url
    campaign = make_campaign(instansi)
    first = make_signature(employee, campaign)
    mail.outbox.clear()
    page.set_viewport_size({"width": 1280, "height": 900})

    # (1) The BKD admin returns the signature from the review queue.
    log_in(page, base, bkd_user.username)
    nav = open_menu(page, "Ikrar & pakta")
    nav.get_by_role("link", name="Telaah", exact=True).click()
    expect(page).to_have_url(f"{base}/telaah/")
    name_link = page.locator("table tbody").get_by_role("link", name=employee.name, exact=True)
    expect(name_link).to_be_visible()
    name_link.click()

    page.get_by_label("Alasan (wajib untuk mengembalikan atau mencabut)").fill(REASON)
    page.get_by_role("button", name="Kembalikan untuk ditandatangani ulang").click()
    expect(page.get_by_role("status").filter(has_text="Keputusan dicatat")).to_be_visible()

    first.refresh_from_db()
    assert first.status == Signature.Status.RETURNED == "dikembalikan"
    event = ReviewEvent.objects.get(signature=first)
    assert event.action == ReviewEvent.Action.RETURN == "kembalikan"
    assert event.reason == REASON
    assert event.actor == bkd_user

    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == ["maria.bere@example.go.id"]
    assert REASON in message.body

    # (2) The ASN logs in and signs again with a typed name.
    log_out(page, bkd_user.display_name)
    expect(page).to_have_url(f"{base}/masuk/")
    log_in(page, base, asn_user.username)
    card = page.locator(".card").filter(has_text=campaign.title)
    expect(card).to_be_visible()
    card.get_by_role("link", name="Tanda tangani ulang", exact=True).click()

    points = page.locator("input[type=checkbox][name^=point_]")
    expect(points).to_have_count(4)
    for n in range(1, 5):
        page.locator(f"input[name=point_{n}]").check()
    page.get_by_role("radio", name="Ketik nama lengkap", exact=True).check()
    page.get_by_label("Ketik nama lengkap Anda", exact=True).fill(employee.name)
    page.get_by_role("button", name="Tanda tangani ikrar").click()

    expect(page.get_by_text("Terima kasih. Ikrar Anda telah tercatat.")).to_be_visible()
    signatures = Signature.objects.filter(employee=employee, kind=Signature.Kind.IKRAR)
    assert signatures.count() == 2
    valid = signatures.valid()
    assert valid.count() == 1
    again = valid.get()
    assert again.pk != first.pk
    assert again.status == Signature.Status.PENDING == "menunggu"
    assert again.method == Signature.Method.TYPED
    assert again.typed_name == employee.name
