"""Forms of the pledges app: campaign text, signing, and the public verification checks."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.fields import IdChoiceField, IdMultipleChoiceField
from portal.models import NAME_MAX_LENGTH, Unit
from portal.names import same_name
from portal.nip import format_nip as nip_display

from .models import CODE_LENGTH, Apel, Campaign, ReviewEvent, Signature, normalize_code
from .services import typed_name_error

MAX_POINTS = 20
MAX_POINT_CHARS = 1000
MAX_VERIFY_UPLOAD = 10 * 2**20


class PointsField(forms.CharField):
    """The points of an ikrar or pakta as a textarea, one point per line."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):  # a disabled field cleans its stored initial value
            return value
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(_("Isi minimal satu butir."), code="required")
        if len(value) > MAX_POINTS:
            raise forms.ValidationError(
                _("Paling banyak %(n)d butir.") % {"n": MAX_POINTS}, code="too_many"
            )
        if any(len(point) > MAX_POINT_CHARS for point in value):
            raise forms.ValidationError(
                _("Setiap butir paling panjang %(n)d karakter.") % {"n": MAX_POINT_CHARS},
                code="too_long",
            )


class CampaignForm(forms.ModelForm):
    ikrar_points = PointsField(
        label=_("Butir ikrar"), help_text=_("Satu butir per baris, tanpa nomor.")
    )
    pakta_points = PointsField(
        label=_("Butir pakta integritas"),
        required=False,
        help_text=_("Hanya untuk isi pakta berupa daftar larangan. Satu butir per baris."),
    )

    class Meta:
        model = Campaign
        fields = [
            "title", "opens_on", "closes_on", "ikrar_points", "ikrar_closing",
            "pakta_variant", "pakta_points", "pakta_closing", "allow_drawn", "allow_typed",
        ]  # fmt: skip
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ikrar_closing": forms.Textarea(attrs={"rows": 3}),
            "pakta_closing": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.is_frozen:
            # Signed text is evidence: only the schedule and the allowed methods may change.
            for name in Campaign.TEXT_FIELDS:
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Tanggal tutup tidak boleh sebelum tanggal buka."))
        if not (data.get("allow_drawn") or data.get("allow_typed")):
            self.add_error(None, _("Izinkan minimal satu cara tanda tangan."))
        if data.get("pakta_variant") == Campaign.PaktaVariant.PROHIBITIONS and not data.get(
            "pakta_points"
        ):
            self.add_error("pakta_points", _("Isi daftar larangan untuk pakta integritas."))
        return data


class TemplateCopyForm(forms.Form):
    template = IdChoiceField(
        label=_("Templat nasional"), queryset=Campaign.objects.national_templates()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].label_from_instance = lambda t: t.template_label


EMPTY_TEMPLATE = "kosong"


class TemplateChoiceForm(forms.Form):
    """The first step of "Kampanye baru": a national template to start from, or nothing."""

    template = forms.ChoiceField(
        label=_("Mulai dari"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih templat nasional atau mulai dari teks kosong."),
            "invalid_choice": _("Templat ini tidak tersedia. Pilih salah satu dari daftar."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in Campaign.objects.national_templates()}
        self.fields["template"].choices = [
            *((pk, t.template_label) for pk, t in self.templates.items()),
            (EMPTY_TEMPLATE, _("Kosong (ketik sendiri seluruh teks)")),
        ]

    def clean_template(self) -> Campaign | None:
        """The chosen template, or None for an empty start."""
        return self.templates.get(self.cleaned_data["template"])


class SignForm(forms.Form):
    """One checkbox per point, the method, and the drawn image or the typed name.

    The service checks everything again; this form gives the signer field-level messages.
    """

    method = forms.ChoiceField(
        label=_("Cara tanda tangan"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih cara tanda tangan."),
            "invalid_choice": _("Cara tanda tangan ini tidak tersedia untuk kampanye ini."),
        },
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    # A fresh key per page; the browser keeps it with the draft so a resend is recognised.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label=_("Ketik nama lengkap Anda"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, campaign: Campaign, points: list[str], signer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        self.signer = signer
        for index, point in enumerate(points, start=1):
            self.fields[f"point_{index}"] = forms.BooleanField(
                label=point,
                error_messages={"required": _("Centang butir %(n)d untuk menyetujuinya.")
                                % {"n": index}},
            )  # fmt: skip
        choices = []
        if campaign.allow_drawn:
            choices.append((Signature.Method.DRAWN, _("Tanda tangan di layar")))
        if campaign.allow_typed:
            choices.append((Signature.Method.TYPED, _("Ketik nama lengkap")))
        self.fields["method"].choices = choices
        self.fields["method"].initial = choices[0][0] if choices else None
        self.fields["submission"].initial = uuid.uuid4

    def point_fields(self):
        return [self[f"point_{i}"] for i in range(1, len(self.points) + 1)]

    @property
    def confirmed_points(self) -> int:
        return sum(1 for i in range(1, len(self.points) + 1) if self.cleaned_data.get(f"point_{i}"))

    def clean(self):
        data = super().clean()
        if data.get("method") == Signature.Method.DRAWN and not data.get("signature"):
            self.add_error(None, _("Buat tanda tangan Anda di kotak tanda tangan."))
        if data.get("method") == Signature.Method.TYPED and not same_name(
            data.get("typed_name") or "", self.signer
        ):
            self.add_error("typed_name", typed_name_error(self.signer))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("16 karakter pada dokumen, mis. ABCD-EFGH-JKMN-PQRS."),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("Kode verifikasi terdiri dari 16 huruf dan angka."))
        return code


class PdfCheckForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas PDF sertifikat atau pakta"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Berkas tidak disimpan. Maksimal 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_UPLOAD:
            raise forms.ValidationError(_("Berkas lebih besar dari 10 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Berkas ini bukan PDF."))
        return upload


class ReviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari NIP atau nama"), required=False, max_length=100)
    unit = IdChoiceField(label=_("Unit kerja"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Semua"))] + Signature.Status.choices)  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Dokumen"),
        required=False,
        choices=[("", _("Semua")), ("ikrar", _("Ikrar")), ("pakta", _("Pakta"))],
    )
    method = forms.ChoiceField(label=_("Cara"), required=False,
                               choices=[("", _("Semua"))] + Signature.Method.choices)  # fmt: skip
    date_from = forms.DateField(label=_("Dari tanggal"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instansi = user.instansi
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            digits = "".join(ch for ch in data["q"] if ch.isdigit())
            qs = qs.filter(employee__nip__startswith=digits) if len(digits) >= 4 else qs.filter(
                employee__name__icontains=data["q"].strip()
            )  # fmt: skip
        for field in ("unit", "status", "kind", "method"):
            if data[field]:
                qs = qs.filter(**{field: data[field]})
        if data["date_from"]:
            qs = qs.filter(signed_at__gte=_local_midnight(data["date_from"], self.instansi))
        if data["date_to"]:
            next_day = data["date_to"] + dt.timedelta(days=1)
            qs = qs.filter(signed_at__lt=_local_midnight(next_day, self.instansi))
        return qs


def _local_midnight(day, instansi):
    return dt.datetime.combine(day, dt.time.min, tzinfo=instansi.tz)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewEvent.Action.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ReminderForm(forms.Form):
    units = IdMultipleChoiceField(
        label=_("Unit kerja (kosongkan untuk seluruh instansi)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.visible_to(user).order_by("name")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApelForm(forms.ModelForm):
    """Times are read and shown in the instansi's own zone (the view activates it)."""

    units = IdMultipleChoiceField(
        label=_("Unit kerja yang diundang"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Kosongkan untuk mengundang semua unit kerja. Kecamatan membawa kelurahannya."),
    )

    class Meta:
        model = Apel
        fields = ["name", "place", "starts_at", "ends_at"]
        widgets = {"starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput()}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.visible_to(user).order_by("name")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Waktu selesai harus sesudah waktu mulai."))
        return data


class PaperSheetForm(forms.Form):
    unit = IdChoiceField(label=_("Unit kerja"), queryset=Unit.objects.none())

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("name")


class PaperRecordForm(forms.Form):
    """The scan of a signed sheet, the day it was signed, and who signed on it."""

    scan = forms.FileField(
        label=_("Pindaian lembar yang sudah ditandatangani (PDF atau JPEG, maksimal 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg"}),
    )
    signed_on = forms.DateField(
        label=_("Tanggal penandatanganan di kertas"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    employees = forms.TypedMultipleChoiceField(
        label=_("Yang menandatangani di lembar ini"),
        coerce=int,
        # Bootstrap's tick, at the pledge's 24 px (templates/pledges/paper_sheet.html).
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Centang pegawai yang menandatangani lembar ini.")},
    )

    def __init__(self, *args, sheet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employees"].choices = [
            (pk, f"{name} — {nip_display(nip)}") for pk, nip, name in sheet.rows
        ]
