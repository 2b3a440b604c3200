"""Render every kind of document the portal issues, from the demo data, to PNG for the docs.

    .venv/bin/python docs/documents/make.py [--out docs/documents] [--dpi 100] [--extreme]

Runs on a throwaway SQLite database and media folder (a temporary directory, removed at the
end): migrate, `seed_demo`, then sign and issue through the same services the portal uses. One
PNG per page, `<kind>-<page>.png` (`-<page>` only for documents of more than one page). With
--extreme it also renders the worst cases the roster allows (300-character Unicode names,
200-character jabatan and unit names, a witness), for looking at, into the same folder.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "https://netralitas.example.go.id"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "documents"))
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--extreme", action="store_true", help="also the worst-case layouts")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="documents-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "media"), SITE_URL=SITE_URL, LOG_LEVEL="WARNING",
        TASK_BACKEND="django_tasks.backends.dummy.DummyBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )  # fmt: skip
    os.environ.pop("DEFAULT_STORAGE_BACKEND", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo", staff_per_unit=2, stdout=io.StringIO())
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, pdf in documents(extreme=args.extreme):
            for path in write_pngs(pdf, out, name, args.dpi):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


def write_pngs(pdf: bytes, out: Path, name: str, dpi: int) -> list[Path]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    paths = []
    for index, page in enumerate(document, start=1):
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        # A 64-colour palette keeps a page of text near 100 kB without visible loss.
        image = image.quantize(colors=64)
        path = out / (f"{name}-{index}.png" if len(document) > 1 else f"{name}.png")
        image.save(path, optimize=True)
        paths.append(path)
    return paths


def stroke_png(seed: int) -> bytes:
    """A handwritten-looking stroke, like signature_pad produces on a phone."""
    import math
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (40 + i * 9, 110 + 55 * math.sin(i / 4 + rng.random()) * math.exp(-i / 90))
        for i in range(55)
    ]
    draw.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
    draw.line([(300, 150), (560, 120)], fill=(20, 20, 60, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def drawn(seed: int, points: int = 4):
    import base64

    from pledges.services import SignatureInput

    url = "data:image/png;base64," + base64.b64encode(stroke_png(seed)).decode()
    return SignatureInput(method="drawn", confirmed_points=points, drawn_data_url=url)


def typed(name: str, points: int = 4):
    from pledges.services import SignatureInput

    return SignatureInput(method="typed", confirmed_points=points, typed_name=name)


def certificate(signature) -> bytes:
    from pledges.certificates import issue_certificate

    return issue_certificate(signature.pk).file.read()


def documents(*, extreme: bool):
    from pledges import bulk, services
    from pledges.demo import PRACTICE_TITLE
    from pledges.models import IKRAR_POINTS, BulkExport, Campaign, Signature
    from pledges.national_texts import IKRAR_CLOSING, PAKTA_CLOSING, PAKTA_PROHIBITIONS
    from portal.models import Employee, Instansi, Unit, User

    belu = Instansi.objects.get(code="belu")
    # The open practice campaign (the 2024 one is closed): what a demo login signs today.
    campaign = Campaign.objects.get(instansi=belu, title=PRACTICE_TITLE)
    teacher = User.objects.get(username__regex=r"^\d{18}$", employee__jabatan__startswith="Guru",
                               employee__instansi=belu).employee  # fmt: skip
    ikrar = services.sign_ikrar(employee=teacher, campaign=campaign, data=drawn(1))
    yield "ikrar", certificate(ikrar)

    typed_one = (
        Signature.objects.filter(campaign=campaign, kind="ikrar", employee__kind="PPPK")
        .order_by("pk")
        .first()
    )
    yield "ikrar-pppk-diketik", certificate(typed_one)

    camat_unit = Unit.objects.filter(instansi=belu, kind=Unit.Kind.KECAMATAN).order_by("pk")[0]
    pakta = services.sign_pakta(employee=camat_unit.head, unit=camat_unit, campaign=campaign,
                                data=drawn(2))  # fmt: skip
    yield "pakta", certificate(pakta)
    sekda = User.objects.get(username="sekda.belu").employee
    witness = services.sign_witness(signer=sekda, pakta=pakta, data=drawn(3))
    yield "pakta-disaksikan", certificate(witness)

    # Kupang prints on F4 and uses the PP 94/2021 prohibitions as its pakta.
    kupang = Instansi.objects.get(code="kupang")
    kupang_campaign = Campaign.objects.create(
        instansi=kupang, title="Pemilihan Gubernur, Bupati dan Wali Kota Tahun 2024",
        opens_on=campaign.opens_on, closes_on=campaign.closes_on, ikrar_points=IKRAR_POINTS,
        ikrar_closing=IKRAR_CLOSING, pakta_closing=PAKTA_CLOSING,
        pakta_variant=Campaign.PaktaVariant.PROHIBITIONS, pakta_points=PAKTA_PROHIBITIONS,
    )  # fmt: skip
    unit = Unit.objects.filter(instansi=kupang, kind=Unit.Kind.DINAS, head__isnull=False)[0]
    points = len(kupang_campaign.points_for("pakta"))
    larangan = services.sign_pakta(employee=unit.head, unit=unit, campaign=kupang_campaign,
                                   data=typed(unit.head.name, points))  # fmt: skip
    yield "pakta-larangan-f4", certificate(larangan)

    bkd = User.objects.get(username="bkd.belu")
    export = BulkExport.objects.create(instansi=belu, campaign=campaign,
                                       kind=BulkExport.Kind.PAKTA_ZIP, created_by=bkd)  # fmt: skip
    yield "rekap-pakta", bulk.recap_pdf(export)

    yield from sanctions_documents(belu, bkd)

    if extreme:
        yield from extreme_documents(belu, campaign, Employee, Unit, services)


def sanctions_documents(instansi, actor):
    from django.test import Client

    from sanctions.models import Case, Stage
    from tests.sanctions_helpers import make_case, put_in_stage

    staff = instansi.employees.filter(kind="PNS").order_by("pk")[5]
    case = make_case(staff, actor, violations=("netral-kampanye", "netral-fasilitas"))
    put_in_stage(case, Stage.DECISION, actor)
    Case.objects.filter(pk=case.pk).update(
        examined_on="2025-05-22",
        examination_team="Kepala Subbagian Umum (atasan langsung)\nInspektur Pembantu Wilayah I\n"
        "Analis Kepegawaian Ahli Muda",
    )
    client = Client()
    client.force_login(actor, backend="portal.backends.UserBackend")
    for name, url in [("sk-hukuman-disiplin", "sk"), ("bap", "bap")]:
        response = client.get(f"/hukdis/{case.pk}/{url}.pdf")
        assert response.status_code == 200, (url, response.status_code)
        yield name, response.content


def extreme_documents(instansi, campaign, Employee, Unit, services):
    from pledges.certificates import issue_certificate
    from portal.models import User

    bkd = User.objects.get(username=f"bkd.{instansi.code}")

    long_unit = Unit.objects.create(
        instansi=instansi, kind=Unit.Kind.DINAS,
        name=("Dinas Pemberdayaan Masyarakat, Desa, Perempuan dan Perlindungan Anak serta "
              "Pengendalian Penduduk dan Keluarga Berencana " * 3)[:200],
    )  # fmt: skip
    names = {
        "latin": ("Maria Goreti Theresia Yosefina Bernadeta " * 10)[:300],
        "fullwidth": ("ＭＡＲＩＡ　ＢＥＲＥ　王小明　محمد عبد الله " * 20)[:300],
        "nospace": "A" * 300,
    }
    serial = 0
    for key, name in names.items():
        for pppk in (False, True):
            serial += 1
            raw = f"19900101{'202121' if pppk else '201503'}1{serial:03d}"
            employee = Employee.objects.create(
                instansi=instansi, unit=long_unit, nip=raw, name=name, golongan="IX" if pppk
                else "III/a", jabatan=("Penata Kelola Sistem dan Teknologi Informasi Ahli "
                "Pertama pada Bidang ") * 3,
            )  # fmt: skip
            for method in ("drawn", "typed"):
                data = drawn(serial) if method == "drawn" else typed(name)
                signature = services.sign_ikrar(employee=employee, campaign=campaign, data=data)
                kind = "pppk" if pppk else "pns"
                yield f"x-ikrar-{key}-{kind}-{method}", issue_certificate(signature.pk).file.read()
                # Revoked as a BKD admin would, so the same employee may sign again: the
                # status follows the review chain (a trigger refuses a bare update).
                services.review(signature=signature, action="cabut", reason="contoh ekstrem",
                                actor=bkd)  # fmt: skip
    long_unit.head = employee
    long_unit.head_title = ("Kepala Dinas Pemberdayaan Masyarakat dan Desa " * 5)[:200]
    long_unit.save()
    pakta = services.sign_pakta(employee=employee, unit=long_unit, campaign=campaign,
                                data=typed(employee.name))  # fmt: skip
    yield "x-pakta", issue_certificate(pakta.pk).file.read()
    # A head cannot witness their own pakta: the Sekda does, as in the ordinary set.
    sekda = User.objects.get(username=f"sekda.{instansi.code}").employee
    witness = services.sign_witness(signer=sekda, pakta=pakta, data=drawn(7))
    yield "x-pakta-witness", issue_certificate(witness.pk).file.read()


if __name__ == "__main__":
    main()
