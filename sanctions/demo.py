"""Demo discipline cases, so the Inspektorat's home and the case list have work on them: one
past its deadline, one due this week, one just received, all moved through the real services
(history, deadlines and audit as a user would leave them)."""

from __future__ import annotations

import datetime as dt
import random

from portal.models import Employee, Instansi, User

from . import services
from .models import Case, ReportingBody, Stage, ViolationType

# (days since received, stages moved through with the days since each move)
STORIES = [
    (40, [(Stage.SUMMONS_1, 30)]),  # the examination after the first summons is overdue
    (12, [(Stage.SUMMONS_1, 2)]),  # due in a few working days
    (25, [(Stage.SUMMONS_1, 20), (Stage.SUMMONS_2, 1)]),
    (2, []),  # just received, in screening
]
DESCRIPTIONS = [
    "Mengunggah foto bersama calon kepala daerah dengan simbol jari di media sosial.",
    "Menghadiri deklarasi pasangan calon pada jam kerja dengan seragam dinas.",
    "Membagikan dan menyukai unggahan kampanye salah satu pasangan calon.",
    "Memasang alat peraga kampanye di halaman kantor kelurahan.",
]


def seed(instansi: Instansi, *, rng: random.Random) -> int:
    if Case.objects.filter(instansi=instansi).exists():
        return 0
    actor = User.objects.filter(role=User.Role.INSPEKTORAT, instansi=instansi).first()
    if actor is None:
        return 0
    # Staff only: not a demo login (they try the portal) and not a head of unit.
    logins = User.objects.filter(employee__instansi=instansi).values("employee_id")
    staff = list(
        Employee.objects.active().filter(instansi=instansi, headed_units__isnull=True)
        .exclude(pk__in=logins).order_by("pk")
    )  # fmt: skip
    body = ReportingBody.objects.filter(code="bawaslu").first() or ReportingBody.objects.first()
    violation = ViolationType.objects.get(code="netral-kampanye")
    today = services.local_today(instansi)
    for n, (received_ago, moves) in enumerate(STORIES):
        case = services.create_case(
            employee=rng.choice(staff), actor=actor, reporting_body=body,
            source_reference=f"{n + 12:03d}/Rek/Bawaslu-{instansi.place_name}/2024",
            received_on=today - dt.timedelta(days=received_ago),
            description=DESCRIPTIONS[n], violations=[(violation, "")],
        )  # fmt: skip
        for stage, ago in moves:
            services.transition(case=case, to_stage=stage, actor=actor,
                                occurred_on=today - dt.timedelta(days=ago))  # fmt: skip
    return len(STORIES)
