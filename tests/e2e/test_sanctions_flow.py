"""A BKD admin walks a neutrality case from report to a sedang decision in the browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sanctions.models import Case, Stage
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def step(page: Page, stage_label: str, day: str, note: str = "") -> None:
    page.get_by_role("link", name=stage_label, exact=True).click()
    page.locator("#id_occurred_on").fill(day)
    if note:
        page.get_by_label("Catatan").fill(note)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Tahap kasus diperbarui.")).to_be_visible()


def test_it_walks_a_case_from_report_to_decision(live_server, page: Page, bkd_user, employee):
    base = live_server.url
    today = timezone.localdate().isoformat()
    log_in(page, base, bkd_user.username)
    page.get_by_role("link", name="Hukuman disiplin").first.click()
    page.get_by_role("link", name="Catat kasus baru").click()

    page.get_by_label("NIP / NI PPPK pegawai terlapor").fill(employee.nip_display)
    page.get_by_label("Sumber laporan").select_option(label="Bawaslu (rekomendasi/penerusan)")
    page.get_by_label("Nomor rekomendasi/laporan").fill("045/Rek/Bawaslu-Belu/2025")
    page.get_by_label("Tanggal diterima").fill(today)
    page.get_by_label("Ikut kampanye untuk mendukung calon", exact=True).check()
    page.get_by_label("Uraian kejadian").fill("Hadir dalam kampanye calon bupati pada jam kerja.")
    page.get_by_role("button", name="Simpan kasus").click()
    expect(page.get_by_text("Kasus dicatat.")).to_be_visible()

    step(page, "Panggilan I", today, "Surat panggilan I dikirim.")
    step(page, "Pemeriksaan", today)
    step(page, "Berita Acara Pemeriksaan", today)

    page.get_by_role("link", name="Keputusan", exact=True).click()
    page.locator("#id_occurred_on").fill(today)
    page.get_by_label("Tingkat hukuman disiplin").select_option("sedang")
    page.get_by_label("Jenis hukuman / keputusan").select_option(
        label="Pemotongan tunjangan kinerja 25% selama 9 bulan"
    )
    page.get_by_label("Nomor SK").fill("800.1.6.4/77/BKPSDM/2025")
    page.get_by_label("Tanggal SK").fill(today)
    page.get_by_label("Nama pejabat yang menjatuhkan").fill("Agustinus Taolin, S.H., M.Si.")
    page.get_by_label("Jabatan pejabat").fill("Bupati Belu")
    page.get_by_label("Kedudukan pejabat").select_option("ppk")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_text("Tahap kasus diperbarui.")).to_be_visible()
    sk_link = page.get_by_role("link", name="Unduh SK Hukuman Disiplin (PDF)")
    expect(sk_link).to_be_visible()
    case = Case.objects.get()
    assert case.stage == Stage.DECISION
    assert case.decision.sanction_type.code == "tpp-25-9"
    response = page.request.get(base + sk_link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")
