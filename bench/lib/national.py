"""The national data set of bench/seed_national.py: instansi in the national mix, their units,
employees with valid unique NIPs, and signatures in hash chains, built as rows in COPY column
order (method in docs/benchmarks.md, "Data nasional")."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

CAMPAIGN_DAYS_BEFORE = 14  # the campaign opened this many days before --today
CAMPAIGN_DAYS_AFTER = 30
INACTIVE_SHARE = 0.02
PAKTA_SHARE = 0.5
IKRAR_STATUSES = [("disetujui", 55), ("menunggu", 41), ("dikembalikan", 3), ("dicabut", 1)]
PAKTA_STATUSES = [("disetujui", 70), ("menunggu", 30)]
# National mix of regional governments: 38 provinsi, 416 kabupaten, 98 kota.
KIND_MIX = {"provinsi": 38, "kabupaten": 416, "kota": 98}
HEAD_TITLES = {"provinsi": "Gubernur", "kabupaten": "Bupati", "kota": "Wali Kota"}
NAME_PREFIX = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}
TIME_ZONES = [("Asia/Jakarta", 62), ("Asia/Makassar", 25), ("Asia/Jayapura", 13)]
SIZE_SIGMA = 0.7
MIN_EMPLOYEES = 250

PLACE_PREFIXES = ["", "", "", "Tanjung ", "Sungai ", "Bukit ", "Muara ", "Batu ", "Air ",
                  "Teluk ", "Padang ", "Tanah ", "Kuala ", "Lubuk ", "Pulau "]  # fmt: skip
SYLLABLES = ["ba", "lu", "ma", "ra", "ti", "sa", "ka", "ngo", "we", "do", "pa", "ri", "ta",
             "ju", "ne", "bo", "la", "mu", "ki", "se", "ga", "wa", "to", "bi", "ha", "si",
             "nde", "mba", "kon", "lang", "tan", "pur", "bang", "jaya", "rejo"]  # fmt: skip

EXTRA_UNITS = [
    ("dinas", "Dinas Pertanian dan Ketahanan Pangan"), ("dinas", "Dinas Perhubungan"),
    ("dinas", "Dinas Lingkungan Hidup"), ("dinas", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("dinas", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("dinas", "Dinas Komunikasi dan Informatika"),
    ("dinas", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("dinas", "Dinas Perumahan dan Kawasan Permukiman"),
    ("dinas", "Dinas Koperasi dan Usaha Kecil Menengah"),
    ("dinas", "Dinas Perindustrian dan Perdagangan"), ("dinas", "Dinas Pariwisata"),
    ("dinas", "Dinas Kelautan dan Perikanan"), ("dinas", "Dinas Peternakan"),
    ("dinas", "Dinas Tenaga Kerja dan Transmigrasi"), ("dinas", "Dinas Pemuda dan Olahraga"),
    ("dinas", "Dinas Perpustakaan dan Kearsipan"),
    ("dinas", "Dinas Pengendalian Penduduk dan Keluarga Berencana"),
    ("dinas", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("badan", "Badan Penanggulangan Bencana Daerah"),
    ("badan", "Badan Kesatuan Bangsa dan Politik"), ("badan", "Badan Pendapatan Daerah"),
    ("lainnya", "Rumah Sakit Umum Daerah"),
]  # fmt: skip
BIRO = ["Biro Pemerintahan dan Otonomi Daerah", "Biro Hukum", "Biro Umum",
        "Biro Organisasi", "Biro Perekonomian", "Biro Administrasi Pembangunan",
        "Biro Kesejahteraan Rakyat", "Biro Pengadaan Barang dan Jasa"]  # fmt: skip
EDUCATION = "Dinas Pendidikan dan Kebudayaan"
HEALTH = ("Dinas Kesehatan", "Rumah Sakit Umum Daerah")
PNS_GOLONGAN = [("II/a", 4), ("II/b", 5), ("II/c", 8), ("II/d", 6), ("III/a", 16),
                ("III/b", 16), ("III/c", 13), ("III/d", 12), ("IV/a", 12), ("IV/b", 5),
                ("IV/c", 2)]  # fmt: skip
PPPK_GOLONGAN = [("V", 20), ("VII", 25), ("IX", 45), ("X", 10)]
USER_AGENTS = [
    "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
]

UNIT_COLUMNS = ("id", "instansi_id", "kind", "name", "parent_id", "head_id", "head_status",
                "head_title")  # fmt: skip
EMPLOYEE_COLUMNS = ("id", "instansi_id", "unit_id", "nip", "kind", "name", "golongan", "jabatan",
                    "jabatan_category", "email", "phone", "is_active", "updated_at")  # fmt: skip
SIGNATURE_COLUMNS = ("id", "chain", "seq", "prev_hash", "record_hash", "anchor_hmac", "code",
                     "kind", "instansi_id", "campaign_id", "employee_id", "unit_id",
                     "witnessed_id", "identity", "text_hash", "method", "typed_name", "image",
                     "image_sha256", "signed_at", "ip_address", "user_agent",
                     "status")  # fmt: skip
REVIEW_COLUMNS = ("id", "chain", "seq", "prev_hash", "record_hash", "anchor_hmac", "signature_id",
                  "instansi_id", "action", "reason", "actor_id", "actor_name",
                  "created_at")  # fmt: skip
HEAD_COLUMNS = ("id", "chain", "seq", "last_hash")
# A status other than pending is the result of a review event (the database requires it).
REVIEW_ACTIONS = {"disetujui": "setujui", "dikembalikan": "kembalikan", "dicabut": "cabut"}
REVIEW_REASONS = {"setujui": "", "kembalikan": "Tanda tangan tidak terbaca; mohon ulangi.",
                  "cabut": "Ditandatangani oleh orang lain."}  # fmt: skip


# --- Plan: the instansi and their sizes ----------------------------------------------------


@dataclass
class Region:
    index: int
    code: str
    kind: str
    name: str
    place_name: str
    time_zone: str
    head_title: str
    employees: int


def _place(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3])))
    return (rng.choice(PLACE_PREFIXES) + word.capitalize()).strip()


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def plan(instansi: int, employees: int, seed: int) -> list[Region]:
    """The instansi, in the national mix of kinds and zones, sizes summing to `employees`."""
    if employees < instansi:
        raise ValueError("need at least one employee per instansi")
    rng = random.Random(f"{seed}:plan")
    total = sum(KIND_MIX.values())
    provinsi = round(instansi * KIND_MIX["provinsi"] / total)
    kota = round(instansi * KIND_MIX["kota"] / total)
    kinds = ["provinsi"] * provinsi + ["kota"] * kota
    kinds += ["kabupaten"] * (instansi - len(kinds))
    rng.shuffle(kinds)
    weights = [rng.lognormvariate(0, SIZE_SIGMA) * (3 if k == "provinsi" else 1) for k in kinds]
    floor = min(MIN_EMPLOYEES, employees // instansi)
    spare = employees - floor * instansi
    sizes = [floor + int(spare * w / sum(weights)) for w in weights]
    for i in sorted(range(instansi), key=lambda i: -weights[i])[: employees - sum(sizes)]:
        sizes[i] += 1
    regions, codes = [], set()
    for index, (kind, size) in enumerate(zip(kinds, sizes, strict=True)):
        place = _place(rng)
        code = f"{kind[:3]}-{place.lower().replace(' ', '-')}"
        while code in codes:
            code += f"-{rng.randint(2, 99)}"
        codes.add(code)
        capital = place if kind == "kota" else _place(rng)
        regions.append(
            Region(
                index=index, code=code, kind=kind,
                name=f"Pemerintah {NAME_PREFIX[kind]} {place}", place_name=capital,
                time_zone=_weighted(rng, TIME_ZONES), head_title=HEAD_TITLES[kind],
                employees=size,
            )
        )  # fmt: skip
    return regions


# --- NIPs ----------------------------------------------------------------------------------


class Nips:
    """Unique valid NIPs, kept as ints (a million cost about 60 MB, strings would double it)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def make(self, rng: random.Random, *, pppk: bool) -> str:
        r = rng.random
        while True:
            year = 1966 + int(r() * 33)
            birth = (year * 100 + 1 + int(r() * 12)) * 100 + 1 + int(r() * 28)
            if pppk:
                middle = (2019 + int(r() * 6)) * 100 + 21
            else:
                first, last = year + 19, min(year + 32, 2024)
                middle = (first + int(r() * (last - first + 1))) * 100 + 1 + int(r() * 12)
            value = birth * 10**10 + middle * 10**4 + (1 if r() < 0.5 else 2) * 1000
            value += 1 + int(r() * 999)
            if value not in self.seen:
                self.seen.add(value)
                return str(value)


# --- Generation ----------------------------------------------------------------------------


@dataclass
class Batch:
    units: list = field(default_factory=list)
    employees: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    heads: list = field(default_factory=list)

    def tables(self):
        return [
            ("portal_unit", UNIT_COLUMNS, self.units),
            ("portal_employee", EMPLOYEE_COLUMNS, self.employees),
            ("pledges_signature", SIGNATURE_COLUMNS, self.signatures),
            ("pledges_reviewevent", REVIEW_COLUMNS, self.reviews),
            ("portal_chainhead", HEAD_COLUMNS, self.heads),
        ]


def _unit_plan(region: Region, rng: random.Random) -> list[tuple[str, str, str, float, str]]:
    """(kind, name, head title, weight, parent name) of each unit of one instansi."""
    from portal import demo

    target = rng.randint(20, 40)
    units = [(kind.value, name, title, 3.0 if kind == "setda" else 1.5, "")
             for kind, name, title in demo.COMMON_UNITS]  # fmt: skip
    if region.kind == "provinsi":
        cabang = rng.randint(3, 8)
        biro = rng.randint(4, len(BIRO))
        fixed = cabang + biro
        units += [("lainnya", name, f"Kepala {name}", 1.0, "") for name in BIRO[:biro]]
        units += [("dinas", f"Cabang Dinas Pendidikan Wilayah {n}",
                   f"Kepala Cabang Dinas Pendidikan Wilayah {n}", 5.0, "")
                  for n in range(1, cabang + 1)]  # fmt: skip
    else:
        kecamatan = rng.randint(6, 16) if region.kind == "kabupaten" else rng.randint(4, 10)
        kelurahan = rng.randint(0, 4) if region.kind == "kabupaten" else rng.randint(3, 8)
        fixed = kecamatan + kelurahan
        names: list[str] = []
        while len(names) < kecamatan:
            name = _place(rng)
            if name not in names:
                names.append(name)
        units += [("kecamatan", f"Kecamatan {n}", f"Camat {n}", 1.0, "") for n in names]
        lurah: list[str] = []
        while len(lurah) < kelurahan:
            name = _place(rng)
            if name not in lurah and name not in names:
                lurah.append(name)
        units += [("kelurahan", f"Kelurahan {n}", f"Lurah {n}", 0.3,
                   f"Kecamatan {rng.choice(names)}") for n in lurah]  # fmt: skip
    extras = max(3, min(len(EXTRA_UNITS), target - len(demo.COMMON_UNITS) - fixed))
    units += [(kind, name, "Direktur" if name.startswith("Rumah") else
               f"Kepala {name.split(' ', 1)[0]}", 1.5, "")
              for kind, name in rng.sample(EXTRA_UNITS, extras)]  # fmt: skip
    weights = {EDUCATION: 15.0 if region.kind == "provinsi" else 40.0, HEALTH[0]: 12.0,
               HEALTH[1]: 8.0}  # fmt: skip
    plan = [(k, n, t, weights.get(n, w) * rng.uniform(0.6, 1.4), p) for k, n, t, w, p in units]
    # Parents before children; an instansi smaller than its unit list keeps its first units.
    return plan[: max(1, min(len(plan), region.employees))]


class Generator:
    """Builds the rows of one instansi at a time, as tuples in the COPY column order."""

    def __init__(self, *, seed: int, signed_share: float, today: dt.date, null) -> None:
        from pledges.models import ReviewEvent, Signature
        from portal import demo
        from portal import golongan as golongan_mod
        from portal.codes import ALPHABET
        from portal.evidence import GENESIS, anchor

        self.seed, self.signed_share, self.null = seed, signed_share, null
        self.today = today
        self.opens_on = today - dt.timedelta(days=CAMPAIGN_DAYS_BEFORE)
        self.days = [self.opens_on + dt.timedelta(days=d) for d in range(CAMPAIGN_DAYS_BEFORE)]
        # Front-loaded: the first days after the circular carry most signatures; weekends few.
        weights = [(math.exp(-d / 4) + 0.12) * (0.3 if day.weekday() >= 5 else 1.0)
                   for d, day in enumerate(self.days)]  # fmt: skip
        self.day_cumulative = list(accumulate(weights))
        self.updated_at = dt.datetime.combine(
            self.opens_on - dt.timedelta(days=30), dt.time(3), tzinfo=dt.UTC
        )
        self.unit_id = self.employee_id = self.signature_id = self.head_id = self.review_id = 0
        self.nips = Nips()
        self.demo = demo
        self.Signature, self.GENESIS, self.anchor = Signature, GENESIS, anchor
        self.ReviewEvent = ReviewEvent
        self.alphabet = ALPHABET
        self.staff_jobs = {
            "education": [j for j in demo.STAFF_JOBS if j[2] in (None, EDUCATION)],
            "health": [j for j in demo.STAFF_JOBS if j[2] in (None, HEALTH[0])],
            "other": [j for j in demo.STAFF_JOBS if j[2] is None],
        }
        self.status_values = {
            kind: ([s for s, _ in pairs], list(accumulate(w for _, w in pairs)))
            for kind, pairs in (("ikrar", IKRAR_STATUSES), ("pakta", PAKTA_STATUSES))
        }
        self.cumulative = {
            name: ([g for g, _ in pairs], list(accumulate(w for _, w in pairs)))
            for name, pairs in (("pns", PNS_GOLONGAN), ("pppk", PPPK_GOLONGAN))
        }
        grades = golongan_mod.PNS_GOLONGAN + golongan_mod.PPPK_GOLONGAN
        self.pangkat = {g: golongan_mod.pangkat_golongan(g) for g in grades}
        self.stats: Counter = Counter()

    def _status(self, rng: random.Random, kind: str) -> str:
        values, cumulative = self.status_values[kind]
        return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def _signed_at(self, rng: random.Random, offset: dt.timedelta) -> dt.datetime:
        r = rng.random
        cumulative = self.day_cumulative
        day = self.days[bisect.bisect(cumulative, r() * cumulative[-1])]
        # Mostly office hours, some evenings, a few at night (local time).
        hour = 7 + r() * 9.5 if r() < 0.88 else (16.5 + r() * 6.5 if r() < 0.8 else r() * 7)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - offset
        return midnight + dt.timedelta(seconds=int(hour * 3600), microseconds=int(r() * 1e6))

    def _pick(self, rng: random.Random, name: str) -> str:
        values, cumulative = self.cumulative[name]
        return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def identity(self, kind: str, unit, instansi_name: str, person: tuple) -> dict:
        """Employee.snapshot() (ikrar) or pledges.services.head_identity() (pakta), built
        without a model instance; region() checks it against the real ones."""
        _id, nip, asn_kind, name, golongan, jabatan, category = person
        identity = {
            "nip": nip, "kind": asn_kind, "name": name, "golongan": golongan,
            "pangkat_golongan": self.pangkat[golongan], "jabatan": jabatan,
            "jabatan_category": category, "unit": unit.name, "unit_id": str(unit.id),
            "instansi": instansi_name,
        }  # fmt: skip
        if kind == "pakta":
            identity["jabatan"] = unit.head_title or jabatan
            identity["head_prefix"] = unit.head_prefix
        return identity

    def _check_identity(self, kind: str, unit, instansi, person: tuple, identity: dict) -> None:
        from pledges.services import head_identity
        from portal.models import Employee

        employee_id, nip, asn_kind, name, golongan, jabatan, category = person
        employee = Employee(id=employee_id, instansi=instansi, unit=unit, nip=nip, kind=asn_kind,
                            name=name, golongan=golongan, jabatan=jabatan,
                            jabatan_category=category)  # fmt: skip
        real = employee.snapshot() if kind == "ikrar" else head_identity(employee, unit)
        if real != identity:
            raise AssertionError(f"identity differs from the model's: {real} != {identity}")

    def region(self, region: Region, instansi, campaign, batch: Batch, reviewer=None) -> None:
        from portal.models import Unit

        rng = random.Random(f"{self.seed}:{region.index}")
        r = rng.random
        null = self.null
        offset = zoneinfo.ZoneInfo(region.time_zone).utcoffset(dt.datetime(2024, 1, 1))
        units: list[Unit] = []
        by_name: dict[str, Unit] = {}
        weights: list[float] = []
        for kind, name, title, weight, parent in _unit_plan(region, rng):
            self.unit_id += 1
            unit = Unit(id=self.unit_id, instansi=instansi, kind=kind, name=name,
                        head_title=title, head_status="definitif")  # fmt: skip
            unit.parent_id = by_name[parent].id if parent else None
            units.append(unit)
            by_name[name] = unit
            weights.append(weight)
        counts = Counter(rng.choices(range(len(units)), weights, k=region.employees - len(units)))
        signers: list[tuple] = []
        share, inactive, pakta_share = self.signed_share, INACTIVE_SHARE, PAKTA_SHARE
        rows, make_nip, make_name = batch.employees, self.nips.make, self.demo._name
        updated_at, employee_id = self.updated_at, self.employee_id
        for u, unit in enumerate(units):
            group = ("education" if "Pendidikan" in unit.name
                     else "health" if unit.name in HEALTH else "other")  # fmt: skip
            jobs = self.staff_jobs[group]
            pppk_share = 0.3 if group == "education" else 0.15
            head_category = {"kecamatan": "administrator", "kelurahan": "pengawas"}.get(
                unit.kind, "jpt_pratama"
            )
            office_ip = f"36.{64 + region.index % 128}.{u}."
            for n in range(counts[u] + 1):
                employee_id += 1
                if n == 0:  # the head comes first
                    pppk, category = False, head_category
                    jabatan = f"Kepala {unit.name}" if unit.kind in ("dinas", "badan") \
                        else unit.head_title  # fmt: skip
                    golongan = {"administrator": "IV/a", "pengawas": "III/d"}.get(
                        category, "IV/b" if r() < 0.6 else "IV/c"
                    )
                    unit.head_id = employee_id
                else:
                    pppk = r() < pppk_share
                    jabatan, category, _only = jobs[int(r() * len(jobs))]
                    golongan = self._pick(rng, "pppk" if pppk else "pns")
                nip = make_nip(rng, pppk=pppk)
                name = make_name(rng)
                active = n == 0 or r() >= inactive
                email = f"asn{employee_id}@{region.code}.go.id" if r() < 0.7 else ""
                phone = f"08{11 + int(r() * 49)}{10**7 + int(r() * 9 * 10**7)}" \
                    if r() < 0.5 else ""  # fmt: skip
                asn_kind = "PPPK" if pppk else "PNS"
                rows.append((employee_id, instansi.id, unit.id, nip, asn_kind, name, golongan,
                             jabatan, category, email, phone, active, updated_at))  # fmt: skip
                person = (employee_id, nip, asn_kind, name, golongan, jabatan, category)
                if active and r() < share:
                    signers.append(("ikrar", unit, person, office_ip))
                if n == 0 and unit.kind != "kelurahan" and r() < pakta_share:
                    signers.append(("pakta", unit, person, office_ip))
        self.employee_id = employee_id
        batch.units += [(u.id, instansi.id, u.kind, u.name, null if u.parent_id is None
                         else u.parent_id, u.head_id, u.head_status, u.head_title)
                        for u in units]  # fmt: skip
        reviews = self._signatures(instansi, campaign, batch, rng, offset, signers)
        if reviewer is not None:
            self._reviews(instansi, reviewer, batch, reviews)
        self.stats["units"] += len(units)

    def _signatures(self, instansi, campaign, batch, rng, offset, signers) -> list[tuple]:
        """Sign in time order, chaining each record to the one before; returns what the BKD
        decided on: (when, signature id, code, action)."""
        signed, reviews = [], []
        checked: set[str] = set()
        for kind, unit, person, ip in signers:
            identity = self.identity(kind, unit, instansi.name, person)
            if kind not in checked:
                self._check_identity(kind, unit, instansi, person, identity)
                checked.add(kind)
            signed.append((self._signed_at(rng, offset), kind, unit.id, person, identity,
                           self._status(rng, kind), f"{ip}{1 + int(rng.random() * 254)}",
                           USER_AGENTS[int(rng.random() * len(USER_AGENTS))]))  # fmt: skip
        signed.sort(key=lambda s: s[0])
        chain = f"signature:{instansi.id}"
        prev, text_hash, null = self.GENESIS, campaign.text_hash, self.null
        alphabet, anchor, rows = self.alphabet, self.anchor, batch.signatures
        # One unsaved Signature whose fields are set record by record: compute_hash() is the
        # model's own; the first record is also hashed from a freshly built instance.
        signature = self.Signature(
            chain=chain,
            instansi_id=instansi.id,
            campaign_id=campaign.id,
            text_hash=text_hash,
            method="typed",
            image_sha256="",
        )
        for seq, (signed_at, kind, unit_id, person, identity, status, ip, agent) in enumerate(
            signed, 1
        ):
            code = "".join(rng.choices(alphabet, k=16))
            s = signature
            s.seq, s.prev_hash, s.code, s.kind, s.status = seq, prev, code, kind, status
            s.employee_id, s.unit_id, s.identity = person[0], unit_id, identity
            s.typed_name, s.signed_at, s.ip_address, s.user_agent = person[3], signed_at, ip, agent
            record_hash = s.compute_hash()
            if seq == 1:
                fresh = self.Signature(
                    chain=chain, seq=1, prev_hash=prev, code=code, kind=kind,
                    instansi_id=instansi.id, campaign_id=campaign.id, employee_id=person[0],
                    unit_id=unit_id, identity=identity, text_hash=text_hash, method="typed",
                    typed_name=person[3], image_sha256="", signed_at=signed_at, ip_address=ip,
                    user_agent=agent, status=status,
                )  # fmt: skip
                assert fresh.compute_hash() == record_hash
            self.signature_id += 1
            rows.append((self.signature_id, chain, seq, prev, record_hash, anchor(record_hash),
                         code, kind, instansi.id, campaign.id, person[0], unit_id, null,
                         json.dumps(identity), text_hash, "typed", person[3], "", "", signed_at,
                         ip, agent, status))  # fmt: skip
            prev = record_hash
            self.stats[f"{kind}:{status}"] += 1
            if status in REVIEW_ACTIONS:
                later = signed_at + dt.timedelta(hours=2 + rng.random() * 70)
                reviews.append((later, self.signature_id, code, REVIEW_ACTIONS[status]))
        if signed:
            self.head_id += 1
            batch.heads.append((self.head_id, chain, len(signed), prev))
        return reviews

    def _reviews(self, instansi, reviewer, batch: Batch, reviews: list[tuple]) -> None:
        """The review chain of the instansi: one event per decided signature, in time order,
        hashed by ReviewEvent's own compute_hash()."""
        chain, prev = f"review:{instansi.id}", self.GENESIS
        event = self.ReviewEvent(chain=chain, instansi_id=instansi.id, actor_id=reviewer.id,
                                 actor_name=reviewer.display_name)  # fmt: skip
        for seq, (at, signature_id, code, action) in enumerate(sorted(reviews), 1):
            event.signature = self.Signature(id=signature_id, code=code)
            event.seq, event.prev_hash, event.action = seq, prev, action
            event.reason, event.created_at = REVIEW_REASONS[action], at
            record_hash = event.compute_hash()
            self.review_id += 1
            batch.reviews.append((self.review_id, chain, seq, prev, record_hash,
                                  self.anchor(record_hash), signature_id, instansi.id, action,
                                  event.reason, reviewer.id, event.actor_name, at))  # fmt: skip
            prev = record_hash
        if reviews:
            self.head_id += 1
            batch.heads.append((self.head_id, chain, len(reviews), prev))
