"""The tamper suite: attacks by someone who can write the database behind the application
(triggers switched off as a database owner could), and what catches each one.

verify_chain names every attack on the chains (status, truncation, moving records, files),
and the public verification page never calls a document SAH that no longer holds.
"""

import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pledges.certificates import issue_certificate
from pledges.models import Signature
from pledges.services import sign_pakta, sign_witness
from portal import checkpoints
from portal.evidence import ChainHead
from tests.conftest import login, make_employee
from tests.pledges_helpers import decide, drawn_input, make_campaign, make_signature

pytestmark = pytest.mark.django_db


class Tamper:
    """Raw SQL with the triggers off, the way a database owner could write."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.cursor = connection.cursor().__enter__()
        if connection.vendor == "sqlite":
            self.cursor.execute("UPDATE evidence_guard SET locked = 0")
        else:
            self.cursor.execute("SET LOCAL session_replication_role = replica")
        return self.cursor

    def __exit__(self, *exc):
        if connection.vendor == "sqlite":
            self.cursor.execute("UPDATE evidence_guard SET locked = 1")
        self.cursor.__exit__(*exc)
        return self.atomic.__exit__(*exc)


def said_valid(page: str) -> bool:
    return re.search(r":\s*SAH</strong>", page) is not None


def verify_chain(capsys, *args) -> str:
    with pytest.raises(CommandError):
        call_command("verify_chain", *args)
    return capsys.readouterr().out


@pytest.fixture
def signatures(unit):
    campaign = make_campaign(unit.instansi)
    return [make_signature(make_employee(unit, f"Pegawai {i}"), campaign) for i in range(3)]


def test_a_status_flipped_in_sql_is_named_and_the_public_page_keeps_the_truth(
    signatures, client, capsys
):
    returned = signatures[1]
    decide(returned, "kembalikan")
    with Tamper() as cursor:
        cursor.execute(
            "UPDATE pledges_signature SET status = 'disetujui' WHERE id = %s", [returned.pk]
        )
    out = verify_chain(capsys)
    assert f"kode {returned.code_display}): status tersimpan 'disetujui'" in out
    assert "menurut rantai telaah 'dikembalikan'" in out
    page = client.get(reverse("pledges:verify", args=[returned.code])).content.decode()
    assert "DIKEMBALIKAN" in page and not said_valid(page)


def test_the_database_refuses_the_flip_while_its_triggers_stand(signatures):
    decide(signatures[1], "kembalikan")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pledges_signature SET status = 'disetujui' WHERE id = %s", [signatures[1].pk]
        )


def _cut_newest(cursor, signatures, *, move_to=None):
    newest, before = signatures[-1], signatures[-2]
    if move_to:
        cursor.execute(
            "UPDATE pledges_signature SET chain = %s WHERE id = %s", [move_to, newest.pk]
        )
    else:
        cursor.execute("DELETE FROM pledges_signature WHERE id = %s", [newest.pk])
    cursor.execute(
        "UPDATE portal_chainhead SET seq = %s, last_hash = %s WHERE chain = %s",
        [before.seq, before.record_hash, newest.chain],
    )


def test_records_cut_from_the_end_are_named_against_the_checkpoint(signatures, capsys):
    checkpoints.write()
    with Tamper() as cursor:
        _cut_newest(cursor, signatures)
    out = verify_chain(capsys)
    assert "1 catatan hilang sejak checkpoint" in out
    assert "checkpoint mencatat #3, basis data berakhir di #2" in out


def test_a_record_moved_to_another_chain_is_named_and_no_longer_verifies(
    signatures, client, capsys
):
    checkpoints.write()
    moved = signatures[-1]
    with Tamper() as cursor:
        _cut_newest(cursor, signatures, move_to="signature:999999")
    out = verify_chain(capsys)
    assert "1 catatan hilang sejak checkpoint" in out
    assert "RUSAK  signature:999999" in out
    page = client.get(reverse("pledges:verify", args=[moved.code])).content.decode()
    assert "TIDAK DAPAT DINYATAKAN SAH" in page and not said_valid(page)


def test_a_chain_head_cannot_be_rewound_or_deleted_while_the_triggers_stand(signatures):
    head = ChainHead.objects.get(chain=signatures[0].chain)
    for sql, params in (
        ("UPDATE portal_chainhead SET seq = seq - 1 WHERE id = %s", [head.pk]),
        ("DELETE FROM portal_chainhead WHERE id = %s", [head.pk]),
        ("INSERT INTO portal_chainhead (chain, seq, last_hash) VALUES ('x:1', 5, 'x')", []),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_a_checkpoint_altered_in_its_storage_is_refused(signatures, capsys):
    written = checkpoints.write()
    storage = checkpoints.storage()
    with storage.open(written.name, "rb") as fh:
        content = fh.read().replace(b'"seq": 3', b'"seq": 2')
    storage.delete(written.name)
    storage.save(written.name, ContentFile(content))
    with pytest.raises(CommandError, match="tidak cocok dengan kunci bukti"):
        call_command("verify_chain")


def test_a_swapped_or_lost_signature_image_is_named(signatures, capsys):
    swapped, lost = signatures[0], signatures[1]
    storage = swapped.image.storage
    storage.delete(swapped.image.name)
    storage.save(swapped.image.name, ContentFile(b"\x89PNG\r\n\x1a\nnot the drawing"))
    storage.delete(lost.image.name)
    out = verify_chain(capsys, "--files")
    assert f"gambar tanda tangan {swapped.code_display} berubah" in out
    assert f"gambar tanda tangan {lost.code_display} hilang" in out


def test_a_certificate_swapped_with_its_hash_is_named_and_never_verifies(
    signatures, capsys, client
):
    certificate = issue_certificate(signatures[0].pk)
    forged = certificate.file.read() + b"\n% another document under the same name\n"
    storage = certificate.file.storage
    storage.delete(certificate.file.name)
    storage.save(certificate.file.name, ContentFile(forged))
    with Tamper() as cursor:
        cursor.execute(
            "UPDATE pledges_certificate SET sha256 = %s, size = %s WHERE id = %s",
            [hashlib.sha256(forged).hexdigest(), len(forged), certificate.pk],
        )
    out = verify_chain(capsys, "--files")
    assert f"sertifikat: catatan #{certificate.seq} (id {certificate.pk}): isi catatan berubah" in (
        out
    )
    upload = SimpleUploadedFile("ikrar.pdf", forged, content_type="application/pdf")
    page = client.post(reverse("pledges:verify_pdf"), {"file": upload}).content.decode()
    assert not said_valid(page) and "TIDAK DAPAT DINYATAKAN SAH" in page
    assert "Berkas ini asli" not in page


def test_a_swapped_or_lost_certificate_file_is_named(signatures, capsys):
    swapped, lost = (issue_certificate(s.pk) for s in signatures[:2])
    storage = swapped.file.storage
    storage.delete(swapped.file.name)
    storage.save(swapped.file.name, ContentFile(b"%PDF-1.7 another document"))
    storage.delete(lost.file.name)
    out = verify_chain(capsys, "--files")
    assert f"sertifikat {swapped.signature.code_display} berubah" in out
    assert f"sertifikat {lost.signature.code_display} hilang" in out


def test_an_intact_database_passes_with_files_and_checkpoint(signatures, capsys):
    decide(signatures[0], "setujui")
    for signature in signatures:
        issue_certificate(signature.pk)
    checkpoints.write()
    call_command("verify_chain", "--files")
    out = capsys.readouterr().out
    assert "RUSAK" not in out and "OK     belu         tanda tangan: 3 catatan" in out
    assert "OK     belu         sertifikat: 3 catatan" in out
    assert "OK     berkas sertifikat: 3 berkas" in out


# --- a witness copy follows its pakta ---------------------------------------------------------


@pytest.fixture
def witnessed(instansi, camat_user, kecamatan, sekda_user):
    setda_head = make_employee(kecamatan, "Drs. Agustinus Nahak", jabatan="Sekretaris Daerah")
    sekda_user.employee = setda_head
    sekda_user.save()
    campaign = make_campaign(instansi)
    pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                       data=drawn_input())  # fmt: skip
    witness = sign_witness(signer=setda_head, pakta=pakta, data=drawn_input())
    return pakta, witness


def test_a_revoked_pakta_shows_on_its_witness_copy_everywhere(witnessed, client, sekda_user):
    pakta, witness = witnessed
    copy = issue_certificate(witness.pk).file.read()
    decide(pakta, "cabut")
    page = client.get(reverse("pledges:verify", args=[witness.code])).content.decode()
    assert "DICABUT" in page and not said_valid(page)
    upload = SimpleUploadedFile("pakta.pdf", copy, "application/pdf")
    page = client.post(reverse("pledges:verify_pdf"), {"file": upload}).content.decode()
    assert "DICABUT" in page and not said_valid(page)
    response = login(sekda_user).get(reverse("pledges:certificate", args=[pakta.code]))
    assert response.status_code == 410
    assert "tidak diunduh sebagai dokumen yang sah" in response.content.decode()


def test_a_witness_record_is_in_the_review_queue_and_can_be_revoked(witnessed, bkd_user):
    pakta, witness = witnessed
    client = login(bkd_user)
    assert client.get(reverse("pledges:review_detail", args=[witness.code])).status_code == 200
    client.post(reverse("pledges:review_detail", args=[witness.code]),
                {"action": "cabut", "reason": "Saksi keliru orang."})  # fmt: skip
    witness.refresh_from_db()
    assert witness.status == "dicabut" and Signature.objects.get(pk=pakta.pk).is_valid
    # The pakta is delivered again as the head's own document, without the revoked witness.
    assert pakta.current_document() == pakta


def test_nobody_witnesses_their_own_pakta(instansi, camat_user, kecamatan):
    campaign = make_campaign(instansi)
    pakta = sign_pakta(employee=camat_user.employee, unit=kecamatan, campaign=campaign,
                       data=drawn_input())  # fmt: skip
    with pytest.raises(Exception, match="pakta Anda sendiri"):
        sign_witness(signer=camat_user.employee, pakta=pakta, data=drawn_input())
    assert not Signature.objects.filter(kind="saksi").exists()
