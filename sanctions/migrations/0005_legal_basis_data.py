"""Legal bases the SK cites, the PTDH violation, KASN's end, BKN as the default source and the
repeat-offence period (issue #15).

Like 0002, these are data that administrators correct in the Django admin. Unverified against
the official texts (see docs/sanctions.md): the amendment of PP 49/2018, the SKB 2022 citation,
KASN's last day (31 August 2024) and the repeat-offence period (365 days).
"""

import datetime

from django.db import migrations

# code, text as printed after "Mengingat", order, always cited for this kind of employee
BASES = [
    ("uu-20-2023", "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara", 10, ""),
    ("pp-94-2021", "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil", 20, ""),
    ("pp-11-2017", "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 17 Tahun 2020", 30, ""),
    ("pp-49-2018", "Peraturan Pemerintah Nomor 49 Tahun 2018 tentang Manajemen Pegawai Pemerintah dengan Perjanjian Kerja sebagaimana telah diubah", 40, "PPPK"),
    ("pp-42-2004", "Peraturan Pemerintah Nomor 42 Tahun 2004 tentang Pembinaan Jiwa Korps dan Kode Etik Pegawai Negeri Sipil", 50, ""),
    ("skb-2022", "Keputusan Bersama Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi, Menteri Dalam Negeri, Kepala Badan Kepegawaian Negara, Ketua Komisi Aparatur Sipil Negara, dan Ketua Badan Pengawas Pemilihan Umum Tahun 2022 tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai Aparatur Sipil Negara dalam Penyelenggaraan Pemilihan Umum dan Pemilihan", 60, ""),
]  # fmt: skip

# sanction kind -> (bases, subject of the SK, ruling of the SK, short basis for exports)
BY_KIND = {
    "disiplin": (["uu-20-2023", "pp-94-2021"], "PENJATUHAN HUKUMAN DISIPLIN", "", None),
    "pengganti": (["uu-20-2023", "pp-94-2021"], "PENJATUHAN HUKUMAN DISIPLIN", "", None),
    "etik": (["pp-42-2004", "skb-2022"], "PENJATUHAN SANKSI MORAL", "", None),
    "pppk": (["uu-20-2023", "pp-94-2021", "pp-49-2018"], "PENJATUHAN HUKUMAN DISIPLIN", "",
             "PP 49/2018 (manajemen PPPK)"),
    "ptdh": (["uu-20-2023", "pp-11-2017"],
             "PEMBERHENTIAN TIDAK DENGAN HORMAT SEBAGAI PEGAWAI APARATUR SIPIL NEGARA",
             "Memberhentikan tidak dengan hormat sebagai Pegawai Aparatur Sipil Negara",
             "UU 20/2023; PP 11/2017 jo. PP 17/2020"),
}  # fmt: skip

PTDH_VIOLATION = (
    "netral-parpol",
    "Menjadi anggota dan/atau pengurus partai politik, atau mencalonkan diri tanpa "
    "mengundurkan diri sebagai ASN",
    "UU 20/2023 (berujung PTDH)",
)
REPEAT_DAYS = 365


def load(apps, schema_editor):
    LegalBasis = apps.get_model("sanctions", "LegalBasis")
    SanctionType = apps.get_model("sanctions", "SanctionType")
    ViolationType = apps.get_model("sanctions", "ViolationType")
    ReportingBody = apps.get_model("sanctions", "ReportingBody")
    DeadlineRule = apps.get_model("sanctions", "DeadlineRule")

    bases = {}
    for code, text, order, kind in BASES:
        bases[code], _ = LegalBasis.objects.get_or_create(
            code=code, defaults={"text": text, "order": order, "employee_kind": kind}
        )
    for sanction in SanctionType.objects.all():
        codes, subject, ruling, short = BY_KIND[sanction.kind]
        sanction.legal_bases.add(*(bases[c] for c in codes))
        sanction.sk_subject, sanction.sk_ruling = subject, ruling
        if short is not None:
            sanction.legal_basis = short
        sanction.save()
    # The kind's label says PTDH is not a disciplinary sanction; the name is printed on the SK.
    SanctionType.objects.filter(
        code="ptdh", name="Pemberhentian tidak dengan hormat (bukan hukuman disiplin)"
    ).update(name="Pemberhentian tidak dengan hormat")

    code, name, basis = PTDH_VIOLATION
    order = ViolationType.objects.filter(group="netralitas").count() + 1
    ViolationType.objects.get_or_create(
        code=code,
        defaults={"group": "netralitas", "name": name, "default_level": "", "order": order,
                  "legal_basis": basis, "suggested_sanction": SanctionType.objects.get(code="ptdh")},
    )  # fmt: skip

    ReportingBody.objects.filter(code="kasn").update(valid_until=datetime.date(2024, 8, 31))
    ReportingBody.objects.filter(code="bkn").update(is_default=True, order=0)
    DeadlineRule.objects.get_or_create(
        key="pengulangan",
        defaults={"days": REPEAT_DAYS, "working_days": False,
                  "legal_basis": "PP 94/2021: pengulangan pelanggaran (masa belum terverifikasi)"},
    )  # fmt: skip


def unload(apps, schema_editor):
    apps.get_model("sanctions", "DeadlineRule").objects.filter(key="pengulangan").delete()
    apps.get_model("sanctions", "ViolationType").objects.filter(code="netral-parpol").delete()
    apps.get_model("sanctions", "LegalBasis").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0004_legal_basis_and_history")]
    operations = [migrations.RunPython(load, unload)]
