import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pledges.models import Signature
from portal.evidence import verify
from tests.conftest import make_employee
from tests.pledges_helpers import decide, make_campaign, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(unit):
    campaign = make_campaign(unit.instansi)
    return [make_signature(make_employee(unit, f"Pegawai {i}"), campaign) for i in range(4)]


def test_it_links_each_signature_to_the_previous_one(signatures):
    first, second = signatures[0], signatures[1]
    assert first.seq == 1 and first.prev_hash == "0" * 64
    assert second.prev_hash == first.record_hash
    assert verify(Signature, first.chain) is None


def test_verify_chain_names_the_first_record_edited_behind_the_orms_back(signatures, capsys):
    victim = signatures[2]
    with transaction.atomic(), connection.cursor() as cursor:
        _lower_guard(cursor)
        cursor.execute(
            "UPDATE pledges_signature SET typed_name = %s WHERE id = %s", ["palsu", victim.pk]
        )
        _raise_guard(cursor)
    with pytest.raises(CommandError):
        call_command("verify_chain", "belu")
    out = capsys.readouterr().out
    assert f"catatan #{victim.seq} (id {victim.pk}): isi catatan berubah" in out


def test_verify_chain_passes_an_intact_chain(signatures, capsys):
    call_command("verify_chain")
    assert "OK     belu         tanda tangan: 4 catatan" in capsys.readouterr().out


def test_the_status_moves_only_as_the_review_chain_says(signatures):
    target = Signature.objects.filter(pk=signatures[0].pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        target.update(status=Signature.Status.APPROVED)  # no approval event: refused
    decide(signatures[0], "setujui")
    assert target.get().status == "disetujui"
    with pytest.raises(DatabaseError), transaction.atomic():
        target.update(status=Signature.Status.PENDING)
    assert verify(Signature, signatures[0].chain) is None


def _lower_guard(cursor):
    if connection.vendor == "sqlite":
        cursor.execute("UPDATE evidence_guard SET locked = 0")
    else:
        # A tamperer with superuser rights can silence triggers; the chain must still catch it.
        cursor.execute("SET LOCAL session_replication_role = replica")


def _raise_guard(cursor):
    if connection.vendor == "sqlite":
        cursor.execute("UPDATE evidence_guard SET locked = 1")
    else:
        cursor.execute("SET LOCAL session_replication_role = origin")
