"""A roster is a legal record: names go in exactly as the source has them and come out safely.

Names that begin with a formula character, 300-character names and full-width letters travel from
a CSV or XLSX upload into the database unchanged, out through every spreadsheet export escaped,
and into the PDFs as text.
"""

import io
import unicodedata
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from pledges import bulk
from pledges.certificates import issue_certificate
from pledges.models import BulkExport
from portal import roster
from portal.models import Employee, Unit
from tests.conftest import login, make_nip, read_csv
from tests.pledges_helpers import make_campaign, make_signature
from tests.sanctions_helpers import make_case, put_in_stage

pytestmark = pytest.mark.django_db

HEADER = ["nip", "nama", "golongan", "jabatan", "kategori_jabatan", "unit", "email", "telepon"]


def long_name(length: int = 300) -> str:
    words = ["Maria", "Goreti", "Yosefina", "Florentina", "Bere", "Seran", "Nahak", "Taolin"]
    name = ("Dr. " + " ".join(words * 10))[:length]
    return name[:-1] + "a" if name.endswith(" ") else name


LONG = long_name()
FULL_WIDTH = "Ｍａｒｉａ\u3000Ｂｅｒｅ"  # full-width letters around an ideographic space
NAMES = [
    '=HYPERLINK("http://x","klik")',
    "+62 Maria Bere",
    "-Yohanes Seran",
    "@Agnes Luan",
    LONG,
    FULL_WIDTH,
]
FORMULA_LIKE = NAMES[:4]


def test_the_long_name_is_300_characters():
    assert len(LONG) == 300 and LONG.strip() == LONG


def rows(nips) -> list[list[str]]:
    return [
        [nip, name, "III/a", "=Guru Ahli Pertama" if i == 0 else "Guru", "fungsional",
         "Dinas Pendidikan", "", ""]
        for i, (nip, name) in enumerate(zip(nips, NAMES, strict=True))
    ]  # fmt: skip


def csv_upload(nips) -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows(nips))
    return out.getvalue().encode("utf-8-sig")


def xlsx_upload(nips) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for number, row in enumerate(rows(nips), 2):
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=number, column=column, value=value)
            cell.data_type = "s"  # text typed in Excel: never a live formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def squash(text: str) -> str:
    """Line wrapping is layout, not content: compare without any white space."""
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture(params=["csv", "xlsx"])
def imported(request, bkd_user, instansi):
    nips = [make_nip() for _ in NAMES]
    data = csv_upload(nips) if request.param == "csv" else xlsx_upload(nips)
    upload = SimpleUploadedFile(f"pegawai.{request.param}", data)
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload}, follow=True)
    assert response.context["result"]["errors"] == [], response.context["result"]["errors"]
    return {nip: Employee.objects.get(nip=nip) for nip in nips}


def test_names_reach_the_database_exactly(imported):
    assert [e.name for e in imported.values()] == NAMES
    assert next(iter(imported.values())).jabatan == "=Guru Ahli Pertama"


def test_spreadsheet_exports_escape_the_formula_like_names(imported, bkd_user, instansi):
    campaign = make_campaign(instansi)
    client = login(bkd_user)
    csv_rows = read_csv(
        client.get(reverse("pledges:data_export", args=[campaign.pk, "belum", "csv"]))
    )
    names = [row[1] for row in csv_rows[1:]]
    expected = {("'" + n) if n in FORMULA_LIKE else n for n in NAMES}
    assert set(names) == expected
    assert "'=Guru Ahli Pertama" in [row[3] for row in csv_rows[1:]]
    response = client.get(reverse("pledges:data_export", args=[campaign.pk, "belum", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected


def test_signed_lists_and_case_exports_escape_them_too(imported, bkd_user, instansi):
    campaign = make_campaign(instansi)
    for employee in imported.values():
        make_signature(employee, campaign)
        make_case(employee, bkd_user)
    expected = {("'" + n) if n in FORMULA_LIKE else n for n in NAMES}
    client = login(bkd_user)
    url = reverse("pledges:data_export", args=[campaign.pk, "tanda-tangan", "csv"])
    assert {row[1] for row in read_csv(client.get(url))[1:]} == expected
    assert {row[3] for row in read_csv(client.get(reverse("sanctions:export_csv")))[1:]} == (
        expected
    )
    response = client.get(reverse("sanctions:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected


def test_the_certificate_prints_every_name_as_text(imported, instansi):
    campaign = make_campaign(instansi)
    for employee in imported.values():
        pdf = issue_certificate(make_signature(employee, campaign).pk).file.read()
        assert squash(employee.name) in pdf_text(pdf)


def test_the_pakta_recap_and_the_sk_print_them(imported, instansi, bkd_user):
    campaign = make_campaign(instansi)
    unit = Unit.objects.get(instansi=instansi, name="Dinas Pendidikan")
    long_head = next(e for e in imported.values() if e.name == LONG)
    unit.head = long_head
    unit.save()
    export = BulkExport.objects.create(
        instansi=instansi, campaign=campaign, kind="pakta_zip", created_by=bkd_user
    )
    assert squash(LONG) in pdf_text(bulk.recap_pdf(export))
    for employee in imported.values():
        case = put_in_stage(make_case(employee, bkd_user), "keputusan", bkd_user)
        response = login(bkd_user).get(reverse("sanctions:sk_pdf", args=[case.pk]))
        assert squash(employee.name) in pdf_text(response.content)


# --- the rules behind it -----------------------------------------------------------------------


def parse_one(**cells) -> roster.RosterRow:
    values = dict.fromkeys(roster.COLUMNS, "")
    values.update(nip=make_nip(), nama="Maria Bere", golongan="III/a", unit="Dinas Sosial")
    values.update(cells)
    return roster.parse_row(2, values)


def test_a_301_character_name_is_refused_with_the_limit():
    row = parse_one(nama=long_name(301))
    assert [(e.column, e.reason) for e in row.errors] == [
        ("nama", "Terlalu panjang (maksimal 300 karakter).")
    ]


def test_only_leading_and_trailing_white_space_is_trimmed():
    row = parse_one(nama="\u3000 Maria\u3000 Bere\t ", jabatan="  Guru  Ahli ")
    assert (row.name, row.jabatan) == ("Maria\u3000 Bere", "Guru  Ahli")


def test_unicode_is_stored_as_given_and_compared_in_nfc(instansi, unit):
    decomposed = unicodedata.normalize("NFD", "José Ximenes")
    composed = unicodedata.normalize("NFC", "José Ximenes")
    assert decomposed != composed
    nip = make_nip()

    def run(name):
        parsed = roster.parse(csv_upload_single(nip, name, unit.name), "p.csv")
        from portal.services import import_roster

        return import_roster(instansi=instansi, rows=parsed.rows)

    assert run(decomposed).created == 1
    assert Employee.objects.get(nip=nip).name == decomposed
    # The same name in the other normal form is the same name: nothing to update.
    assert run(composed).unchanged == 1
    assert Employee.objects.get(nip=nip).name == decomposed


def csv_upload_single(nip: str, name: str, unit: str) -> bytes:
    line = f"{nip};{name};III/a;Guru;fungsional;{unit};;"
    return ("\ufeff" + ";".join(HEADER) + "\n" + line + "\n").encode("utf-8")


def test_the_printed_letters_carry_every_name_escaped(imported, bkd_user):
    response = login(bkd_user).post(reverse("accounts:activation_letters"), {"unit": ""})
    assert response.status_code == 200
    html = response.content.decode()
    for name in NAMES:
        assert escape(name) in html
    assert '=HYPERLINK("' not in html  # markup-significant characters never pass raw
