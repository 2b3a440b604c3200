"""The national standard texts, word for word as read at the 2024 ceremonies.

This module is the single source of the legal wording: migration 0007 loads it as the four
national templates (Campaign rows without an instansi), which administrators then correct in the
Django admin and BKD admins start new campaigns from. The demo and the tests take the text from
those templates in the database; only the benchmarks, which seed bare databases, read it here
(through pledges.models.IKRAR_POINTS).
"""

from __future__ import annotations

PEMILU = "Pemilu dan Pemilihan Tahun 2024"
PILKADA = "Pemilihan Gubernur, Bupati dan Wali Kota Tahun 2024"


def ikrar_points(election: str) -> list[str]:
    """The four points; only the election named in the first point differs."""
    return [
        "Menjaga dan menegakkan prinsip netralitas pegawai ASN dalam melaksanakan fungsi "
        "pelayanan publik, baik sebelum, selama, maupun sesudah pelaksanaan "
        f"{election}.",
        "Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan ancaman "
        "kepada pegawai ASN dan seluruh elemen masyarakat, serta tidak memihak kepada pasangan "
        "calon tertentu.",
        "Menggunakan media sosial secara bijak, dan tidak menyebarkan ujaran kebencian serta "
        "berita bohong.",
        "Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
    ]


IKRAR_CLOSING = (
    "Demikian ikrar ini kami buat dan dilaksanakan dengan penuh integritas dan rasa tanggung "
    "jawab dalam rangka mewujudkan netralitas pegawai ASN yang bermartabat, beretika dan "
    "demokratis demi terwujudnya persatuan dan kesatuan NKRI."
)

# PP 94/2021 Pasal 5 huruf n, each item as the regulation writes it, as an undertaking.
PAKTA_PROHIBITIONS = [
    "Tidak memberikan dukungan kepada calon Presiden/Wakil Presiden, calon Kepala Daerah/Wakil "
    "Kepala Daerah, calon anggota DPR, DPD, atau DPRD dengan cara ikut kampanye.",
    "Tidak menjadi peserta kampanye dengan menggunakan atribut partai atau atribut PNS.",
    "Tidak menjadi peserta kampanye dengan mengerahkan PNS lain.",
    "Tidak menjadi peserta kampanye dengan menggunakan fasilitas negara.",
    "Tidak membuat keputusan dan/atau tindakan yang menguntungkan atau merugikan salah satu "
    "pasangan calon sebelum, selama, dan sesudah masa kampanye.",
    "Tidak mengadakan kegiatan yang mengarah kepada keberpihakan terhadap pasangan calon yang "
    "menjadi peserta pemilu sebelum, selama, dan sesudah masa kampanye meliputi pertemuan, "
    "ajakan, himbauan, seruan, atau pemberian barang kepada PNS dalam lingkungan unit kerjanya, "
    "anggota keluarga, dan masyarakat.",
    "Tidak memberikan surat dukungan disertai fotokopi Kartu Tanda Penduduk atau Surat "
    "Keterangan Tanda Penduduk sesuai peraturan perundang-undangan.",
]
PAKTA_CLOSING = (
    "Apabila saya melanggar pakta integritas ini, saya bersedia dikenakan sanksi sesuai dengan "
    "ketentuan peraturan perundang-undangan."
)

# The schedule of each election (start of the campaign period to voting day), so a template's
# dates fit the election it names: Pemilu 14 February 2024, Pilkada serentak 27 November 2024.
SCHEDULE = {
    PEMILU: ("2023-11-28", "2024-02-14"),
    PILKADA: ("2024-09-25", "2024-11-27"),
}


def templates() -> list[dict]:
    """The four national templates: each election with each pakta variant of domain.md."""
    rows = []
    for election in (PEMILU, PILKADA):
        opens_on, closes_on = SCHEDULE[election]
        for variant, pakta_points in (("ikrar", []), ("larangan", PAKTA_PROHIBITIONS)):
            rows.append(
                {
                    "title": election,
                    "opens_on": opens_on,
                    "closes_on": closes_on,
                    "ikrar_points": ikrar_points(election),
                    "ikrar_closing": IKRAR_CLOSING,
                    "pakta_variant": variant,
                    "pakta_points": list(pakta_points),
                    "pakta_closing": PAKTA_CLOSING,
                }
            )
    return rows
