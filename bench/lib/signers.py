"""The ASN who sign in bench/load_signing.py (and, through it, bench/signing_instructions.py):
seeded employees with users, their sessions, signature images, their HTTP flows, and the
database check after a signing run."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import time
from base64 import b64encode
from collections import Counter
from dataclasses import dataclass, field

from lib.django_setup import AUTH_BACKEND
from lib.http import Http, csrf_token
from lib.load import Phase
from lib.procs import manage

PASSWORD = "bench-sandi-ikrar-2024"
UNITS_PER_INSTANSI = 10
RESERVE = 400  # employees beyond --employees, for warm-up and the profiles
SIGNED_RE = re.compile(r"/ikrar/tercatat/([0-9A-Z]{16})/(?:\?tercatat=1)?")


@dataclass
class Account:
    index: int
    nip: str
    user_id: int
    instansi_code: str
    campaign_pk: int
    ip: str
    session_key: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    data_url: str = ""
    code: str = ""
    step: str = ""


def visitor_ip(n: int) -> str:
    """A distinct public-looking address per virtual user (TEST-NET-3 and 198.18/15 space)."""
    return f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}"


def signature_png(n: int) -> bytes:
    """tests.pledges_helpers.drawn_png's pad and stroke, the stroke moved for employee n."""
    from PIL import Image, ImageDraw

    rng = random.Random(n)
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    points = [(40, 150), (120, 40), (200, 160), (300, 60), (420, 140)]
    points = [(x + rng.randint(-25, 25), y + rng.randint(-25, 25)) for x, y in points]
    points.append((480 + n % 97, 60 + n % 89))
    ImageDraw.Draw(image).line(points, fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + b64encode(png).decode()


def seed(instansi_count: int, employees: int) -> tuple[list[Account], float]:
    """Instansi, units, employees with users sharing one real password hash, open campaigns;
    the accounts and the seconds it took."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from pledges.models import IKRAR_POINTS, Campaign
    from portal import demo
    from portal import nip as nip_mod
    from portal.models import Employee, Instansi, Unit, User

    start = time.perf_counter()
    password_hash = make_password(PASSWORD)  # the default hasher, once
    nips = demo.NipFactory(random.Random(2024))
    accounts: list[Account] = []
    with transaction.atomic():
        regions = []
        for k in range(instansi_count):
            region = Instansi.objects.create(
                code=f"bench-{k + 1:02d}", kind=Instansi.Kind.KABUPATEN,
                name=f"Pemerintah Kabupaten Uji {k + 1}", place_name=f"Kota Uji {k + 1}",
                time_zone="Asia/Jakarta", head_title="Bupati",
            )  # fmt: skip
            units = Unit.objects.bulk_create(
                Unit(instansi=region, kind=Unit.Kind.DINAS, name=f"Dinas Uji {u + 1}")
                for u in range(UNITS_PER_INSTANSI)
            )
            today = timezone.localdate(timezone=region.tz)
            campaign = Campaign.objects.create(
                instansi=region, title="Pemilu dan Pemilihan Tahun 2024",
                opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
                ikrar_points=list(IKRAR_POINTS),
            )  # fmt: skip
            regions.append((region, units, campaign))
        rows = []
        for i in range(employees):
            region, units, _campaign = regions[i % instansi_count]
            pppk = i % 4 == 3
            nip = nips.make(pppk=pppk)
            rows.append(Employee(
                instansi=region, unit=units[i // instansi_count % UNITS_PER_INSTANSI], nip=nip,
                kind=nip_mod.parse(nip).kind, name=f"Pegawai Uji {i + 1:05d}",
                golongan="IX" if pppk else "III/a", jabatan="Guru Ahli Pertama",
                jabatan_category=Employee.JabatanCategory.FUNGSIONAL,
            ))  # fmt: skip
        rows = Employee.objects.bulk_create(rows, batch_size=2000)
        users = User.objects.bulk_create(
            (User(username=e.nip, password=password_hash, employee=e) for e in rows),
            batch_size=2000,
        )
        for i, (employee, user) in enumerate(zip(rows, users, strict=True)):
            region, _units, campaign = regions[i % instansi_count]
            accounts.append(
                Account(i, employee.nip, user.pk, region.code, campaign.pk, visitor_ip(i))
            )
    return accounts, time.perf_counter() - start


def make_sessions(accounts: list[Account]) -> None:
    """What a login over HTTP leaves behind, in bulk: the session row, its copy in the shared
    cache (the cached_db engine writes both) and the user's copy (portal.session_user)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends import cached_db
    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from portal.backends import UserBackend
    from portal.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=[a.user_id for a in accounts])}
    store = cached_db.SessionStore()
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows, cached = [], {}
    for account in accounts:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {SESSION_KEY: str(account.user_id), BACKEND_SESSION_KEY: AUTH_BACKEND,
                HASH_SESSION_KEY: users[account.user_id].get_session_auth_hash()}  # fmt: skip
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        cached[store.cache_key_prefix + key] = data
        account.session_key = key
        account.cookies = {settings.SESSION_COOKIE_NAME: key}
    Session.objects.bulk_create(rows, batch_size=2000)
    if cached_db.__name__ == settings.SESSION_ENGINE:
        caches[settings.SESSION_CACHE_ALIAS].set_many(cached, settings.SESSION_COOKIE_AGE)
    backend = UserBackend()
    for pk in users:  # the copy the login makes (portal.session_user)
        backend.get_user(pk)


def login_action(http: Http):
    """GET /masuk/, then POST it with the NIP and the password: a 302 to / with a session."""

    async def action(account: Account, phase: Phase) -> bool:
        account.step = "GET /masuk/"
        seconds, reply = await http.request(account.cookies, account.ip, "GET", "/masuk/")
        phase.record(account.step, seconds, reply, reply.status == 200)
        if reply.status != 200:
            return False
        form = {"username": account.nip, "password": PASSWORD, "next": "",
                "csrfmiddlewaretoken": csrf_token(reply.body)}  # fmt: skip
        account.step = "POST /masuk/"
        seconds, reply = await http.request(account.cookies, account.ip, "POST", "/masuk/", form)
        good = (reply.status == 302 and reply.header("location") == "/"
                and "sessionid" in account.cookies)  # fmt: skip
        phase.record(account.step, seconds, reply, good)
        return good

    return action


def sign_action(http: Http, points: int):
    """GET /ikrar/<pk>/, then POST the points and the drawn signature: a 302 to the receipt."""

    async def action(account: Account, phase: Phase) -> bool:
        path = f"/ikrar/{account.campaign_pk}/"
        account.step = "GET /ikrar/<pk>/"
        seconds, reply = await http.request(account.cookies, account.ip, "GET", path)
        phase.record(account.step, seconds, reply, reply.status == 200)
        if reply.status != 200:
            return False
        form = {f"point_{i}": "on" for i in range(1, points + 1)}
        form.update(method="drawn", signature=account.data_url, typed_name="",
                    csrfmiddlewaretoken=csrf_token(reply.body))  # fmt: skip
        account.step = "POST /ikrar/<pk>/"
        seconds, reply = await http.request(account.cookies, account.ip, "POST", path, form)
        found = SIGNED_RE.fullmatch(reply.header("location"))
        good = reply.status == 302 and found is not None
        phase.record(account.step, seconds, reply, good)
        if good:
            account.code = found.group(1)
        return good

    return action


def trivial_action(http: Http, path: str = "/sehat/hidup/"):
    """One GET of the trivial view (no query, no template) with the account's session: the
    middleware stack alone, what a signing's cost is compared with."""

    async def action(account: Account, phase: Phase) -> bool:
        account.step = f"GET {path}"
        seconds, reply = await http.request(account.cookies, account.ip, "GET", path)
        phase.record(account.step, seconds, reply, reply.status == 200)
        return reply.status == 200

    return action


def check_database(env: dict[str, str], accounts: list[Account], warm: list[Account]) -> dict:
    """Every 302 has exactly its one signature, no employee two valid ones, every image its own
    hash, every signature a queued render task, and verify_chain passes."""
    from django_tasks_db.models import DBTaskResult

    from pledges.models import Signature

    signed = {a.nip: a.code for a in accounts if a.code}
    rows = list(
        Signature.objects.filter(kind=Signature.Kind.IKRAR).values_list(
            "employee__nip", "code", "status", "image_sha256"
        )
    )
    per_employee = Counter(nip for nip, *_ in rows)
    valid = Counter(nip for nip, _c, status, _h in rows if status in Signature.VALID_STATUSES)
    codes = {nip: code for nip, code, *_ in rows}
    exactly_one = sum(1 for nip, code in signed.items()
                      if per_employee[nip] == 1 and codes[nip] == code)  # fmt: skip
    two_valid = sum(1 for n in valid.values() if n > 1)
    # A POST whose answer was lost (connection reset under overload) may still have signed: the
    # signature is kept and signing again shows its receipt. Counted apart, not as unexpected.
    unanswered = {a.nip for a in accounts if not a.code and a.step == "POST /ikrar/<pk>/"}
    answer_lost = sum(1 for nip in per_employee if nip not in signed and nip in unanswered)
    unexpected = sum(1 for nip in per_employee if nip not in signed and nip not in unanswered)
    hashes = len({h for *_x, h in rows})
    # Queued, or already done by a db_worker running alongside (bench/apel.py, load_signing's
    # phase with a worker): either way every signature has its task, and none failed.
    queued = DBTaskResult.objects.filter(
        task_path__endswith="render_certificate", status__in=["READY", "RUNNING", "SUCCESSFUL"]
    ).count()
    chain = manage("verify_chain", env=env, check=False, capture=True)
    chain_lines = [line for line in chain.stdout.splitlines() if line.strip()]
    # A warning (no checkpoint outside the database yet: a fresh database has none) is not a
    # failure; every chain must say OK.
    chain_lines = [line for line in chain_lines if not line.startswith("PERINGATAN")]
    chain_ok = chain.returncode == 0 and all(line.startswith("OK") for line in chain_lines)
    ok = (exactly_one == len(signed) and two_valid == 0 and unexpected == 0
          and hashes == len(rows) and queued == len(rows) and chain_ok)  # fmt: skip
    chain_text = (
        "; ".join(chain_lines)
        if chain_ok
        else f"FAILED (exit {chain.returncode}): {chain.stdout.strip()} {chain.stderr.strip()}"
    )
    summary = (
        f"{'PASS' if ok else 'FAIL'}: {len(signed):,} employees got the 302 ({len(warm)} of them "
        f"warm-up), {exactly_one:,} of them have exactly one signature with the redirect's code; "
        f"{two_valid} employees with two valid signatures; {unexpected} signatures of employees "
        f"without a 302 (besides {answer_lost} whose POST got no answer, the signature kept); "
        f"{len(rows):,} signatures, {hashes:,} distinct image hashes, "
        f"{queued:,} render_certificate tasks queued or done; `manage.py verify_chain`: "
        f"{chain_text}"
    )
    return {"ok": ok, "summary": summary, "signatures": len(rows)}
