"""Screenshots of each role's main pages on a phone (360x740) and a desktop (1366x768).

    .venv/bin/python docs/screenshots/make.py [--out docs/screenshots]

Runs the demo on a throwaway SQLite database and media folder (a temporary directory, removed at
the end): migrate, `seed_demo` plus the records of tests/e2e/walk.py (a signature under review
and one returned, discipline cases, an open apel, a paper sheet with its scan), then a live
server on a free port driven by Playwright with Debian's Chromium. Each role walks its pages
exactly as the phone-width sweep (tests/e2e/test_phone_sweep.py) does; the pages named in SHOTS
are photographed. The apel report, the paper sheet and a paper certificate are PDFs: their first
page is rendered to PNG. Writes the PNGs (64-colour palettes, a few MB in all) and README.md.
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
SITE_URL = "https://netralitas.example.go.id"  # printed in QR codes and documents
PHONE_MAX_HEIGHT = 2200  # px of a full-page phone shot kept; the rest is more of the same
DESKTOP_MAX_HEIGHT = 1300

# persona key -> (view name, caption, viewports); the walk finds the URLs.
SHOTS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "anonymous": [
        ("login", "Masuk", ("phone", "desktop")),
        ("pledges:verify_index", "Verifikasi dokumen", ("phone",)),
        ("pledges:verify", "Hasil verifikasi sertifikat", ("phone", "desktop")),
        ("accounts:activate", "Aktivasi dengan kode surat", ("phone",)),
    ],
    "asn": [
        ("home", "Beranda ASN: apa yang harus dilakukan", ("phone", "desktop")),
        ("pledges:sign", "Menandatangani ikrar", ("phone", "desktop")),
    ],
    "asn_history": [
        ("home", "Beranda ASN: dikembalikan, tanda tangani ulang", ("phone",)),
        ("pledges:signed", "Tanda tangan tercatat", ("phone",)),
    ],
    "camat": [
        ("home", "Beranda camat: pakta dan kemajuan unit", ("phone", "desktop")),
        ("pledges:unit_progress", "Kemajuan ikrar unit", ("phone",)),
        ("pledges:sign_pakta", "Menandatangani pakta integritas", ("phone",)),
        ("pledges:paper_start", "Lembar ikrar kertas: cetak", ("phone",)),
    ],
    "kadis": [("home", "Beranda kepala OPD", ("phone",))],
    "bkd": [
        ("home", "Beranda admin BKD", ("phone", "desktop")),
        ("pledges:dashboard", "Dasbor kepatuhan", ("phone", "desktop")),
        ("pledges:review_queue", "Antrean telaah", ("phone", "desktop")),
        ("pledges:review_detail", "Telaah satu tanda tangan", ("phone", "desktop")),
        ("pledges:campaign_list", "Kampanye", ("phone",)),
        ("pledges:apel", "Apel: halaman apel", ("phone", "desktop")),
        ("pledges:apel_screen", "Apel: layar proyektor", ("desktop",)),
        ("pledges:paper_sheet", "Kertas: unggah pindaian dan centang", ("phone", "desktop")),
        ("portal:audit_log", "Log audit", ("phone",)),
        ("sanctions:list", "Kasus hukuman disiplin", ("phone",)),
    ],
    "sekda": [
        ("home", "Beranda Sekda", ("phone", "desktop")),
        ("pledges:pakta_recap", "Rekap pakta integritas", ("phone", "desktop")),
    ],
    "inspektorat": [
        ("home", "Beranda Inspektorat", ("phone",)),
        ("sanctions:detail", "Kasus hukuman disiplin", ("phone", "desktop")),
        ("sanctions:overdue", "Tenggat terlewat", ("phone",)),
    ],
    "auditor": [
        ("home", "Beranda auditor nasional", ("phone", "desktop")),
        ("pledges:dashboard_latest", "Dasbor nasional", ("phone",)),
    ],
    "bupati": [("home", "Beranda bupati", ("phone",))],
}
# (persona, view name, caption): PDFs whose first page is shown.
PDFS = [
    ("bkd", "pledges:apel_report", "Apel: laporan apel (PDF)"),
    ("bkd", "pledges:paper_sheet_pdf", "Kertas: lembar ikrar untuk dicetak (PDF)"),
    ("bkd", "paper_certificate", "Kertas: sertifikat ikrar di atas kertas (PDF)"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="screenshots-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "media"), LOG_LEVEL="WARNING", DEBUG="1", SITE_URL=SITE_URL,
        TASK_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",  # Playwright's sync API runs an event loop here
    )  # fmt: skip
    os.environ.pop("DEFAULT_STORAGE_BACKEND", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from tests.e2e import walk

        call_command("migrate", verbosity=0)
        personas = walk.seed(staff_per_unit=4)
        from django.conf import settings

        # Media goes through permission-checked views only (MEDIA_URL None), which the live
        # server's media handler cannot parse; a URL on another host makes it serve nothing.
        settings.MEDIA_URL = "http://media.invalid/"
        server = start_server()
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.png"):
            old.unlink()
        rows = shoot(personas, server.url, out)
        write_index(out, rows)
        total = sum(p.stat().st_size for p in out.glob("*.png"))
        print(f"{len(list(out.glob('*.png')))} PNG, {total / 2**20:.1f} MB in {out}")
    finally:
        if server is not None:
            server.terminate()
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


def start_server():
    """Django's live-server thread, static files included (DEBUG on, as `make run`)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("localhost", StaticFilesHandler, connections_override={}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    thread.url = f"http://localhost:{thread.port}"
    return thread


def shoot(personas, base: str, out: Path) -> list[tuple[str, str, str, dict[str, str]]]:
    from playwright.sync_api import sync_playwright

    from tests.e2e import walk

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ])  # fmt: skip
        for persona in personas:
            wanted = {name: (caption, views) for name, caption, views in SHOTS.get(persona.key, [])}
            found: dict[str, str] = {}

            def note(page, path, wanted=wanted, found=found):
                name = walk.page_key(path).split("?", 1)[0]
                if name in wanted and name not in found and "?" not in path:
                    found[name] = path

            context = browser.new_context(viewport=walk.PHONE, locale="id-ID")
            page = context.new_page()
            walk.walk(page, base, persona, visit=note)
            for name, (caption, views) in wanted.items():
                if name not in found:
                    print(f"  not reached: {persona.key} {name}", file=sys.stderr)
                    continue
                files = {}
                for view in views:
                    page.set_viewport_size(walk.PHONE if view == "phone" else walk.DESKTOP)
                    page.goto(base + found[name], wait_until="networkidle")
                    stem = f"{persona.key}-{name.split(':')[-1].replace('_', '-')}-{view}"
                    files[view] = save_png(page.screenshot(full_page=True), out / f"{stem}.png",
                                           PHONE_MAX_HEIGHT if view == "phone"
                                           else DESKTOP_MAX_HEIGHT)  # fmt: skip
                rows.append((persona.label, caption, found[name], files))
            if persona.key == "bkd":
                rows += shoot_pdfs(context, base, out)
            context.close()
        browser.close()
    return rows


def shoot_pdfs(context, base: str, out: Path):
    """The apel report, the printable paper sheet and a paper certificate, first page each."""
    from django.urls import reverse

    from pledges.models import Apel, PaperSheet, Signature

    apel = Apel.objects.order_by("pk").first()
    sheet = PaperSheet.objects.filter(scans__isnull=False).order_by("pk").first()
    paper = Signature.objects.filter(method="kertas").order_by("pk").first()
    urls = {
        "pledges:apel_report": reverse("pledges:apel_report", args=[apel.pk]),
        "pledges:paper_sheet_pdf": reverse("pledges:paper_sheet_pdf", args=[sheet.code]),
        "paper_certificate": reverse("pledges:certificate", args=[paper.code]),
    }
    import pypdfium2

    rows = []
    for _persona, name, caption in PDFS:
        response = context.request.get(base + urls[name])
        assert response.ok and response.body()[:4] == b"%PDF", (name, response.status)
        image = pypdfium2.PdfDocument(response.body())[0].render(scale=100 / 72).to_pil()
        stem = name.split(":")[-1].replace("_", "-")
        path = out / f"pdf-{stem}.png"
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG")
        rows.append(("PDF", caption, urls[name], {"pdf": save_png(buffer.getvalue(), path, 2000)}))
    return rows


def save_png(png: bytes, path: Path, max_height: int) -> str:
    """A 64-colour palette keeps a screen of text near 50 kB without visible loss."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return path.name


def write_index(out: Path, rows) -> None:
    lines = [
        "# Tangkapan layar",
        "",
        "Dibuat oleh `docs/screenshots/make.py` dari data demo (`manage.py seed_demo`), di ponsel",
        "(360 × 740) dan desktop (1366 × 768). Halaman ponsel dipotong pada "
        f"{PHONE_MAX_HEIGHT} px. Jalankan lagi setelah mengubah tampilan:",
        "",
        "    .venv/bin/python docs/screenshots/make.py",
        "",
        "| Peran | Halaman | Alamat | Ponsel | Desktop |",
        "|---|---|---|---|---|",
    ]
    for role, caption, url, files in rows:
        phone = files.get("phone") or files.get("pdf")
        desktop = files.get("desktop")
        cell = lambda name: f"[{name}]({name})" if name else "—"  # noqa: E731
        lines.append(f"| {role} | {caption} | `{url}` | {cell(phone)} | {cell(desktop)} |")
    (out / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
