"""Every append-only record kind refuses change and deletion, in the ORM and in raw SQL.

The kinds: chained evidence (signatures, review decisions), the audit log, the case history
and the download log, plus the stored certificates. One row of each is made through the
services that write them in real use.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pledges import services as pledge_services
from pledges.certificates import issue_certificate
from pledges.models import (
    Certificate,
    DownloadEvent,
    PaperScan,
    PaperSheet,
    ReviewEvent,
    Signature,
)
from portal.audit import record
from portal.evidence import AppendOnlyQuerySet, ImmutableRecord, append_only_models
from portal.models import AuditEvent, DocumentNumber
from sanctions.models import CaseEvent
from tests.conftest import make_employee
from tests.pledges_helpers import make_signature
from tests.sanctions_helpers import make_case

pytestmark = pytest.mark.django_db

# model -> (a column to change in raw SQL, a value for it)
KINDS = {
    Signature: ("typed_name", "palsu"),
    ReviewEvent: ("reason", "palsu"),
    AuditEvent: ("target", "palsu"),
    CaseEvent: ("note", "palsu"),
    DownloadEvent: ("ip_address", "9.9.9.9"),
    Certificate: ("sha256", "0" * 64),
    PaperSheet: ("code", "PALSU"),
    PaperScan: ("sha256", "0" * 64),
    DocumentNumber: ("number", "palsu"),
}


@pytest.fixture
def rows(employee, bkd_user):
    signature = make_signature(employee)
    pledge_services.review(signature=signature, action="setujui", reason="", actor=bkd_user)
    pledge_services.log_download(user=bkd_user, instansi_id=signature.instansi_id,
                                 signature=signature)  # fmt: skip
    record("account.login", actor=bkd_user, target="bkd.belu")
    make_case(employee, bkd_user)
    issue_certificate(signature.pk)
    colleague = make_employee(employee.unit, "Rekan Kertas")
    sheet = pledge_services.print_paper_sheet(campaign=signature.campaign, unit=employee.unit,
                                              actor=bkd_user)  # fmt: skip
    pledge_services.record_paper_signatures(
        sheet=sheet, upload=SimpleUploadedFile("lembar.pdf", b"%PDF-1.4 lembar"),
        signed_on=timezone.localdate(), employee_ids=[colleague.pk], actor=bkd_user,
    )  # fmt: skip
    return {model: model.objects.order_by("pk").first() for model in KINDS}


def test_every_append_only_model_is_covered_here():
    assert set(append_only_models()) == set(KINDS)


@pytest.mark.parametrize("model", list(KINDS), ids=lambda m: m.__name__)
def test_the_orm_refuses_to_change_or_delete(model, rows):
    row = rows[model]
    column, value = KINDS[model]
    setattr(row, column, value)
    with pytest.raises(ImmutableRecord):
        row.save()
    with pytest.raises(ImmutableRecord):
        row.delete()
    with pytest.raises(ImmutableRecord):
        model.objects.filter(pk=row.pk).update(**{column: value})
    with pytest.raises(ImmutableRecord):
        model.objects.filter(pk=row.pk).delete()
    assert isinstance(model.objects.all(), AppendOnlyQuerySet)


@pytest.mark.parametrize("model", list(KINDS), ids=lambda m: m.__name__)
def test_the_database_refuses_raw_update_and_delete(model, rows):
    row = rows[model]
    column, value = KINDS[model]
    table = model._meta.db_table
    for sql, params in (
        (f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk]),  # noqa: S608
        (f"DELETE FROM {table} WHERE id = %s", [row.pk]),  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert model.objects.filter(pk=row.pk).exists()
    assert getattr(model.objects.get(pk=row.pk), column) != value
