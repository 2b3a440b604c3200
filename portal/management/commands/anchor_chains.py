from django.core.management.base import BaseCommand

from portal import checkpoints


class Command(BaseCommand):
    help = (
        "Menulis checkpoint setiap rantai bukti (panjang, hash terakhir, HMAC) ke penyimpanan "
        "di luar basis data. Jalankan dengan timer, mis. tiap 15 menit."
    )

    def handle(self, *args, **options) -> None:
        checkpoint = checkpoints.write()
        self.stdout.write(f"Checkpoint {checkpoint.name}: {len(checkpoint.heads)} rantai.")
