"""Password change and reset, account activation by email and by letter, login throttling."""

import email
import re
import socket
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import accounts, limits
from portal.models import ActivationCode, AuditEvent, User
from tests.conftest import PASSWORD, login, make_employee, make_unit, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ikrar-Netral-2024!"
LINK = re.compile(r"http://testserver(/\S+)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache, which outlives each test's transaction.
    cache.clear()
    yield
    cache.clear()


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def set_password_via(client: Client, link: str, password: str = NEW_PASSWORD):
    response = client.get(link)
    assert response.status_code == 302
    form_url = response.url
    assert form_url.endswith("/set-password/")
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


# --- Password change ------------------------------------------------------------------------


def test_it_changes_the_password_after_checking_the_old_one(asn_user):
    client = login(asn_user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    wrong = client.post(
        url,
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]

    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    asn_user.refresh_from_db()
    assert asn_user.check_password(NEW_PASSWORD)
    assert client.get(response.url).status_code == 200


def test_it_sends_anonymous_visitors_of_password_change_to_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_offers_password_change_in_the_user_menu(asn_user):
    response = login(asn_user).get(reverse("home"))
    assert reverse("accounts:password_change") in response.content.decode()


def test_it_links_reset_and_activation_from_the_login_page(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("accounts:password_reset") in page
    assert reverse("accounts:activate") in page


# --- Password reset -------------------------------------------------------------------------


def test_it_emails_a_working_reset_link(client, asn_user):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "Maria.Bere@example.go.id"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria.bere@example.go.id"]
    assert "kata sandi" in message.subject.lower()
    assert asn_user.username in message.body
    html = message.alternatives[0][0]
    link = link_in(message)
    assert link in html

    done = set_password_via(client, link)
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    asn_user.refresh_from_db()
    assert asn_user.check_password(NEW_PASSWORD)
    # The link is single-use: the token hashes the old password.
    assert client.get(link).context["validlink"] is False


def test_it_answers_unknown_emails_exactly_like_known_ones(client, asn_user):
    known = client.post(reverse("accounts:password_reset"), {"email": asn_user.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "siapa@example.go.id"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1


def test_it_sends_no_reset_mail_to_accounts_awaiting_activation(client, unit):
    employee = make_employee(unit, "Belum Aktif", email="belum@example.go.id")
    accounts.ensure_account(employee)
    client.post(reverse("accounts:password_reset"), {"email": "belum@example.go.id"})
    assert mail.outbox == []


def test_it_limits_reset_requests_per_email(asn_user):
    url = reverse("accounts:password_reset")
    for i in range(5):
        response = Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(url, {"email": asn_user.email})
        assert response.status_code == 302
    limited = Client(REMOTE_ADDR="10.0.0.99").post(url, {"email": asn_user.email.upper()})
    assert limited.status_code == 429
    assert len(mail.outbox) == 5


def test_it_limits_reset_requests_per_address(client, asn_user):
    url = reverse("accounts:password_reset")
    for i in range(int(limits.RESET_REQUESTS_PER_ADDRESS.split("/")[0])):
        assert client.post(url, {"email": f"orang{i}@example.go.id"}).status_code == 302
    assert client.post(url, {"email": asn_user.email}).status_code == 429
    assert mail.outbox == []
    other_address = Client(REMOTE_ADDR="10.1.1.1").post(url, {"email": asn_user.email})
    assert other_address.status_code == 302
    assert len(mail.outbox) == 1


def test_it_lifts_the_reset_limit_after_an_hour(client, asn_user):
    url = reverse("accounts:password_reset")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            client.post(url, {"email": asn_user.email})
        assert client.post(url, {"email": asn_user.email}).status_code == 429
        traveller.shift(timedelta(hours=1, minutes=1))
        assert client.post(url, {"email": asn_user.email}).status_code == 302


# --- Activation by email --------------------------------------------------------------------


@pytest.fixture
def roster(unit, instansi, other_instansi):
    """Employees in every activation state; only `waiting` and `pending` should get mail."""
    other_unit = make_unit(instansi, "Badan Kepegawaian dan Pengembangan SDM")
    waiting = make_employee(unit, "Agnes Hoar", email="agnes@example.go.id")
    pending = make_employee(other_unit, "Kornelis Mau", email="kornelis@example.go.id")
    accounts.ensure_account(pending)
    active = make_employee(unit, "Sudah Aktif", email="aktif@example.go.id")
    make_user(employee=active)
    no_email = make_employee(unit, "Tanpa Surel")
    retired = make_employee(unit, "Pensiun", email="pensiun@example.go.id", is_active=False)
    elsewhere = make_employee(make_unit(other_instansi, "Dinas Luar"), "Luar", email="l@x.id")
    return {
        "waiting": waiting,
        "pending": pending,
        "active": active,
        "no_email": no_email,
        "retired": retired,
        "elsewhere": elsewhere,
        "other_unit": other_unit,
    }


def test_it_counts_employees_awaiting_activation(bkd_user, roster):
    response = login(bkd_user).get(reverse("accounts:activation"))
    assert response.status_code == 200
    assert response.context["totals"] == {"with_email": 2, "without_email": 1}
    unit_response = login(bkd_user).get(
        reverse("accounts:activation"), {"unit": roster["other_unit"].pk}
    )
    assert unit_response.context["totals"] == {"with_email": 1, "without_email": 0}


def test_it_emails_activation_links_in_a_background_task(
    bkd_user, roster, django_capture_on_commit_callbacks
):
    client = login(bkd_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("accounts:activation_send"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:activation")
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["agnes@example.go.id", "kornelis@example.go.id"]

    waiting = roster["waiting"]
    user = User.objects.get(employee=waiting)
    assert user.username == waiting.nip
    assert user.email == waiting.email
    assert not user.has_usable_password()
    assert not User.objects.filter(employee__in=[roster["no_email"], roster["retired"]]).exists()

    message = next(m for m in mail.outbox if m.to == [waiting.email])
    assert "Aktivasi" in message.subject
    assert waiting.name in message.body
    assert waiting.nip_display in message.body
    assert link_in(message) in message.alternatives[0][0]

    actions = list(AuditEvent.objects.filter(instansi=bkd_user.instansi).values_list("action"))
    assert ("account.activation_emails",) in actions
    done = AuditEvent.objects.get(action="account.activation_emails_done")
    assert done.actor == bkd_user
    assert done.detail == {"sent": 2, "skipped": 0, "failed": 0}


def test_it_activates_an_account_from_the_emailed_link(
    bkd_user, roster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(bkd_user).post(reverse("accounts:activation_send"))
    waiting = roster["waiting"]
    link = link_in(next(m for m in mail.outbox if m.to == [waiting.email]))

    client = Client()
    response = set_password_via(client, link)
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(employee=waiting)
    assert logged_in_user_id(client) == user.pk
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="account.activate", actor=user)
    assert (event.instansi_id, event.detail) == (waiting.instansi_id, {"method": "email"})

    assert Client().get(link).context["validlink"] is False
    assert Client().post(reverse("login"), {"username": waiting.nip, "password": NEW_PASSWORD})[
        "Location"
    ] == reverse("home")


def test_it_keeps_reset_and_activation_tokens_apart(unit):
    user = accounts.ensure_account(make_employee(unit, "Agnes Hoar", email="a@example.go.id"))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset_token = default_token_generator.make_token(user)
    activation_url = reverse("accounts:activate_confirm", args=[uid, reset_token])
    assert Client().get(activation_url).context["validlink"] is False
    activation_token = accounts.activation_token_generator.make_token(user)
    reset_url = reverse("accounts:password_reset_confirm", args=[uid, activation_token])
    assert Client().get(reset_url).context["validlink"] is False


def test_it_refuses_a_weak_password_on_the_activation_link(
    bkd_user, roster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(bkd_user).post(reverse("accounts:activation_send"))
    waiting = roster["waiting"]
    link = link_in(next(m for m in mail.outbox if m.to == [waiting.email]))
    response = set_password_via(Client(), link, password=waiting.nip)
    assert response.status_code == 200
    assert not User.objects.get(employee=waiting).has_usable_password()


def test_it_emails_only_the_chosen_unit(bkd_user, roster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(bkd_user).post(
            reverse("accounts:activation_send"), {"unit": roster["other_unit"].pk}
        )
    assert response.url == f"{reverse('accounts:activation')}?unit={roster['other_unit'].pk}"
    assert [m.to for m in mail.outbox] == [["kornelis@example.go.id"]]


def test_it_skips_an_employee_whose_nip_is_taken_by_another_account(
    bkd_user, unit, django_capture_on_commit_callbacks
):
    employee = make_employee(unit, "Nama Kembar", email="kembar@example.go.id")
    make_user(employee.nip)
    with django_capture_on_commit_callbacks(execute=True):
        login(bkd_user).post(reverse("accounts:activation_send"))
    assert mail.outbox == []
    done = AuditEvent.objects.get(action="account.activation_emails_done")
    assert done.detail == {"sent": 0, "skipped": 1, "failed": 0}


def test_it_sends_nothing_when_nobody_waits(bkd_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(bkd_user).post(reverse("accounts:activation_send"))
    assert response.status_code == 302
    assert callbacks == []
    assert mail.outbox == []


class Collector:
    def __init__(self, refuse: str = ""):
        self.envelopes = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""


def test_it_delivers_activation_mail_through_a_real_smtp_server(
    settings, bkd_user, unit, django_capture_on_commit_callbacks
):
    employee = make_employee(unit, "Agnes Hoar", email="agnes@example.go.id")
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            login(bkd_user).post(reverse("accounts:activation_send"))
    finally:
        controller.stop()

    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.rcpt_tos == ["agnes@example.go.id"]
    received = email.message_from_bytes(envelope.content)
    assert received["To"] == "agnes@example.go.id"
    text = next(p for p in received.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    assert employee.nip_display in body
    link = LINK.search(body).group(1)
    assert set_password_via(Client(), link).url == reverse("home")


def test_it_counts_refused_addresses_and_mails_the_rest(
    settings, bkd_user, unit, django_capture_on_commit_callbacks
):
    make_employee(unit, "Agnes Hoar", email="agnes@example.go.id")
    make_employee(unit, "Alamat Salah", email="salah@example.go.id")
    handler = Collector(refuse="salah@example.go.id")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            login(bkd_user).post(reverse("accounts:activation_send"))
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in handler.envelopes] == [["agnes@example.go.id"]]
    done = AuditEvent.objects.get(action="account.activation_emails_done")
    assert done.detail == {"sent": 1, "skipped": 0, "failed": 1}
    page = login(bkd_user).get(reverse("accounts:activation")).content.decode()
    assert "1 terkirim, 1 gagal" in page


def test_it_lists_units_without_a_query_per_unit(bkd_user, instansi, django_assert_max_num_queries):
    for i in range(8):
        unit = make_unit(instansi, f"Unit {i}")
        make_employee(unit, f"Pegawai {i}", email=f"p{i}@example.go.id" if i % 2 else "")
    client = login(bkd_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:activation"))
    assert len(response.context["per_unit"]) == 8


# --- Activation by letter -------------------------------------------------------------------


def print_letters(user: User, **data) -> list[tuple]:
    response = login(user).post(reverse("accounts:activation_letters"), data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.context["letters"]


def activate(client: Client, nip: str, code: str, password: str = NEW_PASSWORD):
    return client.post(
        reverse("accounts:activate"),
        {"nip": nip, "code": code, "new_password1": password, "new_password2": password},
    )


def test_it_prints_one_letter_per_employee_without_email(bkd_user, roster):
    response = login(bkd_user).post(reverse("accounts:activation_letters"))
    assert response.status_code == 200
    letters = response.context["letters"]
    assert [employee for employee, _ in letters] == [roster["no_email"]]
    employee, code = letters[0]
    page = response.content.decode()
    assert employee.name in page
    assert employee.nip_display in page
    assert code in page
    assert "http://testserver/aktivasi/" in page
    assert page.count('<article class="activation-letter ') == 1

    stored = ActivationCode.objects.get(employee=employee)
    assert stored.code_hash == accounts.hash_code(code)
    assert accounts.normalize_code(code) not in stored.code_hash
    assert stored.created_by == bkd_user
    assert stored.expires_at > timezone.now() + timedelta(days=29)
    event = AuditEvent.objects.get(action="account.activation_letters")
    assert (event.actor, event.detail) == (bkd_user, {"employees": 1})


def test_it_activates_with_a_letter_code_once(bkd_user, roster):
    employee, code = print_letters(bkd_user)[0]
    client = Client()
    # Codes are typed from paper: spaces, lower case and a missing dash are forgiven.
    response = activate(client, employee.nip_display, code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(employee=employee)
    assert user.username == employee.nip
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client) == user.pk
    assert ActivationCode.objects.get(employee=employee).used_at is not None
    assert AuditEvent.objects.filter(action="account.activate", actor=user).exists()

    again = activate(Client(), employee.nip, code, password="Lain-Lagi-2024!")
    assert again.status_code == 200
    assert "tidak cocok" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_it_refuses_an_expired_code(bkd_user, roster):
    employee, code = print_letters(bkd_user)[0]
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = activate(Client(), employee.nip, code)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "invalid_code")
    assert not User.objects.filter(employee=employee).exists()


def test_it_voids_earlier_codes_when_letters_are_reprinted(bkd_user, roster):
    employee, first = print_letters(bkd_user)[0]
    _, second = print_letters(bkd_user)[0]
    assert first != second
    assert ActivationCode.objects.filter(employee=employee, revoked_at__isnull=False).count() == 1
    assert activate(Client(), employee.nip, first).status_code == 200
    assert activate(Client(), employee.nip, second).status_code == 302


def test_it_gives_one_message_for_every_wrong_nip_or_code(bkd_user, roster):
    employee, code = print_letters(bkd_user)[0]
    other = roster["waiting"]
    for nip, attempt in [(other.nip, code), ("199001012020121001", code), (employee.nip, "X")]:
        response = activate(Client(), nip, attempt)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            response.context["form"].error_messages["invalid_code"]
        ]
    assert not User.objects.filter(employee=employee).exists()


@pytest.mark.parametrize(
    ("nip", "code"), [("abc", "ÄÖÜ-ß"), ("1" * 40, "x" * 20), ("", ""), (" ", "\u0661" * 10)]
)
def test_it_answers_garbage_with_a_form_error(client, nip, code):
    response = activate(client, nip, code)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()


def test_it_keeps_the_code_when_the_passwords_differ(bkd_user, roster):
    employee, code = print_letters(bkd_user)[0]
    response = Client().post(
        reverse("accounts:activate"),
        {"nip": employee.nip, "code": code, "new_password1": NEW_PASSWORD, "new_password2": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert ActivationCode.objects.usable().filter(employee=employee).count() == 1


def test_it_throttles_failed_code_attempts_per_nip_from_anywhere(bkd_user, roster):
    employee, code = print_letters(bkd_user)[0]
    for i in range(int(limits.ACTIVATION_FAILURES_PER_NIP.split("/")[0])):
        wrong = activate(Client(REMOTE_ADDR=f"10.3.0.{i + 1}"), employee.nip, "SALAH-KODE1")
        assert wrong.status_code == 200
    assert activate(Client(REMOTE_ADDR="10.3.1.1"), employee.nip, code).status_code == 429


def test_it_throttles_failed_code_attempts_by_address_far_above_a_hall(
    bkd_user, roster, monkeypatch
):
    monkeypatch.setattr(limits, "ACTIVATION_FAILURES_PER_ADDRESS", "3/h")
    employee, code = print_letters(bkd_user)[0]
    client = Client()
    for i in range(3):
        assert activate(client, f"19900101202012100{i + 1}", "SALAH-KODE1").status_code == 200
    assert activate(client, employee.nip, code).status_code == 429
    assert activate(Client(REMOTE_ADDR="10.2.2.2"), employee.nip, code).status_code == 302


def test_it_says_so_when_no_letter_is_needed(bkd_user):
    response = login(bkd_user).post(reverse("accounts:activation_letters"))
    assert response.status_code == 302
    assert ActivationCode.objects.count() == 0


# --- Permission matrix ----------------------------------------------------------------------

ADMIN_VIEWS = [
    ("get", "accounts:activation"),
    ("post", "accounts:activation_send"),
    ("post", "accounts:activation_letters"),
]


@pytest.mark.parametrize(("method", "name"), ADMIN_VIEWS)
def test_it_sends_anonymous_admin_requests_to_login(client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name"), ADMIN_VIEWS)
@pytest.mark.parametrize(
    "persona", ["asn_user", "camat_user", "sekda_user", "inspektorat_user", "auditor_user"]
)
def test_it_forbids_activation_admin_to_other_roles(request, persona, method, name):
    user = request.getfixturevalue(persona)
    assert getattr(login(user), method)(reverse(name)).status_code == 403


@pytest.mark.parametrize(("method", "name"), ADMIN_VIEWS)
def test_it_hides_units_of_another_instansi(other_bkd_user, unit, method, name):
    make_employee(unit, "Tanpa Surel")
    response = getattr(login(other_bkd_user), method)(reverse(name), {"unit": unit.pk})
    assert response.status_code == 404
    assert ActivationCode.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("method", "name"), ADMIN_VIEWS)
def test_it_answers_404_to_a_malformed_unit(bkd_user, method, name):
    response = getattr(login(bkd_user), method)(reverse(name), {"unit": "abc"})
    assert response.status_code == 404


def test_it_serves_the_activation_page_to_bkd_and_links_it(bkd_user, unit):
    client = login(bkd_user)
    assert client.get(reverse("accounts:activation"), {"unit": unit.pk}).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert reverse("accounts:activation") in home


def test_it_refuses_get_on_the_admin_actions(bkd_user):
    client = login(bkd_user)
    assert client.get(reverse("accounts:activation_send")).status_code == 405
    assert client.get(reverse("accounts:activation_letters")).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
        reverse("accounts:password_reset_complete"),
        reverse("accounts:activate"),
        reverse("accounts:activate_confirm", args=["MQ", "bad-token"]),
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
    ],
)
def test_it_serves_public_account_pages_anonymously(client, url):
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["asn_user", "bkd_user", "auditor_user"])
def test_it_lets_every_user_change_their_password(request, persona):
    user = request.getfixturevalue(persona)
    client = login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


# --- Login throttling and audit ------------------------------------------------------------


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_locks_a_nip_after_five_failures_from_one_address(asn_user):
    client = Client()
    for _ in range(4):
        assert attempt(client, asn_user.username, "salah").status_code == 200
    assert attempt(client, asn_user.username, "salah").status_code == 429
    locked = attempt(client, asn_user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert SESSION_KEY not in client.session
    # The lock is on the NIP from that address, not on the NIP everywhere.
    assert attempt(Client(REMOTE_ADDR="10.3.3.3"), asn_user.username, PASSWORD).status_code == 302


def test_it_lifts_the_lock_after_the_cool_off(asn_user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        for _ in range(5):
            attempt(client, asn_user.username, "salah")
        traveller.shift(timedelta(minutes=29))
        assert attempt(client, asn_user.username, PASSWORD).status_code == 429
        # That attempt counted as one more failure, so the 30 minutes start again from it.
        traveller.shift(timedelta(minutes=29))
        assert attempt(client, asn_user.username, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=31))
        response = attempt(client, asn_user.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == asn_user.pk


def test_it_forgets_failures_after_a_successful_login(asn_user):
    client = Client()
    for _ in range(4):
        attempt(client, asn_user.username, "salah")
    assert attempt(client, asn_user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, asn_user.username, "salah").status_code == 200
    assert attempt(client, asn_user.username, PASSWORD).status_code == 302


def test_a_successful_login_is_logged_by_axes_in_few_queries(
    asn_user, django_assert_max_num_queries
):
    """The apel rush: axes' handler is trimmed (portal.axes_handler) to the access log row and
    an EXISTS for failures to forget; the rest is the lockout check, the user, the session."""
    from axes.models import AccessLog

    client = Client()
    client.get(reverse("login"))
    with django_assert_max_num_queries(13):  # savepoints included
        assert attempt(client, asn_user.username, PASSWORD).status_code == 302
    logged = AccessLog.objects.get()
    assert logged.username == asn_user.username and logged.ip_address == "127.0.0.1"


def test_the_login_form_marks_what_is_missing(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert '<label for="id_username" class="form-label requiredField">' in page
    assert 'aria-invalid="true" aria-describedby="error_id_username"' in page
    assert '<span id="error_id_password" class="invalid-feedback">' in page


def test_the_login_form_says_a_wrong_password_above_the_fields(asn_user, client):
    page = attempt(client, asn_user.username, "salah").content.decode()
    assert 'class="alert alert-block alert-danger" role="alert"' in page
    assert "kata sandi salah" in page
    assert f'value="{asn_user.username}"' in page and "is-invalid" not in page


@pytest.mark.parametrize("persona", ["bkd_user", "sekda_user", "inspektorat_user", "auditor_user"])
def test_it_audits_staff_logins(request, persona):
    user = request.getfixturevalue(persona)
    assert attempt(Client(), user.username, PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="account.login")
    assert event.actor == user
    assert event.instansi_id == user.instansi_id
    assert event.ip_address == "127.0.0.1"


def test_it_does_not_audit_asn_logins(asn_user):
    assert attempt(Client(), asn_user.username, PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(action="account.login").exists()


def test_a_reset_request_costs_the_same_for_a_known_and_an_unknown_address(asn_user):
    from django.db import connection
    from django.test.signals import template_rendered
    from django.test.utils import CaptureQueriesContext

    def work(email):
        rendered = []

        def seen(sender, template, **kwargs):
            rendered.append(template.name)

        template_rendered.connect(seen)
        try:
            with CaptureQueriesContext(connection) as queries:
                response = Client().post(reverse("accounts:password_reset"), {"email": email})
        finally:
            template_rendered.disconnect(seen)
        assert response.status_code == 302
        return sorted(rendered), len(queries)

    known = work(asn_user.email)
    unknown = work("tidak.terdaftar@example.go.id")
    assert known == unknown
    assert len(mail.outbox) == 1
