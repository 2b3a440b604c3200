import random

from django.core.management.base import BaseCommand
from django.db import transaction

from pledges import demo as pledges_demo
from portal import demo
from portal.models import Instansi
from sanctions import demo as sanctions_demo


class Command(BaseCommand):
    help = "Membuat data demo: empat pemerintah daerah, unit, ASN, dan satu akun per peran."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--staff-per-unit", type=int, default=8)

    @transaction.atomic
    def handle(self, *args, staff_per_unit: int, **options) -> None:
        logins = demo.seed(staff_per_unit=staff_per_unit)
        codes = [region["code"] for region in demo.REGIONS]
        for instansi in Instansi.objects.filter(code__in=codes).order_by("code"):
            rng = random.Random(f"demo-{instansi.code}")
            pledges_demo.seed(instansi, rng=rng)
            sanctions_demo.seed(instansi, rng=rng)
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap. Akun demo (kata sandi semua: {demo.DEMO_PASSWORD}):"
            )
        )
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<22} {login.description}")
