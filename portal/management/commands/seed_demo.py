from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Membuat data demo: empat pemerintah daerah, unit, ASN, dan satu akun per peran."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--staff-per-unit", type=int, default=8)

    def handle(self, *args, staff_per_unit: int, **options) -> None:
        logins = demo.seed(staff_per_unit=staff_per_unit)
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap. Akun demo (kata sandi semua: {demo.DEMO_PASSWORD}):"
            )
        )
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<22} {login.description}")
