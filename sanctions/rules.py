"""The rules a decision must satisfy, kept apart from forms so services enforce them too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .authority import covers
from .models import LEVEL_RANK, Case, LegalBasis, Level, SanctionType

DISCIPLINARY_KINDS = (SanctionType.Kind.DISCIPLINARY, SanctionType.Kind.PPPK)
MAIN_KINDS = (*DISCIPLINARY_KINDS, SanctionType.Kind.PTDH)


def severity_key(sanction: SanctionType) -> tuple[int, int]:
    return (LEVEL_RANK.get(sanction.level, 4), sanction.severity)


def legal_basis_lines(employee_kind: str, *outcomes: SanctionType | None) -> list[str]:
    """What the SK cites under "Mengingat": the bases of each outcome (sanction, interim
    substitute, moral sanction) and those cited for every decision on this kind of employee
    (the PPPK management regulation for PPPK), in the catalogue's order, each once."""
    chosen = [outcome.pk for outcome in outcomes if outcome is not None]
    bases = (
        LegalBasis.objects.filter(is_active=True)
        .filter(Q(sanction_types__in=chosen) | Q(employee_kind=employee_kind, employee_kind__gt=""))
        .distinct()
        .order_by("order", "pk")
    )
    return [basis.text for basis in bases]


def ptdh_violations(case: Case) -> list:
    """The case's violations whose catalogue outcome is PTDH (e.g. party membership)."""
    return [
        v.violation_type
        for v in case.violations.select_related("violation_type__suggested_sanction")
        if v.violation_type.suggested_sanction
        and v.violation_type.suggested_sanction.kind == SanctionType.Kind.PTDH
    ]


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
    leading_to_ptdh = ptdh_violations(case)
    if leading_to_ptdh and not is_ptdh and "sanction_type" not in errors:
        errors["sanction_type"] = _(
            'Pelanggaran "%(violation)s" berujung pemberhentian tidak dengan hormat (PTDH).'
        ) % {"violation": leading_to_ptdh[0].name}
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
