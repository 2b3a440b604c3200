"""The ikrar on paper: a unit's sheet printed, signed in wet ink, scanned once, ticked; each
ticked ASN then holds an ordinary ikrar of method "kertas" in the same evidence chain."""

import datetime as dt
import io

import pypdfium2
import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from pledges.certificates import issue_certificate, verification_url
from pledges.models import PaperScan, PaperSheet, Signature
from portal import dates, seals
from portal.evidence import verify
from tests.conftest import login, make_employee
from tests.documents_helpers import layout_problems, read_pages, text_of
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = pytest.mark.django_db
SCAN = b"%PDF-1.4\n% lembar ikrar yang sudah ditandatangani\n"


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.fixture
def school(kecamatan):
    """A remote school's staff in the kecamatan: three teachers, one already signed online."""
    return [make_employee(kecamatan, f"Guru SD {i}") for i in range(3)]


def scan(content: bytes = SCAN, name: str = "lembar.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, "JPEG")
    return out.getvalue()


def print_sheet(client, campaign, unit) -> PaperSheet:
    response = client.post(reverse("pledges:paper_start", args=[campaign.pk]), {"unit": unit.pk})
    assert response.status_code == 302, response.content.decode()[:500]
    return PaperSheet.objects.latest("printed_at")


def record(client, sheet, ticks, *, upload=None, signed_on=None):
    return client.post(
        reverse("pledges:paper_sheet", args=[sheet.code]),
        {"scan": upload or scan(), "signed_on": (signed_on or timezone.localdate()).isoformat(),
         "employees": [e.pk for e in ticks]},
    )  # fmt: skip


def test_the_camat_prints_a_sheet_of_those_who_have_not_signed(
    camat_user, kecamatan, campaign, school
):
    make_signature(school[0], campaign)
    sheet = print_sheet(login(camat_user), campaign, kecamatan)
    names = [name for _pk, _nip, name in sheet.rows]
    assert "Guru SD 0" not in names and {"Guru SD 1", "Guru SD 2"} <= set(names)
    response = login(camat_user).get(reverse("pledges:paper_sheet_pdf", args=[sheet.code]))
    pdf = response.content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Guru SD 1" in text and school[1].nip_display in text
    assert campaign.ikrar_points[0].split()[0] in text and sheet.code_display in text
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    decoded = {result.text for result in zxingcpp.read_barcodes(page)}
    assert f"http://testserver/kertas/{sheet.code}/" in decoded
    assert "PEMERINTAH" in text  # the instansi's letterhead
    for read in read_pages(pdf):
        assert layout_problems(read) == []


def test_ticked_signers_get_an_ikrar_on_paper_from_one_stored_scan(
    bkd_user, kecamatan, campaign, school
):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    paper_day = timezone.localdate() - dt.timedelta(days=1)
    response = record(client, sheet, school[:2], signed_on=paper_day)
    assert response.status_code == 302
    signatures = list(Signature.objects.filter(method="kertas").order_by("identity__name"))
    assert [s.identity["name"] for s in signatures] == ["Guru SD 0", "Guru SD 1"]
    stored = PaperScan.objects.get()
    assert {s.image.name for s in signatures} == {stored.file.name}  # stored once
    assert {s.image_sha256 for s in signatures} == {stored.sha256}
    assert signatures[0].payload()["paper"] == {
        "sheet": sheet.code, "signed_on": paper_day, "recorded_by": bkd_user.display_name
    }  # fmt: skip
    assert campaign.signed_among(school[0].__class__.objects.all()).count() == 2
    assert verify(Signature, signatures[0].chain) is None
    detail = client.get(reverse("pledges:review_detail", args=[signatures[0].code]))
    assert "Ditandatangani di atas kertas pada" in detail.content.decode()
    served = client.get(reverse("pledges:signature_image", args=[signatures[0].code]))
    assert b"".join(served.streaming_content) == SCAN
    assert served["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("upload", ["pdf", "jpeg"])
def test_the_certificate_says_signed_on_paper_that_day_and_who_recorded_it(
    bkd_user, kecamatan, campaign, school, upload
):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    paper_day = timezone.localdate(timezone=campaign.instansi.tz) - dt.timedelta(days=2)
    file = scan() if upload == "pdf" else scan(jpeg(), "foto.jpg")
    record(client, sheet, school[:1], signed_on=paper_day, upload=file)
    signature = Signature.objects.get(method="kertas")
    pdf = issue_certificate(signature.pk).file.read()
    text = text_of(pdf)
    day = dates.tanggal(paper_day)
    assert f"ditandatangani dengan tinta di atas kertas pada {day}" in text
    assert sheet.code_display in text and bkd_user.display_name in text
    assert f"Atambua, {day}" in text and "(tanda tangan basah di atas kertas)" in text
    assert seals.validate(pdf).ok
    (page,) = read_pages(pdf)
    assert page.qr_texts == [verification_url(signature)]
    assert layout_problems(page) == []


def test_a_jpeg_scan_is_taken_too(bkd_user, kecamatan, campaign, school):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    assert record(client, sheet, school[:1], upload=scan(jpeg(), "foto.jpg")).status_code == 302
    assert PaperScan.objects.get().content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (scan(b"\x89PNG\r\n\x1a\nbukan", "lembar.png"), "hanya PDF atau JPEG"),
        (scan(b"MZ\x90\x00 executable", "lembar.pdf"), "hanya PDF atau JPEG"),
        (scan(b"", "kosong.pdf"), "kosong"),
    ],
)
def test_a_bad_scan_writes_nothing(bkd_user, kecamatan, campaign, school, upload, message):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    response = record(client, sheet, school[:1], upload=upload)
    assert response.status_code == 400 and message in response.content.decode()
    assert not PaperScan.objects.exists() and not Signature.objects.exists()


def test_a_date_outside_the_campaign_or_in_the_future_is_refused(
    bkd_user, kecamatan, campaign, school
):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    tomorrow = timezone.localdate(timezone=campaign.instansi.tz) + dt.timedelta(days=1)
    for day in (campaign.opens_on - dt.timedelta(days=1), tomorrow):
        response = record(client, sheet, school[:1], signed_on=day)
        assert (
            response.status_code == 400 and "Tanggal penandatanganan" in response.content.decode()
        )
    assert not Signature.objects.exists()


def test_only_names_on_the_sheet_can_be_ticked(bkd_user, kecamatan, unit, campaign, school):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    stranger = make_employee(unit, "Bukan Di Lembar")
    assert record(client, sheet, [stranger]).status_code == 400
    assert not Signature.objects.exists()


def test_who_signed_online_meanwhile_is_skipped_and_named(bkd_user, kecamatan, campaign, school):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    make_signature(school[0], campaign)
    response = record(client, sheet, school[:2])
    messages = [m.message for m in response.wsgi_request._messages]
    assert any("Guru SD 0" in m and "Sudah menandatangani" in m for m in messages)
    assert Signature.objects.filter(method="kertas").count() == 1


def test_a_head_prints_only_for_their_own_units(camat_user, unit, campaign, kecamatan, school):
    client = login(camat_user)
    response = client.post(reverse("pledges:paper_start", args=[campaign.pk]), {"unit": unit.pk})
    assert response.status_code == 400 and not PaperSheet.objects.exists()


def test_a_swapped_scan_is_named_by_verify_chain(bkd_user, kecamatan, campaign, school, capsys):
    client = login(bkd_user)
    sheet = print_sheet(client, campaign, kecamatan)
    record(client, sheet, school[:2])
    stored = PaperScan.objects.get()
    storage = stored.file.storage
    storage.delete(stored.file.name)
    storage.save(stored.file.name, io.BytesIO(b"%PDF-1.4 lembar lain"))
    with pytest.raises(CommandError):
        call_command("verify_chain", "--files")
    assert capsys.readouterr().out.count("pindaian lembar kertas") == 2


def test_nobody_signs_on_paper_through_the_signing_page(asn_user, campaign):
    form = {**{f"point_{i}": "on" for i in range(1, 5)}, "method": "kertas"}
    response = login(asn_user).post(reverse("pledges:sign", args=[campaign.pk]), form)
    assert response.status_code == 400 and not Signature.objects.exists()
