from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal import nip as nip_mod
from portal.fields import IdChoiceField, IdMultipleChoiceField
from portal.models import NAME_MAX_LENGTH, Employee, Instansi, Unit

from . import history, rules
from .models import (
    LEVEL_RANK,
    Appeal,
    Case,
    Level,
    OfficialCategory,
    ReportingBody,
    SanctionType,
    Stage,
    ViolationType,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_in_future(value):
    if value > timezone.localdate():
        raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))


class CaseForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP / NI PPPK pegawai terlapor"),
        max_length=40,
        help_text=_("18 digit, boleh dengan spasi."),
    )
    reporting_body = IdChoiceField(
        label=_("Sumber laporan"), queryset=ReportingBody.objects.filter(is_active=True)
    )
    source_reference = forms.CharField(
        label=_("Nomor rekomendasi/laporan"), max_length=120, required=False
    )
    received_on = forms.DateField(
        label=_("Tanggal diterima"), widget=DateInput(), validators=[not_in_future]
    )
    violations = IdMultipleChoiceField(
        label=_("Pelanggaran"),
        queryset=ViolationType.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_history = forms.BooleanField(
        label=_(
            "Saya sudah memeriksa kasus sebelumnya: ini bukan pelanggaran yang sama yang sudah "
            "dihukum."
        ),
        required=False,
    )
    other_text = forms.CharField(label=_("Uraian pelanggaran lain"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Uraian kejadian"), widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = MultipleFileField(label=_("Berkas bukti (PDF, PNG, JPEG; boleh lebih dari satu)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.history: list[HistoryNote] = []
        # The confirmation is offered only once the form has warned of earlier cases.
        self.fields["confirm_history"].widget = forms.HiddenInput()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["reporting_body"].initial = ReportingBody.objects.filter(
            is_active=True, is_default=True
        ).first()
        # One list per group (neutrality, ethics, attendance, other obligations), not 25 boxes.
        groups: dict[str, list] = {}
        for violation in self.fields["violations"].queryset.order_by("group", "order"):
            groups.setdefault(violation.group, []).append((violation.pk, violation.name))
        self.fields["violations"].choices = [
            (ViolationType.Group(group).label, groups[group])
            for group in ViolationType.Group.values
            if group in groups
        ]

    def clean_nip(self) -> Employee:
        digits = nip_mod.normalize(self.cleaned_data["nip"])
        employee = (
            Employee.objects.visible_to(self.user)
            .select_related("instansi", "unit")
            .filter(nip=digits)
            .first()
        )
        if employee is None:
            raise forms.ValidationError(_("Pegawai dengan NIP ini tidak ada di instansi Anda."))
        return employee

    def clean(self):
        data = super().clean()
        chosen = data.get("violations") or []
        if any(v.requires_text for v in chosen) and not data.get("other_text", "").strip():
            self.add_error("other_text", _("Uraikan pelanggaran lain."))
        body, received_on = data.get("reporting_body"), data.get("received_on")
        if body and received_on and body.valid_until and received_on > body.valid_until:
            self.add_error(
                "reporting_body",
                _(
                    "%(body)s hanya dapat dipilih untuk laporan yang diterima sampai "
                    "%(date)s. Pilih sumber laporan yang berlaku sekarang."
                )
                % {"body": body.name, "date": date_format(body.valid_until, "j F Y")},
            )
        employee = data.get("nip")
        if employee is not None and chosen and received_on:
            self.history = history_notes(employee, chosen, received_on, user=self.user)
            if self.history:
                self.fields["confirm_history"].widget = forms.CheckboxInput()
            if self.history and not data.get("confirm_history"):
                self.add_error(
                    "confirm_history",
                    _(
                        "Pegawai ini sudah memiliki kasus sebelumnya (lihat peringatan). "
                        "Periksa, lalu centang konfirmasi untuk melanjutkan."
                    ),
                )
        return data

    def violation_pairs(self) -> list[tuple[ViolationType, str]]:
        text = self.cleaned_data.get("other_text", "")
        return [(v, text if v.requires_text else "") for v in self.cleaned_data["violations"]]


@dataclass(frozen=True)
class HistoryNote:
    """A warning on the case form about an earlier case of the same employee."""

    kind: str  # "repeat" or "same_violation"
    case: Case
    visible: bool  # whether the user may open the earlier case (a link) or only read of it
    sanction: SanctionType | None = None
    suggested: SanctionType | None = None
    violations: tuple[ViolationType, ...] = ()


def history_notes(employee, violations, received_on, *, user, exclude=None) -> list[HistoryNote]:
    repeat = history.find_repeat(employee, received_on, exclude=exclude)
    same = history.same_violations(employee, violations, exclude=exclude)
    earlier = [case.pk for case, _shared in same] + ([repeat.case.pk] if repeat else [])
    visible = set(Case.objects.visible_to(user).filter(pk__in=earlier).values_list("pk", flat=True))
    notes = []
    if repeat is not None:
        notes.append(
            HistoryNote("repeat", repeat.case, repeat.case.pk in visible, repeat.sanction,
                        repeat.suggested)
        )  # fmt: skip
    for case, shared in same:
        notes.append(
            HistoryNote("same_violation", case, case.pk in visible, violations=tuple(shared))
        )
    return notes


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Berkas bukti (PDF, PNG, JPEG)"))
    description = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


def sanction_choices(kinds, employee_kind):
    qs = SanctionType.objects.filter(is_active=True, kind__in=kinds)
    flag = "for_pppk" if employee_kind == Employee.Kind.PPPK else "for_pns"
    return qs.filter(**{flag: True})


class StageForm(forms.Form):
    """The form for one step of a case; extra fields depend on the target stage."""

    occurred_on = forms.DateField(
        label=_("Tanggal"), widget=DateInput(), validators=[not_in_future]
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = MultipleFileField(label=_("Lampiran (PDF, PNG, JPEG; boleh lebih dari satu)"))

    def __init__(self, *args, case: Case, to_stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.to_stage = to_stage
        self.fields["occurred_on"].initial = timezone.localdate(timezone=case.instansi.tz)
        kind = case.employee_kind
        if to_stage == Stage.EXAMINATION:
            self.fields["examination_team"] = forms.CharField(
                label=_("Tim pemeriksa (satu nama dan jabatan per baris)"),
                required=False,
                initial=case.examination_team,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.history: list[HistoryNote] = []
        if to_stage == Stage.DECISION:
            level, suggested = self._suggestion(case)
            self.fields["level"] = forms.ChoiceField(
                label=_("Tingkat hukuman disiplin"),
                choices=[("", _("— tanpa hukuman disiplin —")), *Level.choices],
                required=False,
                initial=level,
            )
            self.fields["sanction_type"] = IdChoiceField(
                label=_("Jenis hukuman / keputusan"),
                queryset=sanction_choices(
                    [
                        SanctionType.Kind.DISCIPLINARY,
                        SanctionType.Kind.PPPK,
                        SanctionType.Kind.PTDH,
                    ],
                    kind,
                ),
                required=False,
                initial=suggested,
            )
            self.fields["imposed_type"] = IdChoiceField(
                label=_("Dijatuhkan sebagai pengganti sementara (tingkat sedang)"),
                queryset=sanction_choices([SanctionType.Kind.INTERIM], kind),
                required=False,
            )
            self.fields["ethics_type"] = IdChoiceField(
                label=_("Sanksi moral (kode etik)"),
                queryset=sanction_choices([SanctionType.Kind.ETHICS], kind),
                required=False,
            )
            self.fields["sk_number"] = forms.CharField(label=_("Nomor SK"), max_length=120)
            self.fields["sk_date"] = forms.DateField(
                label=_("Tanggal SK"), widget=DateInput(), validators=[not_in_future]
            )
            self.fields["official_name"] = forms.CharField(
                label=_("Nama pejabat yang menjatuhkan"), max_length=NAME_MAX_LENGTH
            )
            self.fields["official_nip"] = forms.CharField(
                label=_("NIP pejabat"), max_length=18, required=False
            )
            self.fields["official_title"] = forms.CharField(
                label=_("Jabatan pejabat"), max_length=200
            )
            self.fields["official_category"] = forms.ChoiceField(
                label=_("Kedudukan pejabat"), choices=OfficialCategory.choices
            )
        if case.stage in (Stage.OBJECTION, Stage.APPEAL):
            outcomes = Appeal.Outcome.choices
            if to_stage == Stage.CLOSED:
                outcomes = [c for c in outcomes if c[0] == Appeal.Outcome.ANNULLED]
            else:
                outcomes = [c for c in outcomes if c[0] != Appeal.Outcome.ANNULLED]
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Hasil upaya administratif"), choices=outcomes
            )
            self.fields["new_sanction_type"] = IdChoiceField(
                label=_("Hukuman baru (bila diperingan/diperberat)"),
                queryset=sanction_choices(
                    [SanctionType.Kind.DISCIPLINARY, SanctionType.Kind.PPPK], kind
                ),
                required=False,
            )
        if to_stage == Stage.NOT_PROVEN:
            self.fields["note"].required = True

    def _suggestion(self, case: Case) -> tuple[str, SanctionType | None]:
        """The level and sanction to start from: PTDH when a violation leads to it, else the
        heaviest violation's level, raised to the next heavier sanction on a repeat offence."""
        ptdh = rules.ptdh_violations(case)
        if ptdh:
            return "", ptdh[0].suggested_sanction
        level = case.heaviest_level()
        repeat = history.find_repeat(case.employee, case.received_on, exclude=case)
        if repeat is None:
            return level, None
        self.history = [HistoryNote("repeat", repeat.case, True, repeat.sanction, repeat.suggested)]
        suggested = repeat.suggested
        if suggested is None or suggested.kind == SanctionType.Kind.INTERIM:
            return level, None
        if not level or LEVEL_RANK[suggested.level] >= LEVEL_RANK[level]:
            return suggested.level, suggested
        return level, None

    def clean(self):
        data = super().clean()
        occurred_on = data.get("occurred_on")
        summoned = self.case.stage in (Stage.SUMMONS_1, Stage.SUMMONS_2)
        if (
            self.to_stage == Stage.EXAMINATION
            and summoned
            and occurred_on
            and occurred_on < self.case.stage_entered_on
        ):
            self.add_error(
                "occurred_on",
                _(
                    "Tanggal pemeriksaan (%(exam)s) sebelum tanggal %(summons)s "
                    "(%(summoned)s) yang mendahuluinya. Periksa kedua tanggal."
                )
                % {
                    "exam": date_format(occurred_on, "j F Y"),
                    "summons": self.case.get_stage_display().lower(),
                    "summoned": date_format(self.case.stage_entered_on, "j F Y"),
                },
            )
        return data

    def decision_data(self) -> dict | None:
        if self.to_stage != Stage.DECISION:
            return None
        keys = ["level", "sanction_type", "imposed_type", "ethics_type", "sk_number", "sk_date",
                "official_name", "official_nip", "official_title", "official_category"]  # fmt: skip
        return {k: self.cleaned_data.get(k) for k in keys}

    def appeal_data(self) -> dict | None:
        if "outcome" not in self.fields:
            return None
        return {
            "outcome": self.cleaned_data.get("outcome"),
            "new_sanction_type": self.cleaned_data.get("new_sanction_type"),
        }


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Tahap"), required=False)
    level = forms.ChoiceField(label=_("Tingkat"), required=False)
    unit = IdChoiceField(label=_("Unit kerja"), queryset=Unit.objects.none(), required=False)
    jabatan_category = forms.ChoiceField(label=_("Kategori jabatan"), required=False)
    reporting_body = IdChoiceField(
        label=_("Sumber laporan"), queryset=ReportingBody.objects.all(), required=False
    )
    instansi = IdChoiceField(label=_("Instansi"), queryset=Instansi.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("Semua"))]
        self.fields["stage"].choices = blank + Stage.choices
        self.fields["level"].choices = blank + Level.choices
        self.fields["jabatan_category"].choices = blank + Employee.JabatanCategory.choices
        for name in ("unit", "reporting_body", "instansi"):
            self.fields[name].empty_label = _("Semua")
        if user.is_auditor:
            del self.fields["unit"]
            self.fields["instansi"].queryset = Instansi.objects.visible_to(user)
        else:
            del self.fields["instansi"]
            self.fields["unit"].queryset = Unit.objects.visible_to(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        lookups = {
            "stage": data.get("stage"),
            "decision__level": data.get("level"),
            "unit": data.get("unit"),
            "jabatan_category": data.get("jabatan_category"),
            "reporting_body": data.get("reporting_body"),
            "instansi": data.get("instansi"),
        }
        return qs.filter(**{k: v for k, v in lookups.items() if v})
