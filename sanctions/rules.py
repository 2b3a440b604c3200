"""The rules a decision must satisfy, kept apart from forms so services enforce them too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .authority import covers
from .models import LEVEL_RANK, Case, Level, SanctionType

DISCIPLINARY_KINDS = (SanctionType.Kind.DISCIPLINARY, SanctionType.Kind.PPPK)
MAIN_KINDS = (*DISCIPLINARY_KINDS, SanctionType.Kind.PTDH)


def severity_key(sanction: SanctionType) -> tuple[int, int]:
    return (LEVEL_RANK.get(sanction.level, 4), sanction.severity)


def check_decision(
    case: Case,
    *,
    level: str,
    sanction_type: SanctionType | None,
    imposed_type: SanctionType | None,
    ethics_type: SanctionType | None,
    official_category: str,
) -> list[str]:
    """Raise ValidationError (per field) when a rule is broken; return warnings otherwise."""
    errors: dict[str, str] = {}
    if sanction_type is None and ethics_type is None:
        errors["sanction_type"] = _("Isi hukuman disiplin dan/atau sanksi moral.")
    if sanction_type is not None:
        if sanction_type.kind not in MAIN_KINDS:
            errors["sanction_type"] = _("Jenis ini bukan hukuman disiplin.")
        elif not sanction_type.applies_to(case.employee_kind):
            errors["sanction_type"] = _("Jenis hukuman ini tidak berlaku untuk %(kind)s.") % {
                "kind": case.employee_kind
            }
        elif sanction_type.kind in DISCIPLINARY_KINDS and sanction_type.level != level:
            errors["sanction_type"] = _("Jenis hukuman harus termasuk tingkat yang diputuskan.")
    if sanction_type is not None and sanction_type.kind in DISCIPLINARY_KINDS and not level:
        errors["level"] = _("Pilih tingkat hukuman disiplin.")
    if sanction_type is None and level:
        errors["sanction_type"] = _("Pilih jenis hukuman untuk tingkat ini.")
    if ethics_type is not None and ethics_type.kind != SanctionType.Kind.ETHICS:
        errors["ethics_type"] = _("Jenis ini bukan sanksi moral.")
    if imposed_type is not None and (
        imposed_type.kind != SanctionType.Kind.INTERIM
        or level != Level.MEDIUM
        or not imposed_type.applies_to(case.employee_kind)
    ):
        errors["imposed_type"] = _("Pengganti sementara hanya untuk hukuman tingkat sedang.")
    heaviest = case.heaviest_level()
    is_ptdh = sanction_type is not None and sanction_type.kind == SanctionType.Kind.PTDH
    if heaviest and not is_ptdh and "level" not in errors:
        if not level:
            errors["level"] = _("Pelanggaran dalam kasus ini memerlukan hukuman disiplin.")
        elif LEVEL_RANK[level] < LEVEL_RANK[heaviest]:
            errors["level"] = _(
                "Beberapa pelanggaran dijatuhi satu hukuman, yaitu yang terberat: "
                "tingkat %(level)s."
            ) % {"level": Level(heaviest).label}
    if level == Level.HEAVY and not case.examination_team.strip():
        errors["level"] = _("Hukuman disiplin berat memerlukan tim pemeriksa.")
    if errors:
        raise ValidationError(errors)
    warnings = []
    if sanction_type is not None and not covers(official_category, case.jabatan_category, level):
        warnings.append(
            _(
                "Perhatian: pejabat ini tidak berwenang menjatuhkan hukuman tingkat tersebut "
                "untuk kategori jabatan pegawai ini."
            )
        )
    return warnings
