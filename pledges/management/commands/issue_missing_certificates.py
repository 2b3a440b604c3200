from django.core.management.base import BaseCommand

from pledges.models import Signature
from pledges.tasks import render_certificate


class Command(BaseCommand):
    help = (
        "Mengantrekan ulang sertifikat yang belum terbit (mis. pekerja latar mati saat "
        "merender). Aman dijalankan berkala: sertifikat yang sudah ada tidak dibuat dua kali."
    )

    def handle(self, *args, **options):
        missing = Signature.objects.filter(certificate__isnull=True).values_list("pk", flat=True)
        count = 0
        for pk in missing.iterator(chunk_size=1000):
            render_certificate.enqueue(pk)
            count += 1
        self.stdout.write(f"{count} sertifikat diantrekan.")
