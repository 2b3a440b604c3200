from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import roster
from portal.models import Instansi
from portal.services import import_roster_file


class Command(BaseCommand):
    help = "Mengimpor daftar pegawai (CSV atau XLSX) ke satu instansi, dicocokkan menurut NIP."

    def add_arguments(self, parser) -> None:
        parser.add_argument("instansi_code", help="kode instansi, mis. belu")
        parser.add_argument("file", type=Path, help="berkas .csv atau .xlsx")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="impor baris yang valid saja dan lewati baris yang salah",
        )

    def handle(self, *args, instansi_code: str, file: Path, allow_partial: bool, **options):
        try:
            instansi = Instansi.objects.get(code=instansi_code)
        except Instansi.DoesNotExist:
            raise CommandError(f"Instansi dengan kode '{instansi_code}' tidak ada.") from None
        if not file.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            with file.open("rb") as fh:
                result = import_roster_file(
                    instansi=instansi, file=fh, filename=file.name, allow_partial=allow_partial
                )
        except roster.RosterFileError as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            self.stderr.write(f"baris {error.line}, kolom {error.column}: {error.reason}")
        if result.rejected:
            raise CommandError(
                f"Impor ditolak: {len(result.errors)} kesalahan di {result.skipped_rows} baris; "
                "tidak ada data yang diubah. Perbaiki berkas atau pakai --allow-partial."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Impor selesai untuk {instansi}: {result.created} baru, {result.updated} "
                f"diperbarui, {result.unchanged} tidak berubah, {result.skipped_rows} baris "
                f"dilewati, {len(result.units_created)} unit baru."
            )
        )
        for name in result.units_created:
            self.stdout.write(f"  unit baru: {name}")
        for name in result.units_placed:
            self.stdout.write(f"  unit induk: {name}")
        if result.missing_count:
            self.stdout.write(
                f"{result.missing_count} pegawai aktif tidak ada di berkas (tidak diubah)."
            )
