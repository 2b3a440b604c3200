"""Account services: activation by emailed link or printed code, and account mail delivery.

Employees come from the roster without a login. An admin of the BKD either emails them a
one-time activation link or prints letters carrying a one-time code; either way the employee
chooses their own password and the portal never knows or sends one.
"""

from __future__ import annotations

import logging
import smtplib
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import now
from django_tasks import task

from . import codes
from . import nip as nip_mod
from .audit import record
from .models import ActivationCode, Employee, EmployeeQuerySet, Instansi, Unit, User

logger = logging.getLogger(__name__)

CODE_LENGTH = 10
CODE_VALIDITY = timedelta(days=30)


class ActivationError(Exception):
    """The NIP and code do not open an activation (unknown, wrong, used, expired or revoked)."""


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for activation links, distinct from password-reset tokens.

    The token hashes the current password, so it stops working once the employee has set one.
    """

    key_salt = "portal.accounts.ActivationTokenGenerator"


activation_token_generator = ActivationTokenGenerator()


def activation_candidates(instansi: Instansi, unit: Unit | None = None) -> EmployeeQuerySet:
    employees = Employee.objects.filter(instansi=instansi).active().without_active_account()
    return employees.in_unit(unit) if unit is not None else employees


def ensure_account(employee: Employee) -> User | None:
    """The employee's login, created with an unusable password when missing.

    Returns None when the NIP is already taken as the user name of another account: an admin
    has to resolve that by hand rather than the portal merging two identities.
    """
    user = User.objects.filter(employee=employee).first()
    if user is not None:
        return user
    if User.objects.filter(username=employee.nip).exists():
        logger.warning("User name %s is taken by an account not linked to it", employee.nip)
        return None
    user = User(username=employee.nip, employee=employee, email=employee.email)
    user.set_unusable_password()
    user.save()
    return user


# --- Activation by email -------------------------------------------------------------------


def send_activation_emails(
    *, actor: User, instansi: Instansi, unit: Unit | None = None, request=None
) -> int:
    """Queue activation emails for every employee with an email and no active account.

    Returns how many employees the batch addresses. Accounts are created and mail is sent in a
    background task, so a click for thousands of employees returns at once.
    """
    with transaction.atomic():
        count = activation_candidates(instansi, unit).exclude(email="").count()
        record(
            "account.activation_emails",
            actor=actor,
            instansi=instansi,
            target=unit or instansi,
            request=request,
            employees=count,
        )
        if count:
            transaction.on_commit(
                lambda: send_activation_emails_task.enqueue(
                    instansi_id=instansi.pk,
                    unit_id=unit.pk if unit else None,
                    actor_id=actor.pk,
                )
            )
    return count


@task()
def send_activation_emails_task(*, instansi_id: int, unit_id: int | None, actor_id: int) -> dict:
    instansi = Instansi.objects.get(pk=instansi_id)
    unit = Unit.objects.get(pk=unit_id) if unit_id else None
    # The ids are read up front because the loop creates users, which changes the very rows
    # the candidate query joins; SQLite gives no isolation between cursors on one connection.
    pks = list(
        activation_candidates(instansi, unit)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = skipped = failed = 0
    with mail.get_connection() as connection:
        for employee in _in_chunks(pks):
            user = ensure_account(employee)
            if user is None:
                skipped += 1
                continue
            try:
                activation_message(user, employee, connection=connection).send()
            except (smtplib.SMTPException, OSError):
                # One bad address or a dropped connection must not stop the batch; the count
                # is shown to the admin, who can send again to whoever is still inactive.
                logger.exception("Activation email to %s failed", employee.nip)
                failed += 1
            else:
                sent += 1
    record(
        "account.activation_emails_done",
        actor=User.objects.get(pk=actor_id),
        instansi=instansi,
        target=unit or instansi,
        sent=sent,
        skipped=skipped,
        failed=failed,
    )
    return {"sent": sent, "skipped": skipped, "failed": failed}


def _in_chunks(pks: list[int], size: int = 500):
    for start in range(0, len(pks), size):
        yield from Employee.objects.filter(pk__in=pks[start : start + size]).select_related(
            "instansi"
        )


def activation_link(user: User) -> str:
    path = reverse(
        "accounts:activate_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def activation_message(
    user: User, employee: Employee, *, connection=None
) -> mail.EmailMultiAlternatives:
    context = {
        "employee": employee,
        "link": activation_link(user),
        "site_url": settings.SITE_URL,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    return templated_email("emails/activation", context, [employee.email], connection=connection)


def send_official_activation(user: User) -> None:
    """A regional head's or deputy's activation link, rendered now and sent by a task."""
    official = user.official
    message = templated_email(
        "emails/official_activation",
        {"official": official, "username": user.username, "link": activation_link(user),
         "site_url": settings.SITE_URL,
         "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        [official.email],
    )  # fmt: skip
    html = message.alternatives[0][0] if message.alternatives else ""
    send_email_task.enqueue(subject=message.subject, text=message.body, html=html,
                            to=message.to)  # fmt: skip


def templated_email(
    prefix: str, context: dict, to: list[str], *, connection=None
) -> mail.EmailMultiAlternatives:
    """An email from the `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` triplet."""
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    message = mail.EmailMultiAlternatives(
        subject, render_to_string(f"{prefix}.txt", context), to=to, connection=connection
    )
    message.attach_alternative(render_to_string(f"{prefix}.html", context), "text/html")
    return message


@task()
def send_email_task(*, subject: str, text: str, html: str, to: list[str]) -> None:
    """Deliver an already rendered email outside the request (password reset)."""
    message = mail.EmailMultiAlternatives(subject, text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


# --- Password reset ------------------------------------------------------------------------


@task()
def send_password_reset_task(*, email: str, use_https: bool) -> int:
    """Mail a reset link to every active account with this address. With none, the same
    message is still rendered (and not sent), so that even where tasks run inside the request
    (development) a known and an unknown address cost the same."""
    users = reset_candidates(email)
    for user in users or [_stand_in(email)]:
        message = templated_email("emails/password_reset", reset_context(user), [user.email])
        if users:
            message.send()
    return len(users)


def reset_candidates(email: str) -> list[User]:
    """Active accounts with this address and a password to reset (as Django's reset form
    decides), without employees the roster marks inactive; one query either way."""
    users = User.objects.filter(email__iexact=email, is_active=True).select_related("employee")
    return [
        user
        for user in users
        if user.has_usable_password()
        and _same_email(email, user.email)
        and (user.employee is None or user.employee.is_active)
    ]


def _same_email(a: str, b: str) -> bool:
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


def reset_context(user: User) -> dict:
    return {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }


def _stand_in(email: str) -> User:
    user = User(pk=0, username=email, email=email)
    user.set_unusable_password()
    return user


# --- Activation by printed code ------------------------------------------------------------


def new_code() -> str:
    return codes.new_code(CODE_LENGTH)


def normalize_code(code: str) -> str:
    return codes.normalize(code)


def format_code(code: str) -> str:
    return codes.grouped(code, CODE_LENGTH // 2)


def hash_code(code: str) -> str:
    # Codes carry ~50 bits of randomness and guessing is throttled, so a keyed fast hash is
    # enough; a slow password hash would make printing thousands of letters take minutes.
    return salted_hmac(
        "portal.accounts.activation_code", normalize_code(code), algorithm="sha256"
    ).hexdigest()


def issue_activation_codes(
    *, actor: User, instansi: Instansi, unit: Unit | None = None, request=None
) -> list[tuple[Employee, str]]:
    """New one-time codes for every employee without email and without an active account.

    Codes printed earlier for the same employees stop working. Returns (employee, plain code)
    pairs for the letters; the plain codes are not kept anywhere.
    """
    with transaction.atomic():
        candidates = activation_candidates(instansi, unit).filter(email="")
        timestamp = now()
        ActivationCode.objects.filter(
            employee__in=candidates.values("pk"), used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timestamp)
        employees = list(candidates.select_related("unit").order_by("unit__name", "name"))
        letters = [(employee, new_code()) for employee in employees]
        ActivationCode.objects.bulk_create(
            ActivationCode(
                employee=employee,
                code_hash=hash_code(code),
                expires_at=timestamp + CODE_VALIDITY,
                created_by=actor,
            )
            for employee, code in letters
        )
        record(
            "account.activation_letters",
            actor=actor,
            instansi=instansi,
            target=unit or instansi,
            request=request,
            employees=len(letters),
        )
    return [(employee, format_code(code)) for employee, code in letters]


def find_activation_code(nip: str, code: str, *, lock: bool = False) -> ActivationCode | None:
    digest = hash_code(code)
    codes = ActivationCode.objects.usable().filter(
        employee__nip=nip_mod.normalize(nip), employee__is_active=True
    )
    if lock:
        codes = codes.select_for_update(of=("self",))
    for candidate in codes.select_related("employee"):
        if constant_time_compare(candidate.code_hash, digest):
            return candidate
    return None


def activate_with_code(*, nip: str, code: str, password: str, request=None) -> User:
    """Set the password of the employee the code was printed for and spend the code."""
    with transaction.atomic():
        activation = find_activation_code(nip, code, lock=True)
        if activation is None:
            raise ActivationError
        user = ensure_account(activation.employee)
        if user is None or user.has_usable_password():
            raise ActivationError
        activation.used_at = now()
        activation.save(update_fields=["used_at"])
        _set_first_password(user, password, method="code", request=request)
    return user


def activate_with_link(*, user: User, password: str, request=None) -> User:
    """Set the first password of a user who followed a valid emailed activation link."""
    with transaction.atomic():
        _set_first_password(user, password, method="email", request=request)
    return user


def _set_first_password(user: User, password: str, *, method: str, request) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    employee = user.employee
    record(
        "account.activate",
        actor=user,
        instansi=employee.instansi_id if employee else user.instansi_id,
        target=employee or user,
        request=request,
        method=method,
    )
