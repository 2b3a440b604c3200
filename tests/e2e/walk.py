"""Walk every page a role can reach, for the phone-width sweep and the screenshot gallery.

`seed()` builds the demo regions (`seed_demo`'s own code) and, in Belu, the records whose detail
pages no link of the demo reaches by itself: a signature under review and one returned, a signed
pakta, discipline cases at several stages, an open apel with signatures, a paper sheet with its
scan. `walk()` then starts at the home page (plus those detail pages) and follows same-origin
links, GET only: it never submits a form, and skips logout, file downloads and JSON. Pages are
told apart by their URL pattern (Django's resolver) and the names of their query parameters, so
a list with a hundred rows costs one visit, not a hundred; the seeded detail pages are always
visited. The walk knows no page by name, so pages added later are found as soon as a link leads
to them.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlparse

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}

# Links that end a session, download a file or answer with data rather than a page.
SKIP = re.compile(
    r"^/(keluar|bahasa|admin)/"
    r"|\.(pdf|csv|xlsx|zip|png|jpe?g|json|ico|svg|txt)$"
    r"|/berkas/$|/bukti/\d+/$|/pindaian/\d+/$|/kop-surat/logo$"
)


@dataclass
class Persona:
    key: str
    label: str
    username: str | None  # None: not logged in
    pages: list[str] = field(default_factory=list)  # seeded detail pages, besides home's links


def seed(*, staff_per_unit: int = 2) -> list[Persona]:
    """The demo data plus the Belu records that make every kind of page reachable."""
    from django.core.management import call_command

    call_command("seed_demo", staff_per_unit=staff_per_unit, stdout=io.StringIO())
    return _belu_extras()


def _belu_extras() -> list[Persona]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from pledges import services as pledges_services
    from pledges.models import Apel, Campaign, Signature
    from portal import accounts
    from portal.models import Employee, Instansi, Unit, User
    from sanctions import services as sanctions_services
    from sanctions.models import ReportingBody, Stage, ViolationType

    belu = Instansi.objects.get(code="belu")
    bkd = User.objects.get(username="bkd.belu")
    inspektorat = User.objects.get(username="inspektorat.belu")
    practice = Campaign.objects.filter(instansi=belu, opens_on__lte=timezone.localdate()).latest(
        "closes_on"
    )
    election = Campaign.objects.filter(instansi=belu).exclude(pk=practice.pk).latest("closes_on")
    rng = random.Random("walk")
    camat_unit = Unit.objects.filter(instansi=belu, kind=Unit.Kind.KECAMATAN).order_by("pk")[0]
    teacher = (
        Employee.objects.filter(instansi=belu, jabatan__startswith="Guru").order_by("pk").first()
    )

    # An ASN with a history: both campaigns signed, the practice one returned by BKD.
    signer = (
        Employee.objects.filter(instansi=belu, signatures__campaign=election)
        .filter(signatures__campaign=practice, signatures__kind="ikrar")
        .exclude(unit__head=None)
        .exclude(pk__in=User.objects.exclude(employee=None).values("employee"))
        .order_by("pk")
        .first()
    )
    signer_user, _ = User.objects.get_or_create(username=signer.nip, defaults={"employee": signer})
    signer_user.set_password(_password())
    signer_user.save()
    returned = Signature.objects.get(employee=signer, campaign=practice, kind="ikrar")
    pledges_services.review(
        signature=returned, action="kembalikan", actor=bkd,
        reason="Nama yang diketik tidak sama dengan nama di data kepegawaian.",
    )  # fmt: skip
    under_review = (
        Signature.objects.filter(campaign=practice, kind="ikrar")
        .exclude(pk=returned.pk)
        .order_by("pk")
        .first()
    )
    pakta = Signature.objects.filter(campaign=election, kind="pakta").order_by("pk").first()

    # A head of an OPD, besides the demo's camat.
    dinas = Unit.objects.get(instansi=belu, name="Dinas Pendidikan dan Kebudayaan")
    kadis, _ = User.objects.get_or_create(
        username=dinas.head.nip, defaults={"employee": dinas.head}
    )
    kadis.set_password(_password())
    kadis.save()

    # An apel open now for the camat's kecamatan, with a few signed during it.
    now = timezone.now()
    apel = Apel.objects.filter(campaign=practice).first() or pledges_services.save_apel(
        apel=Apel(instansi=belu, campaign=practice, place="Lapangan Umum Simpang Lima Atambua",
                  starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2)),
        units=[camat_unit], actor=bkd,
    )  # fmt: skip
    for employee in practice.unsigned_among(
        Employee.objects.filter(unit=camat_unit).exclude(pk=camat_unit.head_id)
    )[:2]:
        pledges_services.sign_ikrar(
            employee=employee, campaign=practice,
            data=pledges_services.SignatureInput(
                method="typed", typed_name=employee.name, confirmed_points=4,
                ip_address="10.0.0.1", user_agent="Mozilla/5.0 (Linux; Android 11) apel",
            ),
        )  # fmt: skip

    # A paper sheet for the Dinas Pendidikan, its scan recorded with one tick.
    sheet = pledges_services.print_paper_sheet(campaign=practice, unit=dinas, actor=bkd)
    ticked = [row[0] for row in sheet.rows if row[0] != teacher.pk][:1]
    if ticked:
        pledges_services.record_paper_signatures(
            sheet=sheet, upload=SimpleUploadedFile("lembar.pdf", b"%PDF-1.4\n% lembar\n"),
            signed_on=timezone.localdate(timezone=belu.tz), employee_ids=ticked, actor=bkd,
        )  # fmt: skip
    paper = Signature.objects.filter(campaign=practice, method="kertas").first()

    # Discipline cases: just received, under examination, decided.
    staff = list(
        Employee.objects.filter(instansi=belu, unit__kind=Unit.Kind.DINAS)
        .exclude(pk__in=[teacher.pk, signer.pk])
        .exclude(pk__in=Unit.objects.exclude(head=None).values("head"))
        .order_by("pk")[:3]
    )
    cases = []
    for employee, stages in zip(staff, [[], [Stage.SUMMONS_1, Stage.EXAMINATION],
                                        [Stage.SUMMONS_1, Stage.EXAMINATION,
                                         Stage.EXAMINATION_REPORT]], strict=True):  # fmt: skip
        received = timezone.localdate() - dt.timedelta(days=20)
        case = sanctions_services.create_case(
            employee=employee, actor=inspektorat,
            reporting_body=ReportingBody.objects.get(code="bawaslu"),
            source_reference=f"0{rng.randint(10, 99)}/Rek/Bawaslu-Belu/2024",
            received_on=received,
            description="Mengunggah foto bersama calon bupati dengan simbol jari di media sosial.",
            violations=[(ViolationType.objects.get(code="netral-kampanye"), "")],
        )  # fmt: skip
        for day, stage in enumerate(stages, start=1):
            extra = (
                {"examination_team": "Tim Pemeriksa Inspektorat"}
                if stage == Stage.EXAMINATION
                else {}
            )
            sanctions_services.transition(
                case=case, to_stage=stage, actor=inspektorat,
                occurred_on=received + dt.timedelta(days=day * 3), **extra,
            )  # fmt: skip
        cases.append(case)

    # Links only an email carries: account activation and password reset.
    fresh = (
        Employee.objects.filter(instansi=belu, user=None).exclude(email="").order_by("pk").first()
    )
    newcomer = accounts.ensure_account(fresh)
    uid = urlsafe_base64_encode(force_bytes(newcomer.pk))
    activation = reverse(
        "accounts:activate_confirm",
        args=[uid, accounts.activation_token_generator.make_token(newcomer)],
    )
    from django.contrib.auth.tokens import default_token_generator

    uid = urlsafe_base64_encode(force_bytes(signer_user.pk))
    reset = reverse(
        "accounts:password_reset_confirm",
        args=[uid, default_token_generator.make_token(signer_user)],
    )

    def url(name, *args):
        return reverse(name, args=args)

    review_pages = [url("pledges:review_detail", s.code) for s in (under_review, returned, paper)]
    campaign_pages = [url("pledges:campaign_edit", practice.pk),
                      url("pledges:dashboard", practice.pk), url("pledges:reminders", practice.pk),
                      url("pledges:pakta_recap", election.pk),
                      url("pledges:apel_list", practice.pk)]  # fmt: skip
    apel_pages = [url("pledges:apel", apel.pk), url("pledges:apel_screen", apel.pk)]
    paper_pages = [url("pledges:paper_start", practice.pk), url("pledges:paper_sheet", sheet.code)]
    case_pages = [url("sanctions:detail", c.pk) for c in reversed(cases)]  # furthest first
    head_pages = [url("pledges:unit_progress", practice.pk, camat_unit.pk),
                  url("pledges:sign_pakta", practice.pk, camat_unit.pk)]  # fmt: skip
    verify_pages = [url("pledges:verify", pakta.code), url("pledges:verify", paper.code),
                    url("pledges:verify", returned.code)]  # fmt: skip
    return [
        Persona("asn", "ASN (guru, belum tanda tangan)", teacher.nip,
                [url("pledges:sign", practice.pk)]),
        Persona("asn_history", "ASN dengan riwayat (satu dikembalikan)", signer.nip,
                [url("pledges:sign", practice.pk), url("pledges:signed", returned.code)]),
        Persona("camat", "Camat (kepala unit)", camat_unit.head.nip, head_pages),
        Persona("kadis", "Kepala OPD (Dinas Pendidikan)", dinas.head.nip,
                [url("pledges:unit_progress", practice.pk, dinas.pk),
                 url("pledges:sign_pakta", practice.pk, dinas.pk)]),
        Persona("bkd", "Admin BKD", "bkd.belu",
                review_pages + campaign_pages + apel_pages + paper_pages + case_pages),
        Persona("sekda", "Sekda", "sekda.belu",
                [url("pledges:pakta_recap", election.pk), *apel_pages, *case_pages[:1]]),
        Persona("inspektorat", "Inspektorat", "inspektorat.belu", case_pages),
        Persona("auditor", "Auditor nasional", "auditor", []),
        Persona("bupati", "Bupati (pejabat)", "bupati.belu", []),
        Persona("anonymous", "Tanpa login", None,
                ["/masuk/", "/v/", *verify_pages, url("accounts:activate"), activation,
                 url("accounts:password_reset"), reset]),
    ]  # fmt: skip


def _password() -> str:
    from portal.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(_password())
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(lambda url: "/masuk/" not in url)


def page_key(url: str) -> str:
    """One visit per URL pattern and set of query parameter names."""
    from django.urls import Resolver404, resolve

    parsed = urlparse(url)
    try:
        name = resolve(parsed.path).view_name
    except Resolver404:
        name = parsed.path
    params = sorted({key for key, _ in parse_qsl(parsed.query, keep_blank_values=True)})
    return f"{name}?{'&'.join(params)}"


def walk(
    page, base: str, persona: Persona, *, visit: Callable[[object, str], None], limit: int = 80
) -> list[str]:
    """Visit home and the persona's pages, then every same-origin GET link found on them.

    `visit(page, path)` runs on each page once it has loaded; returns the paths visited."""
    if persona.username:
        log_in(page, base, persona.username)
    origin = urlparse(base).netloc
    queue = deque(["/", *persona.pages])
    forced = set(persona.pages)
    seen_keys: set[str] = set()
    queued = set(queue)
    visited: list[str] = []
    while queue and len(visited) < limit:
        path = queue.popleft()
        key = page_key(path)
        if key in seen_keys and path not in forced:
            continue
        seen_keys.add(key)
        page.goto(base + path, wait_until="load")
        visited.append(path)
        visit(page, path)
        for href in page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        ):
            target = urldefrag(urljoin(page.url, href)).url
            parsed = urlparse(target)
            if parsed.scheme not in ("http", "https") or parsed.netloc != origin:
                continue
            link = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if SKIP.search(parsed.path) or link in queued:
                continue
            queued.add(link)
            queue.append(link)
    return visited
