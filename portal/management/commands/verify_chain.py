from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal import checkpoints
from portal.evidence import ChainHead, chained_models, verify
from portal.models import Instansi


class Command(BaseCommand):
    help = (
        "Menghitung ulang setiap rantai bukti, membandingkannya dengan checkpoint terakhir, "
        "memeriksa kolom turunan (status) dan, dengan --files, berkas tersimpan; menyebut setiap "
        "catatan yang rusak."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("instansi", nargs="?", help="kode instansi (kosong: semua)")
        parser.add_argument(
            "--files",
            action="store_true",
            help="juga hitung ulang SHA-256 setiap gambar dan dokumen tersimpan",
        )

    def handle(self, *args, **options):
        # Its report is read by operators and quoted in incident notes: always Indonesian.
        with translation.override(settings.LANGUAGE_CODE):
            self.run(**options)

    def run(self, *, instansi: str | None = None, files: bool = False, **options):
        codes = dict(Instansi.objects.values_list("pk", "code"))
        wanted = None
        if instansi:
            wanted = {pk for pk, code in codes.items() if code == instansi}
            if not wanted:
                raise CommandError(f"Instansi '{instansi}' tidak ada.")
        try:
            checkpoint = checkpoints.latest()
        except checkpoints.CheckpointError as exc:
            raise CommandError(f"RUSAK  {exc}") from None
        if checkpoint is None:
            self.stdout.write(
                "PERINGATAN: belum ada checkpoint di luar basis data; jalankan "
                "manage.py anchor_chains dengan timer (docs/deployment.md)."
            )
        broken = 0
        for model in chained_models():
            label = str(model._meta.verbose_name)
            prefix = f"{model.chain_prefix}:"
            names = set(model.objects.values_list("chain", flat=True).distinct())
            names |= set(
                ChainHead.objects.filter(chain__startswith=prefix).values_list("chain", flat=True)
            )
            if checkpoint is not None:
                names |= {c for c in checkpoint.heads if c.startswith(prefix)}
            chains = sorted(c for c in names if _wanted(c, wanted))
            for chain in chains:
                where = _where(chain, codes)
                problems = []
                found = verify(model, chain)
                if found is not None:
                    problems.append(f"catatan #{found.seq} (id {found.pk}): {found.reason}")
                if checkpoint is not None:
                    problems += checkpoints.problems(checkpoint, model, chain)
                if problems:
                    broken += len(problems)
                    for problem in problems:
                        self.stdout.write(f"RUSAK  {where:<12} {label}: {problem}")
                else:
                    count = model.objects.filter(chain=chain).count()
                    self.stdout.write(f"OK     {where:<12} {label}: {count} catatan")
            for problem in model.derived_problems(chains):
                broken += 1
                self.stdout.write(f"RUSAK  {label}: {problem}")
            if files:
                checked, problems = model.check_files(chains)
                for problem in problems:
                    self.stdout.write(f"RUSAK  {label}: {problem}")
                broken += len(problems)
                if checked and not problems:
                    self.stdout.write(f"OK     berkas {label}: {checked} berkas")
        if broken:
            raise CommandError(f"{broken} masalah pada rantai bukti atau berkas.")


def _wanted(chain: str, wanted: set[int] | None) -> bool:
    if wanted is None:
        return True
    suffix = chain.rpartition(":")[2]
    return suffix.isdigit() and int(suffix) in wanted


def _where(chain: str, codes: dict[int, str]) -> str:
    suffix = chain.rpartition(":")[2]
    return codes.get(int(suffix), chain) if suffix.isdigit() else chain
