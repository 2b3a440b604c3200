"""Demo data: the four regions of the reference material with synthetic but valid NIPs.

Used by `manage.py seed_demo`, the browser tests and the benchmarks; deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from .models import Employee, Instansi, Official, Unit, User

DEMO_PASSWORD = "netral-2024"  # noqa: S105 - printed for the demo on purpose

FIRST_NAMES = [
    "Yohanes", "Maria", "Agustinus", "Theresia", "Fransiskus", "Yuliana", "Petrus", "Margaretha",
    "Antonius", "Elisabeth", "Blasius", "Veronika", "Kornelis", "Agnes", "Dominikus", "Bernadeta",
    "Siti", "Ahmad", "Rina", "Budi", "Dewi", "Hendrik", "Yosefina", "Marselinus", "Florentina",
    "Arnoldus", "Katarina", "Stefanus", "Imelda", "Wilhelmus", "Sri", "Rahmat", "Nur", "Eko",
]  # fmt: skip
LAST_NAMES = [
    "Bere", "Mau", "Seran", "Tae", "Atok", "Nahak", "Manek", "Bria", "Luan", "Fahik", "Dethan",
    "Lay", "Tallo", "Ndun", "Pandie", "Jehamat", "Ngganggus", "Hamid", "Saputra", "Wulandari",
    "Lado", "Kolo", "Taek", "Asa", "Abi", "Nggebu", "Hurint", "Sinlae", "Rahayu", "Hidayat",
]  # fmt: skip
DEGREES = ["", "", "S.Pd.", "S.Sos.", "S.E.", "S.Kep., Ns.", "A.Md.", "S.H.", "M.Si.", "S.T."]
# Heads of OPD and the Sekda hold a master's degree as a rule (a JPT requirement).
SENIOR_DEGREES = ["S.H., M.H.", "S.Sos., M.Si.", "S.E., M.M.", "S.T., M.T.", "S.Pd., M.Pd."]

COMMON_UNITS = [
    (Unit.Kind.SETDA, "Sekretariat Daerah", "Sekretaris Daerah"),
    (Unit.Kind.SETWAN, "Sekretariat DPRD", "Sekretaris DPRD"),
    (Unit.Kind.INSPEKTORAT, "Inspektorat Daerah", "Inspektur"),
    (Unit.Kind.DINAS, "Dinas Pendidikan dan Kebudayaan", "Kepala Dinas"),
    (Unit.Kind.DINAS, "Dinas Kesehatan", "Kepala Dinas"),
    (Unit.Kind.DINAS, "Dinas Pekerjaan Umum dan Penataan Ruang", "Kepala Dinas"),
    (Unit.Kind.DINAS, "Dinas Sosial", "Kepala Dinas"),
    (Unit.Kind.BADAN, "Badan Perencanaan Pembangunan Daerah", "Kepala Badan"),
    (Unit.Kind.BADAN, "Badan Keuangan Daerah", "Kepala Badan"),
    (Unit.Kind.BADAN, "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Kepala Badan"),
    (Unit.Kind.OTHER, "Satuan Polisi Pamong Praja", "Kepala Satuan"),
]

REGIONS = [
    {
        "code": "belu",
        "kind": Instansi.Kind.KABUPATEN,
        "name": "Pemerintah Kabupaten Belu",
        "place_name": "Atambua",
        "time_zone": "Asia/Makassar",
        "head_title": "Bupati",
        "office_name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "office_address": "Jalan Basuki Rahmat Nomor 1, Atambua 85711",
        "office_contact": "Telepon (0389) 21001 · bkpsdm@belu.example.go.id",
        "paper_size": "A4",
        "kecamatan": [
            "Atambua Barat", "Atambua Selatan", "Kota Atambua", "Tasifeto Timur", "Tasifeto Barat",
            "Kakuluk Mesak", "Raihat", "Lamaknen", "Lamaknen Selatan", "Lasiolat",
            "Nanaet Duabesi", "Raimanuk",
        ],
        "kelurahan": {"Kota Atambua": ["Umanen", "Fatubenao", "Berdao", "Tulamalae"]},
    },
    {
        "code": "kupang",
        "kind": Instansi.Kind.KOTA,
        "name": "Pemerintah Kota Kupang",
        "place_name": "Kupang",
        "time_zone": "Asia/Makassar",
        "head_title": "Wali Kota",
        "office_name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "office_address": "Jalan S.K. Lerik, Kelapa Lima, Kupang 85228",
        "office_contact": "Telepon (0380) 830001 · bkpp@kupang.example.go.id",
        "paper_size": "F4",
        "kecamatan": ["Alak", "Maulafa", "Oebobo", "Kota Raja", "Kelapa Lima", "Kota Lama"],
        "kelurahan": {"Oebobo": ["Oebobo", "Fatululi", "Oetete"]},
    },
    {
        "code": "manggarai",
        "kind": Instansi.Kind.KABUPATEN,
        "name": "Pemerintah Kabupaten Manggarai",
        "place_name": "Ruteng",
        "time_zone": "Asia/Makassar",
        "head_title": "Bupati",
        "office_name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "office_address": "Jalan Motang Rua Nomor 1, Ruteng 86511",
        "office_contact": "Telepon (0385) 21001 · bkpsdm@manggarai.example.go.id",
        "paper_size": "A4",
        "kecamatan": ["Langke Rembong", "Ruteng", "Wae Ri'i", "Cibal", "Satar Mese", "Reok"],
        "kelurahan": {"Langke Rembong": ["Mbaumuku", "Pau", "Tenda"]},
    },
    {
        "code": "sukamara",
        "kind": Instansi.Kind.KABUPATEN,
        "name": "Pemerintah Kabupaten Sukamara",
        "place_name": "Sukamara",
        "time_zone": "Asia/Jakarta",
        "head_title": "Bupati",
        "office_name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "office_address": "Jalan Tjilik Riwut Nomor 1, Sukamara 74172",
        "office_contact": "Telepon (0532) 21001 · bkpsdm@sukamara.example.go.id",
        "paper_size": "A4",
        "kecamatan": ["Sukamara", "Jelai", "Balai Riam", "Pantai Lunci", "Permata Kecubung"],
        "kelurahan": {"Sukamara": ["Padang", "Mendawai"]},
    },
]  # fmt: skip

STAFF_JOBS = [
    ("Guru Ahli Pertama", Employee.JabatanCategory.FUNGSIONAL, "Dinas Pendidikan dan Kebudayaan"),
    ("Guru Ahli Muda", Employee.JabatanCategory.FUNGSIONAL, "Dinas Pendidikan dan Kebudayaan"),
    ("Perawat Terampil", Employee.JabatanCategory.FUNGSIONAL, "Dinas Kesehatan"),
    ("Bidan Terampil", Employee.JabatanCategory.FUNGSIONAL, "Dinas Kesehatan"),
    ("Analis Kepegawaian Ahli Pertama", Employee.JabatanCategory.FUNGSIONAL, None),
    ("Pengadministrasi Perkantoran", Employee.JabatanCategory.PELAKSANA, None),
    ("Pengelola Keuangan", Employee.JabatanCategory.PELAKSANA, None),
    ("Kepala Subbagian Umum", Employee.JabatanCategory.PENGAWAS, None),
]


HEAD_PROFILES = {
    "setda": ((1966, 1971), ["IV/c", "IV/d"]),
    "jpt": ((1967, 1976), ["IV/b", "IV/c"]),
    "camat": ((1975, 1986), ["III/d", "IV/a"]),
}


class NipFactory:
    """Synthetic NIPs that pass validation and never repeat within one run."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def make(self, *, pppk: bool = False, born: tuple[int, int] = (1966, 1998)) -> str:
        while True:
            year = self.rng.randint(*born)
            birth = f"{year}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
            if pppk:
                middle = f"{self.rng.randint(2019, 2024)}21"
            else:
                appointed = self.rng.randint(year + 19, min(year + 32, 2024))
                middle = f"{appointed}{self.rng.randint(1, 12):02d}"
            nip = f"{birth}{middle}{self.rng.randint(1, 2)}{self.rng.randint(1, 999):03d}"
            if nip not in self.seen:
                self.seen.add(nip)
                return nip


REGIONAL_HEADS = {
    "belu": "Dr. Markus Nahak Bere, M.Si.",
    "kupang": "Ir. Yosef Lerik Manafe, M.T.",
    "manggarai": "Drs. Kristianus Ndahur, M.Si.",
    "sukamara": "H. Ahmad Darmawan, S.E., M.M.",
}


@dataclass
class DemoLogin:
    role: str
    username: str
    description: str


def _name(rng: random.Random, *, senior: bool = False) -> str:
    degree = rng.choice(SENIOR_DEGREES if senior else DEGREES)
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return f"{name}, {degree}" if degree else name


@transaction.atomic
def seed(*, staff_per_unit: int = 8, seed: int = 2024) -> list[DemoLogin]:
    """Create (or complete) the demo regions and one login per role; idempotent by codes.

    The organisation only: each app seeds its own demo records on top (config's seed_demo)."""
    rng = random.Random(seed)
    nips = NipFactory(rng)
    nips.seen.update(Employee.objects.values_list("nip", flat=True))
    logins: list[DemoLogin] = []
    for region in REGIONS:
        instansi, created = Instansi.objects.get_or_create(
            code=region["code"],
            defaults={
                k: region[k]
                for k in (
                    "kind",
                    "name",
                    "place_name",
                    "time_zone",
                    "head_title",
                    "office_name",
                    "office_address",
                    "office_contact",
                    "paper_size",
                )
            },  # fmt: skip
        )
        if created:
            _populate(instansi, region, rng, nips, staff_per_unit)
        logins += _region_logins(instansi)
    auditor, _ = User.objects.get_or_create(
        username="auditor", defaults={"role": User.Role.AUDITOR, "first_name": "Auditor Nasional"}
    )
    _set_password(auditor)
    logins.append(DemoLogin("Auditor nasional", "auditor", "baca saja, semua instansi"))
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    _set_password(admin)
    logins.append(DemoLogin("Superuser", "admin", "Django admin /admin/"))
    return logins


def _populate(instansi, region, rng, nips, staff_per_unit) -> None:
    units: list[tuple[Unit, str]] = []
    for kind, name, head_title in COMMON_UNITS:
        units.append((Unit(instansi=instansi, kind=kind, name=name), head_title))
    for kec in region["kecamatan"]:
        units.append(
            (
                Unit(instansi=instansi, kind=Unit.Kind.KECAMATAN, name=f"Kecamatan {kec}"),
                f"Camat {kec}",
            )
        )
    Unit.objects.bulk_create([u for u, _ in units])
    by_name = {u.name: u for u, _ in units}
    kelurahan = []
    for kec, names in region["kelurahan"].items():
        for name in names:
            kelurahan.append(
                Unit(
                    instansi=instansi,
                    kind=Unit.Kind.KELURAHAN,
                    name=f"Kelurahan {name}",
                    parent=by_name[f"Kecamatan {kec}"],
                )
            )
    Unit.objects.bulk_create(kelurahan)

    employees: list[Employee] = []
    heads: dict[str, Employee] = {}
    for unit, head_title in units:
        is_jpt = unit.kind != Unit.Kind.KECAMATAN
        head_jabatan = (
            f"{head_title} {unit.name}" if is_jpt and unit.kind != Unit.Kind.SETDA else head_title
        )
        # A Sekda is the most senior career official (IV/c or above, in the late fifties); heads
        # of OPD are IV/b-IV/c in their fifties, camat III/d-IV/a in their forties.
        born, grades = HEAD_PROFILES["setda" if unit.kind == Unit.Kind.SETDA
                                     else "jpt" if is_jpt else "camat"]  # fmt: skip
        head = Employee(
            instansi=instansi,
            unit=unit,
            nip=nips.make(born=born),
            name=_name(rng, senior=is_jpt),
            golongan=rng.choice(grades),
            jabatan=head_jabatan,
            jabatan_category=Employee.JabatanCategory.JPT_PRATAMA
            if is_jpt
            else Employee.JabatanCategory.ADMINISTRATOR,
        )
        heads[unit.name] = head
        employees.append(head)
        count = staff_per_unit * (3 if unit.kind == Unit.Kind.DINAS else 1)
        for _ in range(count):
            jobs = [j for j in STAFF_JOBS if j[2] in (None, unit.name)]
            jabatan, category, _only = rng.choice(jobs)
            pppk = rng.random() < 0.3
            employees.append(
                Employee(
                    instansi=instansi,
                    unit=unit,
                    nip=nips.make(pppk=pppk),
                    name=_name(rng),
                    golongan=rng.choice(["IX", "VII", "V"])
                    if pppk
                    else rng.choice(["II/c", "III/a", "III/b", "III/c"]),
                    jabatan=jabatan,
                    jabatan_category=category,
                    email=f"asn{len(employees)}@{instansi.code}.demo.go.id"
                    if rng.random() < 0.7
                    else "",
                )
            )
    for unit in kelurahan:
        lurah = Employee(
            instansi=instansi, unit=unit, nip=nips.make(), name=_name(rng), golongan="III/c",
            jabatan=f"Lurah {unit.name.removeprefix('Kelurahan ')}",
            jabatan_category=Employee.JabatanCategory.PENGAWAS,
        )  # fmt: skip
        heads[unit.name] = lurah
        employees.append(lurah)
    for employee in employees:
        employee.kind = "PPPK" if int(employee.nip[12:14]) >= 21 else "PNS"
    Employee.objects.bulk_create(employees)
    for unit, head_title in [*units, *[(k, "") for k in kelurahan]]:
        unit.head = heads[unit.name]
        unit.head_title = head_title or heads[unit.name].jabatan
    Unit.objects.bulk_update([u for u, _ in units] + kelurahan, ["head", "head_title"])


def _region_logins(instansi: Instansi) -> list[DemoLogin]:
    code = instansi.code
    logins = []
    for role, label in [
        (User.Role.BKD, "Admin BKD"),
        (User.Role.SEKDA, "Sekda"),
        (User.Role.INSPEKTORAT, "Inspektorat"),
    ]:
        employee = None
        if role == User.Role.SEKDA:
            employee = Unit.objects.get(instansi=instansi, kind=Unit.Kind.SETDA).head
        user, _ = User.objects.get_or_create(
            username=f"{role}.{code}",
            defaults={"role": role, "instansi": instansi, "employee": employee,
                      "first_name": f"{label} {instansi.place_name}"},
        )  # fmt: skip
        _set_password(user)
        logins.append(DemoLogin(label, user.username, instansi.name))
    # The regional head witnesses pakta with a login of their own (no NIP). Fictional names.
    region = instansi.name.split(" ", 2)[-1]
    head, _ = Official.objects.get_or_create(
        instansi=instansi, office=Official.Office.HEAD, is_active=True,
        defaults={"name": REGIONAL_HEADS[instansi.code], "title": f"{instansi.head_title} {region}",
                  "email": f"{instansi.head_title.lower().replace(' ', '')}@{code}.example.go.id"},
    )  # fmt: skip
    user, _ = User.objects.get_or_create(
        username=f"{instansi.head_title.lower().replace(' ', '')}.{code}",
        defaults={"role": User.Role.OFFICIAL, "instansi": instansi, "official": head,
                  "email": head.email},
    )  # fmt: skip
    _set_password(user)
    logins.append(DemoLogin(instansi.head_title, user.username, head.title))
    camat_unit = (
        Unit.objects.filter(instansi=instansi, kind=Unit.Kind.KECAMATAN).order_by("pk").first()
    )
    teacher = (
        Employee.objects.filter(instansi=instansi, jabatan__startswith="Guru")
        .order_by("pk")
        .first()
    )
    for label, employee in [("Camat (kepala unit)", camat_unit.head), ("ASN (guru)", teacher)]:
        user, _ = User.objects.get_or_create(
            username=employee.nip, defaults={"employee": employee, "email": employee.email}
        )
        _set_password(user)
        logins.append(DemoLogin(label, user.username, f"{employee.name}, {employee.unit}"))
    return logins


def _set_password(user: User) -> None:
    if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
