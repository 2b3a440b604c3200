import ast
import csv
import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal import roster
from portal.models import AuditEvent, Employee, Unit
from portal.roster import RowError
from portal.services import import_roster
from tests.conftest import login, make_employee, make_nip

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama", "Golongan", "Jabatan", "Kategori Jabatan", "Unit", "Email", "Telepon"]


def person(**overrides) -> dict:
    values = {
        "NIP": make_nip(),
        "Nama": "Agustinus Seran, S.E.",
        "Golongan": "IIIb",
        "Jabatan": "Analis Kepegawaian Ahli Pertama",
        "Kategori Jabatan": "Fungsional",
        "Unit": "Dinas Pendidikan dan Kebudayaan",
        "Email": "agus@example.go.id",
        "Telepon": "0812 3456 7890",
    }
    values.update(overrides)
    return values


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(instansi, data: bytes, filename="pegawai.csv", **kwargs):
    return import_roster(instansi=instansi, rows=roster.parse(data, filename).rows, **kwargs)


# --- good files --------------------------------------------------------------------------------


def test_it_imports_a_good_csv(instansi, unit, bkd_user):
    pns = person(Nama="Maria  Bere", Golongan="iii-b", **{"Kategori Jabatan": "JPT Pratama"})
    pppk = person(NIP=make_nip(pppk=True), Golongan="ix", Unit="Kecamatan Raihat", Telepon="-")
    data = csv_bytes([pns, pppk])

    result = run(instansi, data, actor=bkd_user)

    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 0, 0, [])
    assert result.units_created == ["Kecamatan Raihat"]
    maria = Employee.objects.get(nip=pns["NIP"])
    # Inner spacing is the source's: a name is stored as written, only trimmed at its ends.
    assert (maria.name, maria.golongan, maria.kind) == ("Maria  Bere", "III/b", "PNS")
    assert (maria.jabatan_category, maria.unit, maria.phone) == (
        "jpt_pratama",
        unit,
        "081234567890",
    )
    other = Employee.objects.get(nip=pppk["NIP"])
    assert (other.kind, other.golongan, other.phone, other.is_active) == ("PPPK", "IX", "", True)
    assert other.unit.kind == Unit.Kind.KECAMATAN
    assert other.unit.instansi == instansi
    event = AuditEvent.objects.get(action="roster.import")
    assert (event.actor, event.instansi) == (bkd_user, instansi)
    assert event.detail["created"] == 2


def test_it_imports_a_good_xlsx(instansi):
    rows = [person(Unit="Badan Keuangan Daerah"), person(Unit="badan keuangan  daerah")]
    result = run(instansi, xlsx_bytes(rows), "pegawai.xlsx")
    assert (result.created, result.errors) == (2, [])
    unit = Unit.objects.get(instansi=instansi)
    assert (unit.name, unit.kind) == ("Badan Keuangan Daerah", Unit.Kind.BADAN)
    assert Employee.objects.filter(unit=unit).count() == 2


def test_it_accepts_comma_csv_without_bom_and_loose_headers(instansi):
    header = [" nip ", "NAMA", "golongan", "Jabatan", "kategori_jabatan", "Unit Kerja", "unit"]
    header += ["E-mail", "email", "telepon", "Jenis Unit", "Aktif"]
    row = person(**{"Jenis Unit": "Sekretariat Daerah", "Aktif": "Tidak", "Unit Kerja": "x"})
    row = {**row, " nip ": row["NIP"], "NAMA": "Yuliana Nahak", "golongan": "IV/a"}
    row.update({"kategori_jabatan": "administrator", "unit": "Bagian Umum", "email": ""})
    row.update({"telepon": "+62 812-3456-7890"})
    result = run(instansi, csv_bytes([row], header=header, delimiter=",", encoding="utf-8"))
    assert result.errors == []
    employee = Employee.objects.get()
    assert (employee.name, employee.golongan, employee.is_active) == (
        "Yuliana Nahak",
        "IV/a",
        False,
    )
    assert (employee.phone, employee.unit.kind) == ("+6281234567890", Unit.Kind.SETDA)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_it_reads_windows_and_latin1_encoded_csv(instansi, encoding):
    result = run(instansi, csv_bytes([person(Nama="José Ximenes")], encoding=encoding))
    assert result.errors == []
    assert Employee.objects.get().name == "José Ximenes"


def test_it_reads_utf16_csv_as_excel_saves_unicode_text(instansi):
    data = csv_bytes([person(Nama="Ni Luh Putu")], delimiter="\t", encoding="utf-16")
    assert run(instansi, data).created == 1


def test_the_downloadable_templates_import_as_they_are(instansi):
    for data, name in [(roster.template_csv(), "t.csv"), (roster.template_xlsx(), "t.xlsx")]:
        parsed = roster.parse(data, name)
        assert [row.errors for row in parsed.rows] == [[]]
        assert parsed.rows[0].nip == roster.EXAMPLE_ROW["nip"]


# --- bad rows ----------------------------------------------------------------------------------


def test_it_reports_bad_rows_with_line_column_and_reason(instansi):
    good = person()
    rows = [
        good,
        person(NIP="19850412201013", Email="bukan-email"),
        person(Golongan="V/a", Nama="", **{"Kategori Jabatan": "kepala"}),
        {},  # a blank line is skipped, but still counts as a spreadsheet row
        person(Nama='=HYPERLINK("http://x")', Telepon="12ab"),
        person(NIP=good["NIP"]),
    ]
    errors = roster.parse(csv_bytes(rows)).errors
    by_place = {(e.line, e.column): e.reason for e in errors}
    assert set(by_place) == {
        (2, "nip"),
        (3, "nip"),
        (3, "email"),
        (4, "golongan"),
        (4, "nama"),
        (4, "kategori_jabatan"),
        (6, "telepon"),
        (7, "nip"),
    }
    assert by_place[(3, "nip")] == "NIP harus 18 digit (tertulis 14 digit)."
    assert by_place[(4, "nama")] == "Wajib diisi."
    assert by_place[(2, "nip")] == "NIP yang sama juga ada di baris 7."
    assert by_place[(7, "nip")] == "NIP yang sama juga ada di baris 2."


def test_it_checks_golongan_against_the_kind_from_the_nip(instansi):
    rows = [person(NIP=make_nip(pppk=True), Golongan="III/a"), person(Golongan="XI")]
    errors = roster.parse(csv_bytes(rows)).errors
    assert [(e.line, e.column) for e in errors] == [(2, "golongan"), (3, "golongan")]
    assert "PPPK" in errors[0].reason and "PNS" in errors[1].reason


def test_it_writes_nothing_when_any_row_is_bad(instansi, unit, bkd_user):
    existing = make_employee(unit, "Lama")
    rows = [
        person(NIP=existing.nip, Nama="Nama Baru"),
        person(Unit="Dinas Baru"),
        person(Golongan="Z"),
    ]
    result = run(instansi, csv_bytes(rows), actor=bkd_user)
    assert result.rejected
    assert result.errors == [RowError(4, "golongan", result.errors[0].reason)]
    assert (result.created, result.updated) == (0, 0)
    assert Employee.objects.count() == 1
    assert Employee.objects.get().name == "Lama"
    assert not Unit.objects.filter(name="Dinas Baru").exists()
    # Only the refusal itself is recorded (the BKD's home lists it as work to look at).
    [event] = AuditEvent.objects.all()
    assert (event.action, event.detail["rejected"], event.detail["error_count"]) == (
        "roster.import_rejected", True, 1,
    )  # fmt: skip


def test_it_imports_valid_rows_only_when_asked(instansi):
    rows = [person(), person(Golongan="Z"), person()]
    result = run(instansi, csv_bytes(rows), allow_partial=True)
    assert not result.rejected
    assert (result.created, result.skipped_rows, len(result.errors)) == (2, 1, 1)
    assert Employee.objects.count() == 2


def test_it_rejects_a_nip_held_by_another_instansi(instansi, other_asn_user):
    foreign = other_asn_user.employee
    result = run(instansi, csv_bytes([person(), person(NIP=foreign.nip)]), allow_partial=True)
    assert [(e.line, e.column) for e in result.errors] == [(3, "nip")]
    assert "Pemerintah Kota Kupang" in result.errors[0].reason
    foreign.refresh_from_db()
    assert foreign.instansi != instansi
    assert Employee.objects.filter(instansi=instansi).count() == 1


# --- re-import ---------------------------------------------------------------------------------


def test_reimport_is_idempotent(instansi):
    data = csv_bytes([person(), person(), person(NIP=make_nip(pppk=True), Golongan="V")])
    first = run(instansi, data)
    stamps = dict(Employee.objects.values_list("nip", "updated_at"))
    second = run(instansi, data)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert second.units_created == []
    assert dict(Employee.objects.values_list("nip", "updated_at")) == stamps


def test_it_updates_changed_rows_and_only_lists_employees_missing_from_the_file(instansi, unit):
    kept = make_employee(unit, "Tetap Ada")
    gone = make_employee(unit, "Tidak Ada Di Berkas")
    already_inactive = make_employee(unit, "Sudah Nonaktif", is_active=False)
    moved = person(NIP=kept.nip, Nama="Tetap Ada", Unit="Dinas Kesehatan", Golongan="III/a")
    result = run(instansi, csv_bytes([moved]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert result.missing_count == 1
    assert result.missing == [(gone.nip, "Tidak Ada Di Berkas")]
    kept.refresh_from_db()
    assert kept.unit.name == "Dinas Kesehatan"
    gone.refresh_from_db()
    already_inactive.refresh_from_db()
    assert gone.is_active and not already_inactive.is_active


def test_a_blank_aktif_keeps_the_current_status_and_tidak_deactivates(instansi, unit):
    inactive = make_employee(unit, "Nonaktif", is_active=False, golongan="III/b")
    active = make_employee(unit, "Aktif", golongan="III/b")
    header = [*HEADER, "aktif"]
    rows = [
        person(NIP=inactive.nip, Nama="Nonaktif", Email="", Jabatan="Guru Ahli Pertama"),
        person(NIP=active.nip, Nama="Aktif", Email="", Jabatan="Guru Ahli Pertama", aktif="tidak"),
    ]
    for row in rows:
        row.update(Telepon="", Unit=unit.name)
    result = run(instansi, csv_bytes(rows, header=header))
    assert (result.updated, result.unchanged) == (1, 1)
    assert not Employee.objects.filter(is_active=True).exists()


# --- files that cannot be read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"NIP;Nama\nbukan excel", "pegawai.xlsx", "bukan berkas Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "pegawai.xls", ".xls"),
        (b"PK\x03\x04 rusak", "pegawai.xlsx", "bukan berkas Excel"),
        (b"\x00\x01\x02\x03binary\x00", "pegawai.csv", "tidak dapat dibaca"),
        (b"", "pegawai.csv", "kosong"),
        (b"nip;nama;unit\n", "pegawai.csv", "tidak memuat kolom: golongan"),
        (b"nip;nama;nip\n", "pegawai.csv", "dua kali"),
    ],
)
def test_it_refuses_unreadable_files(data, name, message):
    with pytest.raises(roster.RosterFileError, match=message):
        roster.parse(data, name)


def test_it_refuses_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(roster.RosterFileError, match="bukan berkas Excel"):
        roster.parse(out.getvalue(), "pegawai.xlsx")


def test_it_refuses_a_header_without_data_rows():
    with pytest.raises(roster.RosterFileError, match="tidak berisi baris data"):
        roster.parse(csv_bytes([]))


def test_it_refuses_files_over_the_limits(monkeypatch):
    data = csv_bytes([person(), person(), person()])
    monkeypatch.setattr(roster, "MAX_ROWS", 2)
    with pytest.raises(roster.RosterFileError, match="lebih dari 2 baris"):
        roster.parse(data)
    monkeypatch.setattr(roster, "MAX_FILE_BYTES", len(data) - 1)
    with pytest.raises(roster.RosterFileError, match="melebihi batas"):
        roster.parse(data)


def test_it_refuses_live_formula_cells_in_xlsx(instansi):
    # openpyxl writes a string starting with "=" as a live formula: its value is not in the file.
    data = xlsx_bytes([person(Jabatan="=CONCATENATE(A1,B1)")])
    errors = roster.parse(data, "pegawai.xlsx").errors
    assert [(e.line, e.column) for e in errors] == [(2, "jabatan")]
    assert "rumus Excel" in errors[0].reason


def test_it_explains_a_nip_stored_as_an_excel_number():
    data = xlsx_bytes([person()])
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["A2"] = float(workbook.active["A2"].value)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(roster.RosterFileError, match="sebagai Teks"):
        roster.parse(out.getvalue(), "pegawai.xlsx")


# --- management command ------------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(instansi, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(), person(Unit="Kecamatan Lamaknen")]))
    out = io.StringIO()
    call_command("import_roster", "belu", str(path), stdout=out)
    assert "2 baru, 0 diperbarui, 0 tidak berubah" in out.getvalue()
    assert "unit baru: Kecamatan Lamaknen" in out.getvalue()
    assert Employee.objects.filter(instansi=instansi).count() == 2


def test_the_command_rejects_bad_rows_unless_partial_is_allowed(instansi, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(), person(Email="salah")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Impor ditolak"):
        call_command("import_roster", "belu", str(path), stderr=err)
    assert "baris 3, kolom email: Alamat email tidak sah." in err.getvalue()
    assert not Employee.objects.exists()
    call_command("import_roster", "belu", str(path), "--allow-partial", stdout=io.StringIO())
    assert Employee.objects.count() == 1


def test_the_command_refuses_an_unknown_instansi_or_unreadable_file(instansi, tmp_path):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("import_roster", "atlantis", str(path))
    with pytest.raises(CommandError, match="bukan berkas Excel"):
        call_command("import_roster", "belu", str(path))


# --- views -------------------------------------------------------------------------------------

VIEWS = [
    ("portal:roster_import", []),
    ("portal:roster_template", ["csv"]),
    ("portal:roster_template", ["xlsx"]),
]


@pytest.mark.parametrize(("name", "args"), VIEWS)
def test_roster_views_send_anonymous_visitors_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona", ["asn_user", "camat_user", "sekda_user", "inspektorat_user", "auditor_user"]
)
@pytest.mark.parametrize(("name", "args"), [*VIEWS, ("portal:roster_import_result", [])])
def test_roster_views_refuse_other_roles(request, persona, name, args):
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse(name, args=args)).status_code == 403


def test_roster_upload_refuses_other_roles_on_post(sekda_user):
    upload = SimpleUploadedFile("p.csv", csv_bytes([person()]))
    response = login(sekda_user).post(reverse("portal:roster_import"), {"file": upload})
    assert response.status_code == 403
    assert not Employee.objects.exists()


@pytest.mark.parametrize(("name", "args"), VIEWS)
def test_roster_views_serve_bkd(bkd_user, name, args):
    assert login(bkd_user).get(reverse(name, args=args)).status_code == 200


def test_the_templates_download_as_attachments(bkd_user):
    client = login(bkd_user)
    response = client.get(reverse("portal:roster_template", args=["xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="templat-pegawai.xlsx"'
    assert roster.parse(response.content, "t.xlsx").rows[0].errors == []
    response = client.get(reverse("portal:roster_template", args=["csv"]))
    assert response.content.decode("utf-8-sig").startswith("nip;nama;golongan")
    assert client.get(reverse("portal:roster_template", args=["pdf"])).status_code == 404


def test_the_result_page_without_an_import_goes_back_to_the_form(bkd_user):
    response = login(bkd_user).get(reverse("portal:roster_import_result"))
    assert response.status_code == 302
    assert response.url == reverse("portal:roster_import")


def test_bkd_uploads_a_roster_into_their_own_instansi(bkd_user, instansi, employee):
    client = login(bkd_user)
    upload = SimpleUploadedFile("pegawai.xlsx", xlsx_bytes([person(), person()]))
    response = client.post(reverse("portal:roster_import"), {"file": upload})
    assert response.status_code == 302
    assert response.url == reverse("portal:roster_import_result")
    assert Employee.objects.filter(instansi=instansi).count() == 3
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["result"]["created"] == 2
    html = page.content.decode()
    assert "Tidak ada di berkas" in html
    assert f'<span class="nip">{employee.nip}</span> {employee.name}' in html
    assert AuditEvent.objects.get(action="roster.import").target == "pegawai.xlsx"


def test_the_upload_shows_bad_rows_in_a_table_and_writes_nothing(bkd_user):
    client = login(bkd_user)
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes([person(), person(NIP="123")]))
    response = client.post(reverse("portal:roster_import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert response.context["result"]["rejected"] is True
    html = response.content.decode()
    assert "<td>3</td><td><code>nip</code></td><td>NIP harus 18 digit" in html
    assert not Employee.objects.exists()


def test_the_upload_imports_valid_rows_when_the_box_is_ticked(bkd_user):
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes([person(), person(NIP="123")]))
    data = {"file": upload, "allow_partial": "on"}
    response = login(bkd_user).post(reverse("portal:roster_import"), data, follow=True)
    assert response.context["result"]["created"] == 1
    assert response.context["result"]["skipped_rows"] == 1
    assert Employee.objects.count() == 1


def test_the_upload_refuses_a_file_over_the_size_limit(bkd_user, monkeypatch):
    monkeypatch.setattr(roster, "MAX_FILE_BYTES", 100)
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes([person(), person()]))
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload})
    assert response.status_code == 200
    assert "melebihi batas" in response.content.decode()
    assert not Employee.objects.exists()


def test_the_upload_explains_a_fake_xlsx(bkd_user):
    upload = SimpleUploadedFile("pegawai.xlsx", b"MZ\x90\x00 not a workbook")
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload})
    assert response.status_code == 200
    assert "bukan berkas Excel (.xlsx) yang sah" in response.content.decode()


def test_bkd_sees_the_import_link_and_sekda_does_not(bkd_user, sekda_user):
    link = reverse("portal:roster_import")
    assert link in login(bkd_user).get(reverse("home")).content.decode()
    assert link not in login(sekda_user).get(reverse("home")).content.decode()


def test_it_falls_back_to_windows_encoding_when_a_bom_file_is_not_utf8(instansi):
    data = b"\xef\xbb\xbf" + csv_bytes([person(Nama="Jos\xe9 Ximenes")], encoding="cp1252")
    assert run(instansi, data).errors == []
    assert Employee.objects.get().name == "José Ximenes"


def test_it_refuses_broken_utf16():
    with pytest.raises(roster.RosterFileError, match="pengodean rusak"):
        roster.parse(b"\xff\xfen\x00i\x00\x00\xd8", "pegawai.csv")


def test_a_bkd_of_another_instansi_cannot_take_over_our_employees(other_bkd_user, employee):
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes([person(NIP=employee.nip)]))
    data = {"file": upload, "allow_partial": "on"}
    response = login(other_bkd_user).post(reverse("portal:roster_import"), data, follow=True)
    assert response.context["result"]["errors"][0]["column"] == "nip"
    employee.refresh_from_db()
    assert (employee.instansi.code, employee.name) == ("belu", "Maria Bere, S.Pd.")
    assert not Employee.objects.filter(instansi=other_bkd_user.instansi).exists()


def test_it_refuses_a_csv_cell_too_large_to_be_a_roster_value():
    data = csv_bytes([person(Jabatan="x" * 200_000)])
    with pytest.raises(roster.RosterFileError, match="Baris 2 tidak dapat dibaca"):
        roster.parse(data)


def padded_xlsx(rows, *, blank_rows: int, junk_every: int = 0, wide_cell: bool = False) -> bytes:
    """A real workbook whose sheet gets `blank_rows` empty rows after the data, as a hostile
    file carries millions of them in a few kilobytes (optionally a junk row now and then)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                pad = "<row/>" * blank_rows
                if junk_every:
                    junk = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                    pad = (("<row/>" * (junk_every - 1)) + junk) * (blank_rows // junk_every)
                if wide_cell:
                    pad = '<row><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>' + pad
                data = data.replace(b"</sheetData>", pad.encode() + b"</sheetData>")
            target.writestr(item, data)
    return out.getvalue()


PARSE_AND_MEASURE = """
import resource, sys, time
import django
django.setup()
from portal import roster
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    result = len(roster.parse(open(sys.argv[1], "rb").read(), "pegawai.xlsx").rows)
except roster.RosterFileError as exc:
    result = str(exc)
seconds = time.perf_counter() - started
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
print(repr((result, seconds, grown // 1024)))
"""


def parse_in_a_fresh_process(data: bytes, tmp_path) -> tuple:
    """(rows or error, seconds, peak memory growth in MiB) of parsing `data` on its own; the
    tests assert on memory, which the machine's load does not change."""
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run([sys.executable, "-c", PARSE_AND_MEASURE, str(path)], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return ast.literal_eval(out.strip().splitlines()[-1])


def test_millions_of_empty_rows_stop_early_with_flat_memory(tmp_path):
    data = padded_xlsx([person()], blank_rows=5_000_000)
    assert len(data) < 300_000
    rows, _seconds, grown_mib = parse_in_a_fresh_process(data, tmp_path)
    assert rows == 1 and grown_mib < 30, grown_mib


def test_empty_rows_sprinkled_with_junk_hit_the_line_limit(tmp_path):
    data = padded_xlsx([person()], blank_rows=3_000_000, junk_every=500)
    error, _seconds, grown_mib = parse_in_a_fresh_process(data, tmp_path)
    assert "lebih dari 210.000 baris" in error and grown_mib < 80, grown_mib


def test_a_cell_far_to_the_right_does_not_widen_every_row(tmp_path):
    data = padded_xlsx([person()], blank_rows=50_000, wide_cell=True)
    rows, _seconds, grown_mib = parse_in_a_fresh_process(data, tmp_path)
    assert rows == 1 and grown_mib < 30, grown_mib  # the far cell is not read


# --- parent units ------------------------------------------------------------------------------

PARENT_HEADER = [*HEADER, "Unit Induk"]


def test_a_kelurahan_is_placed_under_its_kecamatan_from_the_file(
    instansi, kecamatan, camat_user, bkd_user
):
    rows = [
        person(Unit="Kelurahan Umanen", **{"Unit Induk": kecamatan.name.upper()}),
        person(Unit="Kelurahan Berdao", **{"Unit Induk": "Kecamatan Atambua Selatan"}),
        person(Unit="Kelurahan Umanen"),  # blank: nothing to change
    ]
    result = run(instansi, csv_bytes(rows, header=PARENT_HEADER), actor=bkd_user)
    assert result.errors == []
    umanen = Unit.objects.get(name="Kelurahan Umanen")
    berdao = Unit.objects.get(name="Kelurahan Berdao")
    assert (umanen.kind, umanen.parent) == (Unit.Kind.KELURAHAN, kecamatan)
    assert berdao.parent.name == "Kecamatan Atambua Selatan"
    assert berdao.parent.kind == Unit.Kind.KECAMATAN
    assert result.units_placed == [
        "Kelurahan Berdao (Kecamatan Atambua Selatan)",
        f"Kelurahan Umanen ({kecamatan.name})",
    ]
    # The camat now sees the kelurahan's staff without anyone opening the Django admin.
    visible = Employee.objects.visible_to(camat_user)
    assert visible.filter(unit=umanen).count() == 2
    assert not visible.filter(unit=berdao).exists()
    event = AuditEvent.objects.get(action="roster.import")
    assert len(event.detail["units_placed"]) == 2
    # Importing again changes nothing, and a blank cell keeps the stored parent.
    again = run(instansi, csv_bytes([person(Unit="Kelurahan Umanen")], header=PARENT_HEADER))
    assert again.units_placed == []
    umanen.refresh_from_db()
    assert umanen.parent == kecamatan


def test_the_result_page_lists_the_placed_units(bkd_user, kecamatan):
    rows = [person(Unit="Kelurahan Umanen", **{"Unit Induk": kecamatan.name})]
    upload = SimpleUploadedFile("p.csv", csv_bytes(rows, header=PARENT_HEADER))
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload}, follow=True)
    assert f"Kelurahan Umanen ({kecamatan.name})" in response.content.decode()


def test_parent_units_that_contradict_or_loop_are_refused(instansi, kecamatan):
    kelurahan = Unit.objects.create(
        instansi=instansi, name="Kelurahan Umanen", kind=Unit.Kind.KELURAHAN, parent=kecamatan
    )
    rows = [
        person(Unit="Kelurahan Fatubenao", **{"Unit Induk": kecamatan.name}),
        person(Unit="Kelurahan Fatubenao", **{"Unit Induk": "Kecamatan Lain"}),
        person(Unit="Dinas Sosial", **{"Unit Induk": "dinas  sosial"}),
        person(Unit=kecamatan.name, **{"Unit Induk": kelurahan.name}),
    ]
    result = run(instansi, csv_bytes(rows, header=PARENT_HEADER), allow_partial=True)
    reasons = {(e.line, e.column): e.reason for e in result.errors}
    assert set(reasons) == {(3, "unit_induk"), (4, "unit_induk"), (5, "unit_induk")}
    assert reasons[(3, "unit_induk")] == "Unit ini sudah diberi unit induk lain di baris 2."
    assert "itu sendiri" in reasons[(4, "unit_induk")]
    assert "lingkaran" in reasons[(5, "unit_induk")]
    kecamatan.refresh_from_db()
    assert kecamatan.parent is None
    assert Unit.objects.get(name="Kelurahan Fatubenao").parent == kecamatan
