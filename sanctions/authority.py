"""Who may impose which level on whom (PP 94/2021, as summarised in domain.md "Who may impose").

Posts are ranked from the top: JPT Pratama 1, Administrator 2, Pengawas 3, Pelaksana and
Fungsional 4 (functional posts are placed with pelaksana: a simplification, hence a warning
and never a block). An official covers a level when the employee sits at least the given number
of ranks below them. Pengawas, like administrators, impose ringan one rank below.
"""

from __future__ import annotations

RANK = {"jpt_pratama": 1, "administrator": 2, "pengawas": 3, "pelaksana": 4, "fungsional": 4}
# The official's own rank (the PPK sits above every post of the instansi).
OFFICIAL_RANK = {"ppk": 0, "jpt_pratama": 1, "administrator": 2, "pengawas": 3}

# official category -> level -> minimum rank distance below the official (None: never).
MIN_DISTANCE: dict[str, dict[str, int | None]] = {
    # The PPK: every level for JPT Pratama; sedang and berat for Administrator and below.
    "ppk": {"ringan": 1, "sedang": 1, "berat": 1},
    # Heads of OPD: ringan one rank below, sedang two ranks below, never berat.
    "jpt_pratama": {"ringan": 1, "sedang": 2, "berat": None},
    # Administrators (e.g. camat): ringan one rank below.
    "administrator": {"ringan": 1, "sedang": None, "berat": None},
    # Pengawas (e.g. kasubbag, kasi, lurah): ringan one rank below, as the regulation allows.
    "pengawas": {"ringan": 1, "sedang": None, "berat": None},
}


def covers(official_category: str, employee_category: str, level: str) -> bool:
    """Whether an official of `official_category` may impose `level` on that employee's post."""
    if not level:
        # PTDH and moral sanctions follow other rules: only the PPK imposes them.
        return official_category == "ppk"
    employee_rank = RANK.get(employee_category)
    official_rank = OFFICIAL_RANK.get(official_category)
    if employee_rank is None or official_rank is None:
        return False
    if official_category == "ppk" and level == "ringan" and employee_rank > 1:
        # Ringan for Administrator and below is the unit heads' job, not the PPK's.
        return False
    distance = MIN_DISTANCE[official_category][level]
    return distance is not None and employee_rank - official_rank >= distance
