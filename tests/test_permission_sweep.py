"""Every URL of the URL conf, walked as every persona: the allowed set is exactly as designed.

A new URL without an entry here fails the sweep, so nobody adds a view without deciding who
may reach it. Object URLs use objects of the Belu instansi: the BKD admin of Kupang must get
404 there (no IDOR), never the page.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from pledges.models import Apel, BulkExport, ReminderRun
from pledges.services import (
    SignatureInput,
    print_paper_sheet,
    record_paper_signatures,
    save_apel,
    sign_pakta,
)
from portal.models import Official, Unit, User
from sanctions.models import Evidence, Stage
from tests.conftest import login, make_employee, make_unit, make_user
from tests.pledges_helpers import data_url, drawn_png, make_campaign, make_signature
from tests.sanctions_helpers import make_case, put_in_stage

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "asn", "head", "bkd", "sekda", "inspektorat", "auditor", "official", "other",
]  # fmt: skip
ASN = {"asn", "head", "sekda"}  # the Sekda is an ASN too: head of the Sekretariat Daerah
AUTHENTICATED = set(PERSONAS) - {"anonymous"}
EVERYONE = set(PERSONAS)
BKD = {"bkd", "other"}  # list pages: each BKD sees its own instansi
CASE_READERS = {"bkd", "inspektorat", "sekda", "auditor", "other"}
CASE_WRITERS = {"bkd", "inspektorat", "other"}

# url name -> (method, kwargs builder name, allowed personas)
MATRIX = {
    "home": ("get", None, AUTHENTICATED),
    "login": ("get", None, EVERYONE),
    "logout": ("post", None, AUTHENTICATED),
    "set_language": ("post", None, EVERYONE),
    "health": ("get", None, EVERYONE),
    "alive": ("get", None, EVERYONE),
    "favicon": ("get", None, EVERYONE),
    "portal:roster_import": ("get", None, BKD),
    "portal:roster_import_result": ("get", None, BKD),
    "portal:roster_template": ("get", "fmt", BKD),
    "portal:audit_log": ("get", None, BKD),
    "portal:unit_head": ("get", "unit", {"bkd"}),
    "portal:officials": ("get", None, BKD),
    "portal:official_end": ("post", "official", {"bkd"}),
    "portal:official_invite": ("post", "official", {"bkd"}),
    "documents:letterhead": ("get", None, BKD),
    "documents:letterhead_logo": ("get", None, BKD),
    "documents:letterhead_preview": ("get", None, BKD),
    "accounts:password_change": ("get", None, AUTHENTICATED),
    "accounts:password_change_done": ("get", None, AUTHENTICATED),
    "accounts:password_reset": ("get", None, EVERYONE),
    "accounts:password_reset_done": ("get", None, EVERYONE),
    "accounts:password_reset_confirm": ("get", "token", EVERYONE),
    "accounts:password_reset_complete": ("get", None, EVERYONE),
    "accounts:activate": ("get", None, EVERYONE),
    "accounts:activate_confirm": ("get", "token", EVERYONE),
    "accounts:activation": ("get", None, BKD),
    "accounts:activation_send": ("post", None, BKD),
    "accounts:activation_letters": ("post", None, BKD),
    "pledges:verify_index": ("get", None, EVERYONE),
    "pledges:verify_pdf": ("post", None, EVERYONE),
    "pledges:verify": ("get", "ikrar_code", EVERYONE),
    "pledges:asn_home": ("get", None, ASN),
    "pledges:sign": ("get", "campaign", ASN),
    "pledges:signed": ("get", "ikrar_code", {"asn"}),
    "pledges:certificate": ("get", "ikrar_code", {"asn", "bkd", "sekda"}),
    "pledges:campaign_list": ("get", None, BKD),
    "pledges:campaign_create": ("get", None, BKD),
    "pledges:campaign_copy": ("post", None, BKD),
    "pledges:campaign_edit": ("get", "campaign", {"bkd"}),
    "pledges:campaign_version": ("post", "campaign", {"bkd"}),
    "pledges:pakta_home": ("get", None, {"head", "sekda"}),
    "pledges:pakta_recap_latest": ("get", None, {"bkd", "sekda", "other"}),
    "pledges:pakta_recap": ("get", "campaign", {"bkd", "sekda"}),
    "pledges:sign_pakta": ("get", "campaign_kecamatan", {"head"}),
    "pledges:sign_witness": ("get", "pakta_code", {"sekda", "official"}),
    "pledges:unit_progress": (
        "get",
        "campaign_kecamatan",
        {"head", "bkd", "sekda", "inspektorat", "auditor"},
    ),
    "pledges:export_start": ("post", "campaign_kind", {"bkd", "sekda"}),
    "pledges:export": ("get", "export", {"bkd", "sekda"}),
    "pledges:export_restart": ("post", "export", {"bkd", "sekda"}),
    "pledges:export_download": ("get", "export", {"bkd", "sekda"}),
    "pledges:review_queue": ("get", None, BKD),
    "pledges:review_bulk_approve": ("post", None, BKD),
    "pledges:review_detail": ("get", "ikrar_code", {"bkd"}),
    "pledges:signature_image": ("get", "ikrar_code", {"bkd"}),
    "pledges:anomalies": ("get", "campaign", {"bkd"}),
    "pledges:dashboard_latest": ("get", None, {"bkd", "sekda", "auditor", "other"}),
    "pledges:dashboard": ("get", "campaign", {"bkd", "sekda", "auditor"}),
    "pledges:reminders": ("get", "campaign", {"bkd"}),
    "pledges:reminder_run": ("get", "reminder_run", {"bkd"}),
    "pledges:apel_latest": ("get", None, {"bkd", "sekda", "other"}),
    "pledges:apel_list": ("get", "campaign", {"bkd", "sekda"}),
    "pledges:apel": ("get", "apel", {"bkd", "sekda"}),
    "pledges:apel_close": ("post", "apel", {"bkd", "sekda"}),
    "pledges:apel_screen": ("get", "apel", {"bkd", "sekda"}),
    "pledges:apel_counts": ("get", "apel", {"bkd", "sekda"}),
    "pledges:apel_report": ("get", "apel", {"bkd", "sekda"}),
    "pledges:paper_latest": ("get", None, {"bkd", "head", "sekda", "other"}),
    "pledges:paper_start": ("get", "campaign", {"bkd", "head", "sekda"}),
    "pledges:paper_sheet": ("get", "sheet", {"bkd", "head"}),
    "pledges:paper_sheet_pdf": ("get", "sheet", {"bkd", "head"}),
    "pledges:paper_scan": ("get", "sheet_scan", {"bkd", "head"}),
    "pledges:data_export": ("get", "campaign_export", {"bkd"}),
    "sanctions:list": ("get", None, CASE_READERS),
    "sanctions:create": ("get", None, CASE_WRITERS),
    "sanctions:dashboard": ("get", None, CASE_READERS),
    "sanctions:overdue": ("get", None, CASE_READERS),
    "sanctions:export_csv": ("get", None, CASE_READERS),
    "sanctions:export_xlsx": ("get", None, CASE_READERS),
    "sanctions:bkn_csv": ("get", None, CASE_READERS),
    "sanctions:bkn_xlsx": ("get", None, CASE_READERS),
    "sanctions:detail": ("get", "case", CASE_READERS - {"other"}),
    "sanctions:transition": ("get", "case_stage", {"bkd", "inspektorat"}),
    "sanctions:evidence_upload": ("post", "case", {"bkd", "inspektorat"}),
    "sanctions:evidence": ("get", "case_evidence", {"bkd", "inspektorat", "sekda", "auditor"}),
    "sanctions:sk_pdf": ("get", "case", {"bkd", "inspektorat", "sekda", "auditor"}),
    "sanctions:bap_pdf": ("get", "case", {"bkd", "inspektorat", "sekda", "auditor"}),
}
OBJECT_KWARGS = {
    "unit",
    "official",
    "campaign",
    "ikrar_code",
    "campaign_kecamatan",
    "pakta_code",
    "campaign_kind",
    "export",
    "reminder_run",
    "apel",
    "sheet",
    "sheet_scan",
    "campaign_export",
    "case",
    "case_stage",
    "case_evidence",
}


def url_names() -> list[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin"):
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_a_decided_audience():
    assert sorted(MATRIX) == url_names()


@pytest.fixture
def world(
    instansi,
    employee,
    asn_user,
    camat_user,
    kecamatan,
    bkd_user,
    sekda_user,
    inspektorat_user,
    auditor_user,
    other_bkd_user,
):
    setda = make_unit(instansi, "Sekretariat Daerah", kind=Unit.Kind.SETDA)
    setda.head = make_employee(setda, "Drs. Agustinus Nahak", jabatan="Sekretaris Daerah")
    setda.save()
    sekda_user.employee = setda.head
    sekda_user.save()
    campaign = make_campaign(instansi)
    ikrar = make_signature(employee, campaign)
    data = SignatureInput(method="drawn", confirmed_points=4, drawn_data_url=data_url(drawn_png()))
    pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign, data=data)
    export = BulkExport.objects.create(
        instansi=instansi,
        campaign=campaign,
        kind="pakta_zip",
        created_by=bkd_user,
        status="selesai",
    )
    export.file.save("x.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    ikrar_zip = BulkExport.objects.create(
        instansi=instansi, campaign=campaign, kind="ikrar_zip", created_by=bkd_user,
        status="selesai",
    )  # fmt: skip
    ikrar_zip.file.save("y.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    run = ReminderRun.objects.create(campaign=campaign, created_by=bkd_user)
    now = timezone.now()
    apel = save_apel(apel=Apel(instansi=instansi, campaign=campaign, place="Lapangan Umum",
                               starts_at=now, ends_at=now + datetime.timedelta(hours=2)),
                     units=[], actor=bkd_user)  # fmt: skip
    sheet = print_paper_sheet(campaign=campaign, unit=kecamatan, actor=bkd_user)
    scan = record_paper_signatures(
        sheet=sheet, upload=SimpleUploadedFile("lembar.pdf", b"%PDF-1.4 lembar"),
        signed_on=timezone.localdate(), employee_ids=[sheet.rows[0][0]], actor=bkd_user,
    ).scan  # fmt: skip
    case = make_case(employee, bkd_user)
    put_in_stage(case, Stage.DECISION, bkd_user)
    case.examined_on = datetime.date(2025, 5, 22)
    case.save()
    bupati = Official.objects.create(instansi=instansi, office="kepala", name="Bupati Uji",
                                     title="Bupati Belu")  # fmt: skip
    official_user = make_user("bupati.belu", role=User.Role.OFFICIAL, instansi=instansi,
                              official=bupati)  # fmt: skip
    evidence = Evidence.objects.create(
        case=case,
        file=ContentFile(b"%PDF-1.4 x", name="b.pdf"),
        original_name="bukti.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=bkd_user,
    )
    users = {
        "asn": asn_user,
        "head": camat_user,
        "bkd": bkd_user,
        "sekda": sekda_user,
        "inspektorat": inspektorat_user,
        "auditor": auditor_user,
        "official": official_user,
        "other": other_bkd_user,
    }
    kwargs = {
        "fmt": {"fmt": "csv"},
        "unit": {"pk": kecamatan.pk},
        "official": {"pk": bupati.pk},
        "token": {"uidb64": "MQ", "token": "bad-token"},
        "campaign": {"pk": campaign.pk},
        "ikrar_code": {"code": ikrar.code},
        "pakta_code": {"code": pakta.code},
        "campaign_kecamatan": {"pk": campaign.pk, "unit_id": kecamatan.pk},
        "campaign_kind": {"pk": campaign.pk, "kind": "pakta_zip"},
        "campaign_export": {"pk": campaign.pk, "what": "belum", "fmt": "csv"},
        "export": {"pk": export.pk},
        "ikrar_export": {"pk": ikrar_zip.pk},
        "campaign_ikrar_zip": {"pk": campaign.pk, "kind": "ikrar_zip"},
        "reminder_run": {"pk": run.pk},
        "apel": {"pk": apel.pk},
        "sheet": {"code": sheet.code},
        "sheet_scan": {"code": sheet.code, "scan_id": scan.pk},
        "case": {"pk": case.pk},
        "case_stage": {"pk": case.pk, "stage": Stage.DELIVERY},
        "case_evidence": {"pk": case.pk, "evidence_id": evidence.pk},
    }
    return users, kwargs


def reached(response) -> bool:
    """The persona got the page (or its redirect onward), not a refusal or the login page."""
    if response.status_code in (403, 404, 405):
        return False
    if response.status_code == 302:
        return not response.url.startswith(reverse("login") + "?")
    return response.status_code < 500


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_allowed_set_of(name, world, client):
    users, kwargs = world
    method, builder, allowed = MATRIX[name]
    url = reverse(name, kwargs=kwargs[builder] if builder else None)
    got = set()
    for persona in PERSONAS:
        browser = client if persona == "anonymous" else login(users[persona])
        response = getattr(browser, method)(url)
        assert response.status_code < 500, (persona, url)
        if reached(response):
            got.add(persona)
        elif persona == "other" and builder in OBJECT_KWARGS and "bkd" in allowed:
            assert response.status_code == 404, (name, "IDOR: another instansi must get 404")
    assert got == allowed, name


# The ZIP of every ASN's ikrar certificate is the BKD's working file: the Sekda neither starts
# one nor sees or downloads one the BKD made (the Sekda's bulk downloads are the pakta).
IKRAR_ZIP_URLS = {
    "pledges:export_start": ("post", "campaign_ikrar_zip"),
    "pledges:export": ("get", "ikrar_export"),
    "pledges:export_restart": ("post", "ikrar_export"),
    "pledges:export_download": ("get", "ikrar_export"),
}


@pytest.mark.parametrize("name", sorted(IKRAR_ZIP_URLS))
def test_the_ikrar_zip_is_for_the_bkd_alone(name, world, client):
    users, kwargs = world
    method, builder = IKRAR_ZIP_URLS[name]
    url = reverse(name, kwargs=kwargs[builder])
    got = set()
    for persona in PERSONAS:
        browser = client if persona == "anonymous" else login(users[persona])
        response = getattr(browser, method)(url)
        assert response.status_code < 500, (persona, url)
        if reached(response):
            got.add(persona)
    assert got == {"bkd"}, name
