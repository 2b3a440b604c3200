"""PAdES seals: every issued document is PDF/A-3b sealed with the instansi's certificate,
validated with pyHanko; one changed byte breaks it; no seal means no document."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from pledges import bulk
from pledges.certificates import issue_certificate
from pledges.models import Apel, BulkExport, Certificate
from pledges.services import save_apel, sign_pakta, sign_witness
from portal import checks, seals
from portal.models import DocumentNumber
from sanctions.models import Case, Stage
from tests.conftest import login
from tests.documents_helpers import pdf_bytes_with_changed_byte
from tests.pledges_helpers import drawn_input, make_campaign, make_signature
from tests.sanctions_helpers import make_case, put_in_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(instansi, employee, camat_user, kecamatan, sekda_user, bkd_user):
    """One of each document kind the portal issues, as bytes."""
    from tests.conftest import make_employee, make_unit

    campaign = make_campaign(instansi)
    setda = make_unit(instansi, "Sekretariat Daerah", kind="setda")
    sekda = make_employee(setda, "Drs. Agustinus Nahak", jabatan="Sekretaris Daerah")
    pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                       data=drawn_input())  # fmt: skip
    witness = sign_witness(signer=sekda, pakta=pakta, data=drawn_input())
    export = BulkExport.objects.create(
        instansi=instansi, campaign=campaign, kind=BulkExport.Kind.PAKTA_ZIP, created_by=bkd_user
    )
    now = timezone.now()
    apel = save_apel(
        apel=Apel(instansi=instansi, campaign=campaign, place="Lapangan Upacara",
                  starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)),
        units=[kecamatan], actor=bkd_user,
    )  # fmt: skip
    case = make_case(employee, bkd_user)
    put_in_stage(case, Stage.DECISION, bkd_user)
    Case.objects.filter(pk=case.pk).update(examined_on="2025-05-22")
    client = login(bkd_user)
    return {
        "ikrar": issue_certificate(make_signature(employee, campaign).pk).file.read(),
        "pakta": issue_certificate(pakta.pk).file.read(),
        "witness copy": issue_certificate(witness.pk).file.read(),
        "recap": bulk.recap_pdf(export),
        "sk": client.get(reverse("sanctions:sk_pdf", args=[case.pk])).content,
        "bap": client.get(reverse("sanctions:bap_pdf", args=[case.pk])).content,
        "apel report": client.get(reverse("pledges:apel_report", args=[apel.pk])).content,
    }


def test_every_document_is_pdfa_and_sealed_pades(issued, instansi):
    for kind, pdf in issued.items():
        check = seals.validate(pdf)
        assert check.ok, (kind, check)
        assert check.signer == instansi.name, kind
        assert check.signed_at is not None
        signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached", kind
        root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data()
        assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp, kind
        assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1", kind


def test_one_changed_byte_breaks_every_seal(issued):
    for kind, pdf in issued.items():
        for at in (len(pdf) // 3, len(pdf) - 40):  # in the body, and in the seal's own trailer
            check = seals.validate(pdf_bytes_with_changed_byte(pdf, at))
            assert not check.ok, (kind, at)


def test_the_stored_hash_is_of_the_sealed_bytes(employee):
    certificate = issue_certificate(make_signature(employee).pk)
    pdf = certificate.file.read()
    assert certificate.sha256 == hashlib.sha256(pdf).hexdigest()
    assert seals.validate(pdf).ok
    assert certificate.number.startswith("800.1.6/IKR/")


def upload(client, pdf: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("pledges:verify_pdf"),
        {"file": SimpleUploadedFile("s.pdf", pdf, content_type="application/pdf")},
    )


def test_v_upload_says_in_words_that_the_seal_holds(client, employee):
    certificate = issue_certificate(make_signature(employee).pk)
    page = upload(client, certificate.file.read()).content.decode()
    assert "Berkas ini asli" in page
    assert "Segel utuh dan sah" in page
    assert "Pemerintah Kabupaten Belu" in page
    assert certificate.number in page


def test_v_upload_says_a_changed_file_breaks_the_seal(client, employee):
    pdf = issue_certificate(make_signature(employee).pk).file.read()
    page = upload(client, pdf_bytes_with_changed_byte(pdf)).content.decode()
    assert "TIDAK cocok" in page
    assert "Segel RUSAK" in page


def test_v_upload_of_an_unsealed_pdf_says_it_has_no_seal(client):
    from portal.pdf import html_to_pdf

    page = upload(client, html_to_pdf("<p>Sertifikat palsu</p>")).content.decode()
    assert "tidak memiliki segel" in page


@pytest.fixture
def production(settings, tmp_path):
    settings.SEAL_DEV_CA = False
    settings.SEAL_DIR = tmp_path / "seals"
    settings.SEAL_DIR.mkdir()
    return settings


def test_without_a_seal_no_document_is_issued_or_numbered(production, asn_user, employee):
    signature = make_signature(employee)  # the on-commit render fails quietly in its task
    response = login(asn_user).get(reverse("pledges:certificate", args=[signature.code]))
    assert response.status_code == 503
    assert "belum dipasang" in response.content.decode()
    assert not Certificate.objects.exists()
    assert not DocumentNumber.objects.exists()


def test_a_seal_from_a_pkcs12_file_seals_with_its_certificate(production, monkeypatch, employee):
    (production.SEAL_DIR / "belu.p12").write_bytes(
        seals.make_pkcs12("BKPSDM Kabupaten Belu (uji)", b"rahasia")
    )
    monkeypatch.setenv("SEAL_PASSWORD_BELU", "rahasia")
    production.SEAL_TRUST_ROOTS = []
    pdf = issue_certificate(make_signature(employee).pk).file.read()
    check = seals.validate(pdf)
    # Sealed and intact; trusted only where its CA is configured (here the development CA,
    # which production does not trust).
    assert check.intact and check.valid and not check.trusted
    assert check.signer == "BKPSDM Kabupaten Belu (uji)"


def test_a_wrong_password_or_an_expired_seal_is_refused(production, monkeypatch, instansi,
                                                         time_machine):  # fmt: skip
    (production.SEAL_DIR / "belu.p12").write_bytes(seals.make_pkcs12("Belu", b"benar", days=10))
    monkeypatch.setenv("SEAL_PASSWORD_BELU", "salah")
    assert seals.status(instansi).state == "unreadable"
    monkeypatch.setenv("SEAL_PASSWORD_BELU", "benar")
    assert seals.status(instansi).state == "expiring"
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    status = seals.status(instansi)
    assert status.state == "expired" and "kedaluwarsa" in status.message
    with pytest.raises(seals.SealUnavailable):
        seals.get_seal(instansi)


def test_check_deploy_errors_for_a_missing_seal_and_the_dev_ca(production, monkeypatch, instansi):
    production.DEBUG = False
    assert [e.id for e in checks.seals_installed()] == ["portal.E102"]
    production.SEAL_DEV_CA = True
    assert [e.id for e in checks.seals_installed()] == ["portal.E101"]
    production.SEAL_DEV_CA = False
    (production.SEAL_DIR / "belu.p12").write_bytes(seals.make_pkcs12("Belu", b"x"))
    monkeypatch.setenv("SEAL_PASSWORD_BELU", "x")
    assert checks.seals_installed() == []
    (production.SEAL_DIR / "belu.p12").unlink()
    with pytest.raises(SystemCheckError, match="belum dipasang"):
        call_command("check", deploy=True, fail_level="ERROR")


def test_the_merged_pakta_pdf_is_sealed_as_a_whole(instansi, camat_user, kecamatan, bkd_user):
    from pledges.models import BulkExport

    campaign = make_campaign(instansi)
    sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
               data=drawn_input())  # fmt: skip
    export = BulkExport.objects.create(
        instansi=instansi, campaign=campaign, kind=BulkExport.Kind.PAKTA_PDF, created_by=bkd_user
    )
    bulk.build(export.pk)
    export.refresh_from_db()
    pdf = export.file.read()
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1  # the parts' own seals do not linger, broken
    assert seals.validate(pdf).ok
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_sealing_works_inside_a_running_event_loop(instansi):
    import asyncio

    seals.get_seal(instansi)  # loaded outside: the ORM is not used inside the loop
    pdf = asyncio.run(_seal_in_loop(instansi))
    assert seals.validate(pdf).ok


async def _seal_in_loop(instansi):
    from portal.pdf import html_to_pdf

    return seals.seal_pdf(html_to_pdf("<p>x</p>"), instansi, reason="uji")
