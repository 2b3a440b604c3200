"""Catalogue values from domain.md (PP 94/2021, SKB 2022, PP 79/2021).

Loaded once; BKD edits them in the admin afterwards. Values marked unverified in domain.md
(interim substitutes, deadlines, the attendance scale, the holiday calendar) must be checked
by the administrator against the official texts: SKB tiga menteri on national holidays and
cuti bersama for each year.
"""

import datetime
from decimal import Decimal

from django.db import migrations

PP94 = "PP 94/2021 Pasal 8"
# code, name, kind, level, severity, months, percentage, pns, pppk, appeal route, basis
SANCTIONS = [
    ("teguran-lisan", "Teguran lisan", "disiplin", "ringan", 1, None, None, True, True, "keberatan", PP94),
    ("teguran-tertulis", "Teguran tertulis", "disiplin", "ringan", 2, None, None, True, True, "keberatan", PP94),
    ("pernyataan-tidak-puas", "Pernyataan tidak puas secara tertulis", "disiplin", "ringan", 3, None, None, True, True, "keberatan", PP94),
    ("tpp-25-6", "Pemotongan tunjangan kinerja 25% selama 6 bulan", "disiplin", "sedang", 4, 6, Decimal("25"), True, True, "keberatan", PP94),
    ("tpp-25-9", "Pemotongan tunjangan kinerja 25% selama 9 bulan", "disiplin", "sedang", 5, 9, Decimal("25"), True, True, "keberatan", PP94),
    ("tpp-25-12", "Pemotongan tunjangan kinerja 25% selama 12 bulan", "disiplin", "sedang", 6, 12, Decimal("25"), True, True, "keberatan", PP94),
    ("penurunan-jabatan", "Penurunan jabatan setingkat lebih rendah selama 12 bulan", "disiplin", "berat", 7, 12, None, True, False, "keberatan", PP94),
    ("pembebasan-jabatan", "Pembebasan dari jabatannya menjadi jabatan pelaksana selama 12 bulan", "disiplin", "berat", 8, 12, None, True, False, "keberatan", PP94),
    ("pdhtaps", "Pemberhentian dengan hormat tidak atas permintaan sendiri sebagai PNS", "disiplin", "berat", 9, None, None, True, False, "banding", PP94),
    ("pengganti-kgb", "Penundaan kenaikan gaji berkala selama 12 bulan", "pengganti", "sedang", 1, 12, None, True, False, "keberatan", "Pengganti sementara (belum terverifikasi)"),
    ("pengganti-kp", "Penundaan kenaikan pangkat selama 12 bulan", "pengganti", "sedang", 2, 12, None, True, False, "keberatan", "Pengganti sementara (belum terverifikasi)"),
    ("pengganti-turun-pangkat", "Penurunan pangkat setingkat lebih rendah selama 12 bulan", "pengganti", "sedang", 3, 12, None, True, False, "keberatan", "Pengganti sementara (belum terverifikasi)"),
    ("moral-tertutup", "Pernyataan secara tertutup", "etik", "", 1, None, None, True, True, "", "PP 42/2004; SKB 2022"),
    ("moral-terbuka", "Pernyataan secara terbuka", "etik", "", 2, None, None, True, True, "", "PP 42/2004; SKB 2022"),
    ("pppk-phk", "Pemutusan hubungan perjanjian kerja (PPPK)", "pppk", "berat", 9, None, None, False, True, "banding", "Ketentuan PPPK"),
    ("ptdh", "Pemberhentian tidak dengan hormat (bukan hukuman disiplin)", "ptdh", "", 1, None, None, True, True, "banding", "UU ASN"),
]

PASAL5N = "PP 94/2021 Pasal 5 huruf n"
NEUTRALITY = [
    ("netral-kampanye", "Ikut kampanye untuk mendukung calon", "sedang"),
    ("netral-atribut", "Ikut kampanye dengan menggunakan atribut partai atau atribut PNS", "sedang"),
    ("netral-kerahkan", "Ikut kampanye dengan mengerahkan PNS lain", "berat"),
    ("netral-fasilitas", "Ikut kampanye dengan menggunakan fasilitas negara", "berat"),
    ("netral-keputusan", "Membuat keputusan dan/atau tindakan yang menguntungkan atau merugikan calon", "berat"),
    ("netral-kegiatan", "Mengadakan kegiatan yang mengarah pada keberpihakan kepada calon (pertemuan, ajakan, imbauan, seruan, pemberian barang)", "berat"),
    ("netral-dukungan-ktp", "Memberikan surat dukungan disertai fotokopi KTP", "berat"),
]
ETHICS = [
    ("etik-spanduk", "Memasang spanduk/baliho/alat peraga lain terkait bakal calon"),
    ("etik-sosialisasi-medsos", "Sosialisasi/kampanye bakal calon melalui media sosial/daring"),
    ("etik-deklarasi", "Menghadiri deklarasi atau kegiatan bakal calon/partai politik"),
    ("etik-unggah", "Mengunggah, menanggapi (suka, komentar) atau menyebarluaskan gambar/foto dan visi misi bakal calon"),
    ("etik-ikuti-akun", "Menjadi pengikut akun media sosial tim pemenangan bakal calon"),
    ("etik-foto-simbol", "Berfoto bersama bakal calon dengan simbol tangan atau gerakan keberpihakan"),
]
# Days absent without valid reason in one year (PP 94/2021 Pasal 9-11; unverified): each band
# points at the sanction it earns.
ATTENDANCE = [
    ("hadir-3", "Tidak masuk kerja tanpa alasan sah 3 hari kerja", "ringan", "teguran-lisan"),
    ("hadir-4-6", "Tidak masuk kerja tanpa alasan sah 4 s.d. 6 hari kerja", "ringan", "teguran-tertulis"),
    ("hadir-7-10", "Tidak masuk kerja tanpa alasan sah 7 s.d. 10 hari kerja", "ringan", "pernyataan-tidak-puas"),
    ("hadir-11-13", "Tidak masuk kerja tanpa alasan sah 11 s.d. 13 hari kerja", "sedang", "tpp-25-6"),
    ("hadir-14-16", "Tidak masuk kerja tanpa alasan sah 14 s.d. 16 hari kerja", "sedang", "tpp-25-9"),
    ("hadir-17-20", "Tidak masuk kerja tanpa alasan sah 17 s.d. 20 hari kerja", "sedang", "tpp-25-12"),
    ("hadir-21-24", "Tidak masuk kerja tanpa alasan sah 21 s.d. 24 hari kerja", "berat", "penurunan-jabatan"),
    ("hadir-25-27", "Tidak masuk kerja tanpa alasan sah 25 s.d. 27 hari kerja", "berat", "pembebasan-jabatan"),
    ("hadir-28", "Tidak masuk kerja tanpa alasan sah 28 hari kerja atau lebih dalam setahun, atau 10 hari kerja berturut-turut", "berat", "pdhtaps"),
]

BODIES = [
    ("bawaslu", "Bawaslu (rekomendasi/penerusan)"),
    ("bkn", "Badan Kepegawaian Negara (BKN)"),
    ("kasn", "Komisi Aparatur Sipil Negara (KASN, s.d. Agustus 2024)"),
    ("pengaduan", "Pengaduan masyarakat"),
    ("atasan", "Temuan atasan langsung"),
]

# key, days, working days, basis (all unverified in domain.md)
DEADLINES = [
    ("panggilan_1", 7, True, "PP 94/2021: pemeriksaan paling lambat 7 hari kerja setelah panggilan I"),
    ("panggilan_2", 7, True, "PP 94/2021: panggilan II paling lambat 7 hari kerja"),
    ("penyampaian", 14, False, "PP 94/2021: keputusan disampaikan paling lambat 14 hari"),
    ("berlaku", 15, False, "PP 94/2021: berlaku pada hari ke-15 setelah diterima"),
    ("keberatan_ajuan", 14, False, "PP 79/2021: keberatan diajukan paling lama 14 hari"),
    ("keberatan_putus", 21, True, "PP 79/2021: keberatan diputus paling lama 21 hari kerja"),
    ("banding_ajuan", 14, True, "PP 79/2021: banding diajukan paling lama 14 hari kerja"),
    ("banding_putus", 65, True, "PP 79/2021: banding diputus paling lama 65 hari kerja"),
]

N, C = "libur", "cuti_bersama"
HOLIDAYS = [
    # 2024
    ("2024-01-01", "Tahun Baru 2024 Masehi", N),
    ("2024-02-08", "Isra Mikraj Nabi Muhammad SAW", N),
    ("2024-02-09", "Cuti bersama Tahun Baru Imlek", C),
    ("2024-02-10", "Tahun Baru Imlek 2575 Kongzili", N),
    ("2024-02-14", "Hari pemungutan suara Pemilu 2024", N),
    ("2024-03-11", "Hari Suci Nyepi Tahun Baru Saka 1946", N),
    ("2024-03-12", "Cuti bersama Hari Suci Nyepi", C),
    ("2024-03-29", "Wafat Yesus Kristus (Jumat Agung)", N),
    ("2024-03-31", "Kebangkitan Yesus Kristus (Paskah)", N),
    ("2024-04-08", "Cuti bersama Idul Fitri", C),
    ("2024-04-09", "Cuti bersama Idul Fitri", C),
    ("2024-04-10", "Idul Fitri 1445 H", N),
    ("2024-04-11", "Idul Fitri 1445 H", N),
    ("2024-04-12", "Cuti bersama Idul Fitri", C),
    ("2024-04-15", "Cuti bersama Idul Fitri", C),
    ("2024-05-01", "Hari Buruh Internasional", N),
    ("2024-05-09", "Kenaikan Yesus Kristus", N),
    ("2024-05-10", "Cuti bersama Kenaikan Yesus Kristus", C),
    ("2024-05-23", "Hari Raya Waisak 2568 BE", N),
    ("2024-05-24", "Cuti bersama Hari Raya Waisak", C),
    ("2024-06-01", "Hari Lahir Pancasila", N),
    ("2024-06-17", "Iduladha 1445 H", N),
    ("2024-06-18", "Cuti bersama Iduladha", C),
    ("2024-07-07", "Tahun Baru Islam 1446 H", N),
    ("2024-08-17", "Hari Kemerdekaan Republik Indonesia", N),
    ("2024-09-16", "Maulid Nabi Muhammad SAW", N),
    ("2024-11-27", "Hari pemungutan suara Pilkada serentak 2024", N),
    ("2024-12-25", "Hari Raya Natal", N),
    ("2024-12-26", "Cuti bersama Hari Raya Natal", C),
    # 2025
    ("2025-01-01", "Tahun Baru 2025 Masehi", N),
    ("2025-01-27", "Isra Mikraj Nabi Muhammad SAW", N),
    ("2025-01-28", "Cuti bersama Tahun Baru Imlek", C),
    ("2025-01-29", "Tahun Baru Imlek 2576 Kongzili", N),
    ("2025-03-28", "Cuti bersama Hari Suci Nyepi", C),
    ("2025-03-29", "Hari Suci Nyepi Tahun Baru Saka 1947", N),
    ("2025-03-31", "Idul Fitri 1446 H", N),
    ("2025-04-01", "Idul Fitri 1446 H", N),
    ("2025-04-02", "Cuti bersama Idul Fitri", C),
    ("2025-04-03", "Cuti bersama Idul Fitri", C),
    ("2025-04-04", "Cuti bersama Idul Fitri", C),
    ("2025-04-07", "Cuti bersama Idul Fitri", C),
    ("2025-04-18", "Wafat Yesus Kristus (Jumat Agung)", N),
    ("2025-04-20", "Kebangkitan Yesus Kristus (Paskah)", N),
    ("2025-05-01", "Hari Buruh Internasional", N),
    ("2025-05-12", "Hari Raya Waisak 2569 BE", N),
    ("2025-05-13", "Cuti bersama Hari Raya Waisak", C),
    ("2025-05-29", "Kenaikan Yesus Kristus", N),
    ("2025-05-30", "Cuti bersama Kenaikan Yesus Kristus", C),
    ("2025-06-01", "Hari Lahir Pancasila", N),
    ("2025-06-06", "Iduladha 1446 H", N),
    ("2025-06-09", "Cuti bersama Iduladha", C),
    ("2025-06-27", "Tahun Baru Islam 1447 H", N),
    ("2025-08-17", "Hari Kemerdekaan Republik Indonesia", N),
    ("2025-08-18", "Cuti bersama Hari Kemerdekaan", C),
    ("2025-09-05", "Maulid Nabi Muhammad SAW", N),
    ("2025-12-25", "Hari Raya Natal", N),
    ("2025-12-26", "Cuti bersama Hari Raya Natal", C),
    # 2026
    ("2026-01-01", "Tahun Baru 2026 Masehi", N),
    ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW", N),
    ("2026-02-16", "Cuti bersama Tahun Baru Imlek", C),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili", N),
    ("2026-03-18", "Cuti bersama Hari Suci Nyepi", C),
    ("2026-03-19", "Hari Suci Nyepi Tahun Baru Saka 1948", N),
    ("2026-03-20", "Cuti bersama Idul Fitri", C),
    ("2026-03-21", "Idul Fitri 1447 H", N),
    ("2026-03-22", "Idul Fitri 1447 H", N),
    ("2026-03-23", "Cuti bersama Idul Fitri", C),
    ("2026-03-24", "Cuti bersama Idul Fitri", C),
    ("2026-04-03", "Wafat Yesus Kristus (Jumat Agung)", N),
    ("2026-04-05", "Kebangkitan Yesus Kristus (Paskah)", N),
    ("2026-05-01", "Hari Buruh Internasional", N),
    ("2026-05-14", "Kenaikan Yesus Kristus", N),
    ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus", C),
    ("2026-05-27", "Iduladha 1447 H", N),
    ("2026-05-28", "Cuti bersama Iduladha", C),
    ("2026-05-31", "Hari Raya Waisak 2570 BE", N),
    ("2026-06-01", "Hari Lahir Pancasila", N),
    ("2026-06-16", "Tahun Baru Islam 1448 H", N),
    ("2026-08-17", "Hari Kemerdekaan Republik Indonesia", N),
    ("2026-08-25", "Maulid Nabi Muhammad SAW", N),
    ("2026-12-24", "Cuti bersama Hari Raya Natal", C),
    ("2026-12-25", "Hari Raya Natal", N),
]


def load(apps, schema_editor):
    SanctionType = apps.get_model("sanctions", "SanctionType")
    ViolationType = apps.get_model("sanctions", "ViolationType")
    ReportingBody = apps.get_model("sanctions", "ReportingBody")
    DeadlineRule = apps.get_model("sanctions", "DeadlineRule")
    Holiday = apps.get_model("sanctions", "Holiday")

    types = {}
    for code, name, kind, level, sev, months, pct, pns, pppk, route, basis in SANCTIONS:
        types[code] = SanctionType.objects.create(
            code=code, name=name, kind=kind, level=level, severity=sev, duration_months=months,
            percentage=pct, for_pns=pns, for_pppk=pppk, appeal_route=route, legal_basis=basis,
        )
    for order, (code, name, level) in enumerate(NEUTRALITY, 1):
        ViolationType.objects.create(
            code=code, group="netralitas", name=name, default_level=level, order=order,
            legal_basis=PASAL5N,
        )
    for order, (code, name) in enumerate(ETHICS, 1):
        ViolationType.objects.create(
            code=code, group="etik", name=name, order=order, legal_basis="SKB 2022; PP 42/2004"
        )
    for order, (code, name, level, sanction) in enumerate(ATTENDANCE, 1):
        ViolationType.objects.create(
            code=code, group="kehadiran", name=name, default_level=level, order=order,
            suggested_sanction=types[sanction], legal_basis="PP 94/2021 Pasal 9-11",
        )
    ViolationType.objects.create(
        code="lainnya", group="lainnya", name="Pelanggaran lain", requires_text=True, order=1
    )
    for order, (code, name) in enumerate(BODIES, 1):
        ReportingBody.objects.create(code=code, name=name, order=order)
    for key, days, working, basis in DEADLINES:
        DeadlineRule.objects.create(key=key, days=days, working_days=working, legal_basis=basis)
    Holiday.objects.bulk_create(
        Holiday(date=datetime.date.fromisoformat(d), name=name, kind=kind)
        for d, name, kind in HOLIDAYS
    )


def unload(apps, schema_editor):
    for model in ["Holiday", "DeadlineRule", "ReportingBody", "ViolationType", "SanctionType"]:
        apps.get_model("sanctions", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
