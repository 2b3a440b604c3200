import hashlib

from django.core.management.base import BaseCommand, CommandError

from pledges.models import Certificate, ReviewEvent, Signature
from portal.evidence import verify
from portal.models import Instansi

EVIDENCE_TABLES = [("tanda tangan", Signature), ("keputusan telaah", ReviewEvent)]


class Command(BaseCommand):
    help = "Menghitung ulang rantai hash bukti dan menyebut catatan pertama yang rusak."

    def add_arguments(self, parser) -> None:
        parser.add_argument("instansi", nargs="?", help="kode instansi (kosong: semua)")
        parser.add_argument(
            "--certificates",
            action="store_true",
            help="juga hitung ulang SHA-256 setiap sertifikat tersimpan",
        )

    def handle(self, *args, instansi: str | None = None, certificates: bool = False, **options):
        regions = Instansi.objects.order_by("code")
        if instansi:
            regions = regions.filter(code=instansi)
            if not regions:
                raise CommandError(f"Instansi '{instansi}' tidak ada.")
        broken = 0
        for region in regions:
            for label, model in EVIDENCE_TABLES:
                chain = model(instansi=region).chain_key()
                count = model.objects.filter(chain=chain).count()
                found = verify(model, chain)
                if found is None:
                    self.stdout.write(f"OK     {region.code:<12} {label}: {count} catatan")
                else:
                    broken += 1
                    self.stdout.write(
                        f"RUSAK  {region.code:<12} {label}: catatan #{found.seq} "
                        f"(id {found.pk}): {found.reason}"
                    )
            if certificates:
                broken += self.check_certificates(region)
        if broken:
            raise CommandError(f"{broken} rantai atau sertifikat rusak.")

    def check_certificates(self, region: Instansi) -> int:
        """Stored PDFs must still hash to what was recorded when they were issued."""
        bad = total = 0
        for cert in Certificate.objects.filter(signature__instansi=region).iterator():
            total += 1
            try:
                with cert.file.open("rb") as fh:
                    digest = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError:
                digest = "hilang"
            if digest != cert.sha256:
                bad += 1
                self.stdout.write(f"RUSAK  {region.code:<12} sertifikat {cert.signature.code}")
        if not bad:
            self.stdout.write(f"OK     {region.code:<12} sertifikat: {total} berkas")
        return bad
