"""Seed a national-scale data set: 552 instansi, 1,000,000 ASN, an open campaign each, 60% signed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_national \\
        .venv/bin/python bench/seed_national.py [--instansi 552] [--employees 1000000] \\
        [--signed-share 0.6] [--seed 2024] [--today YYYY-MM-DD] [--writers 2] [--plain] \\
        [--fresh] [--verify] [--write]

The database (PostgreSQL; bench_national when DATABASE_URL is unset) is created if missing and
migrated, and must hold no instansi yet: --fresh drops and recreates it first (bench* names
only). SQLite is accepted up to 100,000 employees, through the ORM's bulk_create.

What is made, deterministically for a given --seed and --today:

- instansi in the national mix (38 provinsi : 416 kabupaten : 98 kota), in WIB/WITA/WIT, with
  log-normally spread sizes (provinsi about three times larger) summing to exactly --employees;
- 20-40 units each (the common OPD of portal.demo, more dinas/badan, kecamatan and some
  kelurahan under them; biro and cabang dinas for a provinsi), each with a head;
- the employees, with valid unique NIPs (PNS and about one in five PPPK; every NIP is checked
  with portal.nip.parse) and 2% inactive;
- one open ikrar campaign per instansi (opened 14 days before --today, frozen text hash);
- ikrar signatures of --signed-share of the active employees (disetujui 55%, menunggu 41%,
  dikembalikan 3%, dicabut 1%) and pakta signatures of half the unit heads, over the campaign's
  days before --today, mostly in office hours and front-loaded, each instansi's in one hash
  chain: Signature.compute_hash() and portal.evidence.anchor() of the real models, the chain
  in signing order and a ChainHead per chain, so `manage.py verify_chain` passes (--verify
  runs it over every chain; otherwise one chain is verified as a check).

Rows go in with PostgreSQL COPY (CSV in memory, one batch of about 20,000 employees at a time,
one transaction each) from --writers threads with their own connections, so PostgreSQL works
on earlier batches while Python builds the next; memory stays flat (about 350 MB at 1,000,000).
Ids are explicit (the database starts empty) and the sequences are moved past them afterwards.
Unless --plain, the load runs in bulk mode: the secondary indexes of the unit, employee and
signature tables are dropped and rebuilt from their own definitions afterwards (primary keys
and unique constraints stay live), and for a superuser the writers skip the per-row
foreign-key triggers, every foreign key of those tables being checked once with an anti-join
instead. Then the tables are VACUUM ANALYZEd, as autovacuum would leave them. --write replaces
"## Data nasional (bench/seed_national.py)" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import io
import json
import math
import os
import queue
import random
import sys
import threading
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from _common import (
    PG_SERVER,
    create_database,
    database_exists,
    db_name,
    machine,
    setup_django,
    write_section,
)

SECTION = "## Data nasional (bench/seed_national.py)"
DEFAULT_URL = f"{PG_SERVER}/bench_national"
SQLITE_MAX = 100_000
BATCH_EMPLOYEES = 20_000
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
HEAD_COLUMNS = ("id", "chain", "seq", "last_hash")
BULK_TABLES = ("portal_unit", "portal_employee", "pledges_signature")


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
    heads: list = field(default_factory=list)

    def tables(self):
        return [
            ("portal_unit", UNIT_COLUMNS, self.units),
            ("portal_employee", EMPLOYEE_COLUMNS, self.employees),
            ("pledges_signature", SIGNATURE_COLUMNS, self.signatures),
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
        from pledges.models import CODE_ALPHABET, Signature
        from portal import demo
        from portal import golongan as golongan_mod
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
        self.unit_id = self.employee_id = self.signature_id = self.head_id = 0
        self.nips = Nips()
        self.demo = demo
        self.Signature, self.GENESIS, self.anchor = Signature, GENESIS, anchor
        self.alphabet = CODE_ALPHABET
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

    def region(self, region: Region, instansi, campaign, batch: Batch) -> None:
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
        self._signatures(instansi, campaign, batch, rng, offset, signers)
        self.stats["units"] += len(units)

    def _signatures(self, instansi, campaign, batch, rng, offset, signers) -> None:
        """Sign in time order, chaining each record to the one before."""
        signed = []
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
        if signed:
            self.head_id += 1
            batch.heads.append((self.head_id, chain, len(signed), prev))


# --- Writers -------------------------------------------------------------------------------


class CopyWriter:
    """COPY batches from `threads` threads, each with its own connection and one transaction
    per batch, so PostgreSQL works while Python builds the next batch."""

    null = r"\N"
    verb = "COPY"

    def __init__(self, params: dict, threads: int = 2, *, skip_fk_triggers: bool = False) -> None:
        import psycopg2

        params = {k: v for k, v in params.items() if k != "cursor_factory"}
        self.queue: queue.Queue = queue.Queue(maxsize=threads)
        self.error: BaseException | None = None
        self.seconds: Counter = Counter()
        self.rows: Counter = Counter()
        self.lock = threading.Lock()
        self.commit = "commit" if skip_fk_triggers else "commit (deferred foreign-key checks)"
        self.threads = []
        for n in range(threads):
            conn = psycopg2.connect(**params)
            with conn.cursor() as cursor:
                # Bench data: losing the last commits in a crash is fine; no fsync waits.
                cursor.execute("SET synchronous_commit = off")
                if skip_fk_triggers:
                    # Foreign keys are then checked once, in bulk, by BulkLoad.finish().
                    cursor.execute("SET session_replication_role = replica")
            conn.commit()
            thread = threading.Thread(target=self._run, args=(conn,), name=f"copy-{n}")
            thread.start()
            self.threads.append(thread)

    def put(self, batch: Batch) -> float:
        """Hand a batch over; return the seconds spent waiting for a free writer."""
        if self.error is not None:
            self.close()
        start = time.perf_counter()
        self.queue.put(batch)
        return time.perf_counter() - start

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error

    def _run(self, conn) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(conn, batch)
                    except BaseException as exc:  # noqa: BLE001 - re-raised by put()/close()
                        self.error = exc
                        conn.rollback()
        finally:
            conn.close()

    def _write(self, conn, batch: Batch) -> None:
        seconds: Counter = Counter()
        with conn.cursor() as cursor:
            for table, columns, rows in batch.tables():
                if not rows:
                    continue
                start = time.perf_counter()
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                columns_sql = ", ".join(columns)
                cursor.copy_expert(
                    f"COPY {table} ({columns_sql}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
                seconds[table] += time.perf_counter() - start
        start = time.perf_counter()
        conn.commit()  # the deferred foreign keys are checked here, unless skipped
        seconds[self.commit] += time.perf_counter() - start
        with self.lock:
            self.seconds.update(seconds)
            self.rows.update({table: len(rows) for table, _, rows in batch.tables() if rows})


class BulkLoad:
    """PostgreSQL bulk-load mode: the loaded tables' secondary indexes (those not behind a
    primary-key or unique constraint, which stay and are enforced during the load) are dropped
    and rebuilt from their pg_get_indexdef() afterwards, and, for a superuser, the writers skip
    the per-row foreign-key triggers (session_replication_role = replica) and every foreign key
    of the loaded tables is checked once with an anti-join instead."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.skip_fk_triggers = False
        self.indexes: list[tuple[str, str]] = []
        self.phases: list[tuple[str, float, int | None]] = []

    def begin(self) -> None:
        if not self.enabled:
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.skip_fk_triggers = bool(cursor.fetchone()[0])
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [list(BULK_TABLES)],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def finish(self) -> list[tuple[str, float, int | None]]:
        """Rebuild the indexes (also after a failed load) and check the foreign keys."""
        if not self.enabled:
            return []
        from django.db import connection

        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '128MB'")
            for _name, definition in self.indexes:
                # A partial unique index (one valid ikrar per employee ...) checks its rows here.
                cursor.execute(definition.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
            self.phases.append((f"rebuild the {len(self.indexes)} secondary indexes",
                                time.perf_counter() - start, None))  # fmt: skip
            if self.skip_fk_triggers:
                start = time.perf_counter()
                checked = self.check_foreign_keys(cursor)
                self.phases.append((f"check {checked} foreign keys in bulk (anti-joins)",
                                    time.perf_counter() - start, None))  # fmt: skip
        return self.phases

    @staticmethod
    def check_foreign_keys(cursor) -> int:
        cursor.execute(
            "SELECT c.conname, c.conrelid::regclass::text, a.attname, "
            "c.confrelid::regclass::text, f.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [list(BULK_TABLES)],
        )
        keys = cursor.fetchall()
        for name, table, column, target, target_column in keys:
            # Identifiers from the catalogue, not from input.
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column})"
            )
            missing = cursor.fetchone()[0]
            if missing:
                raise AssertionError(f"{name}: {missing} rows of {table} point nowhere")
        return len(keys)


class OrmWriter:
    """SQLite (small sizes only): the same rows as model instances through bulk_create."""

    null = None
    verb = "bulk_create"

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.rows: Counter = Counter()

    def put(self, batch: Batch) -> float:
        from django.db import transaction

        from pledges.models import Signature
        from portal.evidence import ChainHead
        from portal.models import Employee, Unit

        models = {"portal_unit": Unit, "portal_employee": Employee,
                  "pledges_signature": Signature, "portal_chainhead": ChainHead}  # fmt: skip
        with transaction.atomic():
            for table, columns, rows in batch.tables():
                start = time.perf_counter()
                model = models[table]
                objects = []
                for row in rows:
                    values = dict(zip(columns, row, strict=True))
                    if "identity" in values:
                        values["identity"] = json.loads(values["identity"])
                    objects.append(model(**values))
                model.objects.bulk_create(objects, batch_size=2000)
                self.seconds[table] += time.perf_counter() - start
                self.rows[table] += len(rows)
        return 0.0

    def close(self) -> None:
        pass


# --- Seeding -------------------------------------------------------------------------------


@dataclass
class Report:
    instansi: int
    employees: int
    signed_share: float
    seed: int
    today: dt.date
    wall: float = 0.0
    ready: float = 0.0  # the wall time before the verification
    phases: list[tuple[str, float, int | None]] = field(default_factory=list)
    copy_seconds: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    verified: str = ""
    database: str = ""
    size_bytes: int | None = None

    def table(self) -> str:
        lines = ["| phase | time | rows | rows/s |", "|---|---|---|---|"]
        for name, seconds, rows in self.phases:
            count = f"{rows:,}" if rows else ""
            rate = f"{rows / seconds:,.0f}" if rows and seconds else ""
            lines.append(f"| {name} | {seconds:,.1f} s | {count} | {rate} |")
        return "\n".join(lines) + "\n"


def check_columns() -> None:
    """The COPY column lists must be exactly the tables' columns (a new column fails here)."""
    from pledges.models import Signature
    from portal.evidence import ChainHead
    from portal.models import Employee, Unit

    for model, columns in [(Unit, UNIT_COLUMNS), (Employee, EMPLOYEE_COLUMNS),
                           (Signature, SIGNATURE_COLUMNS), (ChainHead, HEAD_COLUMNS)]:  # fmt: skip
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            sys.exit(f"{model._meta.db_table}: columns changed: {sorted(actual ^ set(columns))}")


def seed(*, instansi: int, employees: int, signed_share: float, seed: int = 2024,
         today: dt.date | None = None, writers: int = 2, bulk_mode: bool = True,
         verify_all: bool = False, log=print) -> Report:  # fmt: skip
    """Fill the (empty, migrated) default database. Django must be set up."""
    from django.db import connection

    from pledges.models import IKRAR_POINTS, Campaign, Signature
    from portal import nip as nip_mod
    from portal.models import Employee, Instansi

    if Instansi.objects.exists() or Employee.objects.exists():
        sys.exit("the database already holds instansi or employees; seed an empty one (--fresh)")
    check_columns()
    today = today or dt.date.today()
    report = Report(instansi, employees, signed_share, seed, today)
    if connection.vendor == "postgresql":
        v = connection.pg_version
        report.database = f"PostgreSQL {v // 10000}.{v % 10000}"
    else:
        report.database = connection.vendor
    wall = time.perf_counter()

    start = time.perf_counter()
    regions = plan(instansi, employees, seed)
    fields = ("code", "kind", "name", "place_name", "time_zone", "head_title")
    objects = Instansi.objects.bulk_create(
        [Instansi(**{f: getattr(r, f) for f in fields}) for r in regions]
    )
    opens_on = today - dt.timedelta(days=CAMPAIGN_DAYS_BEFORE)
    frozen = dt.datetime.combine(opens_on, dt.time(0), tzinfo=dt.UTC)
    campaigns = []
    for obj in objects:
        campaign = Campaign(
            instansi=obj, title="Pemilu dan Pemilihan Tahun 2024", opens_on=opens_on,
            closes_on=today + dt.timedelta(days=CAMPAIGN_DAYS_AFTER),
            ikrar_points=list(IKRAR_POINTS), frozen_at=frozen,
        )  # fmt: skip
        campaign.text_hash = campaign.compute_text_hash()
        campaigns.append(campaign)
    campaigns = Campaign.objects.bulk_create(campaigns)
    report.phases.append(("instansi and campaigns (ORM bulk_create)", time.perf_counter() - start,
                          len(objects) + len(campaigns)))  # fmt: skip

    postgres = connection.vendor == "postgresql"
    bulk = BulkLoad(enabled=postgres and bulk_mode)
    start = time.perf_counter()
    bulk.begin()
    if bulk.enabled:
        report.phases.append((f"drop {len(bulk.indexes)} secondary indexes for the load",
                              time.perf_counter() - start, None))  # fmt: skip
    writer = (CopyWriter(connection.get_connection_params(), writers,
                         skip_fk_triggers=bulk.skip_fk_triggers)
              if postgres else OrmWriter())  # fmt: skip
    gen = Generator(seed=seed, signed_share=signed_share, today=today, null=writer.null)
    start = time.perf_counter()
    built = checked = 0.0
    batch, done, next_report = Batch(), 0, 0.1
    try:
        for region, obj, campaign in zip(regions, objects, campaigns, strict=True):
            t = time.perf_counter()
            gen.region(region, obj, campaign, batch)
            built += time.perf_counter() - t
            if len(batch.employees) >= BATCH_EMPLOYEES or region is regions[-1]:
                t = time.perf_counter()
                for row in batch.employees:
                    if nip_mod.parse(row[3], today=today).kind != row[4]:
                        raise AssertionError(f"NIP {row[3]} is not a {row[4]} NIP")
                checked += time.perf_counter() - t
                done += len(batch.employees)
                writer.put(batch)
                batch = Batch()
                if done >= next_report * employees:
                    elapsed = time.perf_counter() - start
                    log(f"  {done:>9,} employees, {gen.signature_id:>9,} signatures "
                        f"({elapsed:6.1f} s, {done / elapsed:,.0f} employees/s)")  # fmt: skip
                    next_report += 0.1
    finally:
        try:
            writer.close()
        finally:
            load = time.perf_counter() - start
            after_load = bulk.finish()
    sizes = sorted(r.employees for r in regions)
    report.sizes = {"min": sizes[0], "median": sizes[len(sizes) // 2], "max": sizes[-1]}
    report.rows = dict(writer.rows)
    report.copy_seconds = dict(writer.seconds)
    report.stats = dict(gen.stats)
    total_rows = sum(writer.rows.values())
    pipelined = ", pipelined" if postgres else ""
    report.phases.append((f"build, hash and {writer.verb} units, employees, signatures, chain "
                          f"heads (wall{pipelined})", load, total_rows))  # fmt: skip
    report.phases.append(("- building rows and hashing (main thread)", built, None))
    report.phases.append(("- portal.nip.parse() of every NIP", checked, employees))
    threads = f", summed over {writers} writer threads" if postgres and writers > 1 else ""
    for table, seconds in writer.seconds.items():
        label = f"{writer.verb} {table}" if table in writer.rows else table
        report.phases.append((f"- {label}{threads}", seconds, writer.rows.get(table)))
    report.phases += after_load

    start = time.perf_counter()
    reset_sequences()
    report.phases.append(("reset sequences", time.perf_counter() - start, None))
    if postgres:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("portal_instansi", "portal_unit", "portal_employee",
                          "pledges_campaign", "pledges_signature", "portal_chainhead"):  # fmt: skip
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("SELECT pg_database_size(current_database())")
            report.size_bytes = cursor.fetchone()[0]
        report.phases.append(("VACUUM (ANALYZE)", time.perf_counter() - start, None))

    report.ready = time.perf_counter() - wall
    start = time.perf_counter()
    report.verified = verify(objects, verify_all)
    report.phases.append((f"verify: {report.verified}", time.perf_counter() - start, None))
    report.wall = time.perf_counter() - wall
    log(report.table())
    assert Signature.objects.count() == writer.rows.get("pledges_signature", 0)
    return report


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from pledges.models import Signature
    from portal.evidence import ChainHead
    from portal.models import Employee, Unit

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Unit, Employee, Signature, ChainHead]
        ):
            cursor.execute(sql)


def verify(instansi, verify_all: bool) -> str:
    """Every chain through `manage.py verify_chain`, or the first instansi's chain."""
    from django.core.management import call_command

    from pledges.models import Signature
    from portal.evidence import verify as verify_chain

    if verify_all:
        out = io.StringIO()
        call_command("verify_chain", stdout=out)  # raises CommandError on a broken chain
        lines = [line for line in out.getvalue().splitlines() if "tanda tangan" in line]
        records = sum(int(line.split(": ")[1].split()[0]) for line in lines)
        return (f"manage.py verify_chain: {len(lines)} signature chains ({records:,} records) "
                "OK")  # fmt: skip
    first = instansi[0]
    chain = Signature(instansi=first).chain_key()
    broken = verify_chain(Signature, chain)
    if broken is not None:
        raise AssertionError(f"chain {chain} broken at #{broken.seq}: {broken.reason}")
    count = Signature.objects.filter(chain=chain).count()
    return f"chain of {first.code} recomputed ({count:,} records), OK"


def section(report: Report, command: str, host: str) -> str:
    stats = report.stats
    ikrar = sum(v for k, v in stats.items() if k.startswith("ikrar:"))
    pakta = sum(v for k, v in stats.items() if k.startswith("pakta:"))
    mix = ", ".join(f"{k.split(':')[1]} {v:,}" for k, v in sorted(stats.items())
                    if k.startswith("ikrar:"))  # fmt: skip
    size = f", {report.size_bytes / 2**30:.2f} GiB on disk" if report.size_bytes else ""
    return (
        f"{SECTION}\n\n"
        "A national data set for the compliance benchmarks, made by bench/seed_national.py: "
        "instansi in the national mix of kinds and time zones with log-normally spread sizes, "
        "20-40 units each with a head, employees with valid unique NIPs (checked with "
        "portal.nip.parse), one open ikrar campaign per instansi and signatures over its days, "
        "each instansi's in one hash chain computed with the real Signature.compute_hash() and "
        "anchor HMAC. Rows go in with COPY from writer threads (one connection and one "
        f"transaction per batch of about {BATCH_EMPLOYEES:,} employees) while Python builds the "
        "next batch, in bulk mode: the secondary indexes of the unit, employee and signature "
        "tables dropped for the load and rebuilt after it, primary keys and unique constraints "
        "live throughout, and the foreign keys checked once in bulk instead of per row. Rows/s "
        "of a COPY line is rows per second of writer-thread time; the lines marked - overlap "
        "in the pipelined wall time above them.\n\n"
        f"- Machine: {host}\n"
        f"- Database: {report.database}{size}\n"
        f"- Data: {report.instansi:,} instansi (employees per instansi: min "
        f"{report.sizes['min']:,}, median {report.sizes['median']:,}, max "
        f"{report.sizes['max']:,}), {stats.get('units', 0):,} units, {report.employees:,} "
        f"employees, {ikrar:,} ikrar signatures ({mix}; --signed-share {report.signed_share}) "
        f"and {pakta:,} pakta, seed {report.seed}, today {report.today}\n"
        f"- Command: `{command}`\n"
        f"- Total, after migrate: {report.ready:,.1f} s to a seeded, indexed and analysed "
        f"database ({report.employees / report.ready:,.0f} employees/s), "
        f"{report.wall:,.1f} s with the verification\n\n" + report.table()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instansi", type=int, default=552)
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--signed-share", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="campaign dates count from this day (default: today)")  # fmt: skip
    parser.add_argument("--writers", type=int, default=2, help="COPY threads (default 2)")
    parser.add_argument("--plain", action="store_true",
                        help="load with all indexes and foreign-key triggers live")  # fmt: skip
    parser.add_argument("--fresh", action="store_true", help="drop and recreate a bench* database")
    parser.add_argument("--verify", action="store_true", help="run verify_chain over all chains")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.instansi < 1 or args.employees < args.instansi or not 0 <= args.signed_share <= 1:
        parser.error("need --instansi >= 1, --employees >= --instansi, 0 <= --signed-share <= 1")

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("sqlite"):
        if args.employees > SQLITE_MAX:
            sys.exit(f"SQLite is for small sizes only (up to {SQLITE_MAX:,} employees); "
                     "use PostgreSQL for the national data set")  # fmt: skip
    elif not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL")
    elif args.fresh or not database_exists(url):
        if args.fresh and not db_name(url).startswith("bench"):
            sys.exit("--fresh drops the database: only for bench* databases")
        create_database(url)
    host = machine()
    setup_django(url)
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    report = seed(instansi=args.instansi, employees=args.employees,
                  signed_share=args.signed_share, seed=args.seed, today=args.today,
                  writers=args.writers, bulk_mode=not args.plain,
                  verify_all=args.verify)  # fmt: skip
    print(f"total {report.wall:,.1f} s")
    if args.write:
        shown = f"DATABASE_URL={url} " if "DATABASE_URL" in os.environ else ""
        command = f"{shown}.venv/bin/python bench/seed_national.py " + " ".join(sys.argv[1:])
        write_section(SECTION, section(report, command.strip(), host))
        print(f"wrote {SECTION!r} to docs/benchmarks.md")


if __name__ == "__main__":
    main()
