import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pledges.models import Signature
from portal.exports import safe_cell
from tests.conftest import login
from tests.pledges_helpers import make_signature


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_it_quotes_cells_a_spreadsheet_would_evaluate(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Maria Bere", "", "198504122010032022", 12, None])
def test_it_leaves_other_values_alone(value):
    assert safe_cell(value) == value


@pytest.mark.django_db
def test_csv_and_xlsx_are_made_for_indonesian_excel(bkd_user, employee):
    """Semicolons, a byte-order mark, the NIP kept as text, dates as dd/mm/yyyy; in XLSX real
    date cells, text NIPs, widths and a frozen header."""
    signature = make_signature(employee)
    client = login(bkd_user)
    url = reverse("pledges:data_export", args=[signature.campaign_id, "tanda-tangan", "csv"])
    raw = b"".join(client.get(url).streaming_content)
    assert raw.startswith("\ufeff".encode())
    header, row = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("NIP;Nama;Unit kerja;")
    local = signature.signed_at.astimezone(signature.instansi.tz)
    assert row.startswith(f'"=""{employee.nip}""";')
    assert local.strftime("%d/%m/%Y %H:%M") in row
    xlsx = client.get(url.replace(".csv", ".xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == employee.nip and sheet["A2"].number_format == "@"
    assert sheet["G2"].is_date and sheet["G2"].value == local.replace(tzinfo=None, microsecond=0)
    assert sheet.column_dimensions["B"].width == 40
    assert Signature.objects.count() == 1
