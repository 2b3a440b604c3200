from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import nip as nip_mod
from . import roster
from .models import Employee, Unit, User


class LoginForm(AuthenticationForm):
    """Login with a NIP (spaces allowed, as printed) or a staff user name."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "NIP/nama pengguna atau kata sandi salah. Periksa kembali; bila lupa kata sandi, "
            "pakai tautan di bawah."
        ),
    }
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    username = forms.CharField(
        label=_("NIP atau nama pengguna"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}
        ),
    )

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        digits = nip_mod.normalize(value)
        return digits if digits.isdigit() else value

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login" and self._is_inactive_employee():
                # Only with the right password: the message must not tell who exists.
                raise forms.ValidationError(
                    _(
                        "Anda tercatat tidak aktif di daftar pegawai sehingga tidak dapat masuk. "
                        "Hubungi admin BKD bila data ini keliru."
                    ),
                    code="inactive",
                ) from None
            raise

    def _is_inactive_employee(self) -> bool:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(username=username, employee__is_active=False).first()
        return bool(user and password and user.check_password(password))


class RosterUploadForm(forms.Form):
    """Upload of a roster file; the import service reads and checks it."""

    file = forms.FileField(
        label=_("Berkas daftar pegawai (.csv atau .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    allow_partial = forms.BooleanField(
        label=_("Impor baris yang valid saja"),
        required=False,
        help_text=_(
            "Tanpa centang, satu baris yang salah membatalkan seluruh impor dan tidak ada data "
            "yang diubah."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Maksimal %(mb)d MB. Unduh templat di bawah untuk nama dan urutan kolom."
        ) % {"mb": roster.MAX_FILE_BYTES // 2**20}


class UnitHeadForm(forms.Form):
    """BKD records who heads a unit (and whether as Plt./Plh.): the head signs its pakta."""

    nip = forms.CharField(label=_("NIP kepala unit"), max_length=30,
                          help_text=_("Pegawai aktif instansi ini; kosongkan untuk menghapus."),
                          required=False)  # fmt: skip
    head_status = forms.ChoiceField(label=_("Status"), choices=Unit.HeadStatus.choices)
    head_title = forms.CharField(label=_("Sebutan jabatan kepala"), max_length=120,
                                 required=False)  # fmt: skip

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_nip(self):
        raw = self.cleaned_data["nip"].strip()
        if not raw:
            return None
        employee = (
            Employee.objects.active()
            .filter(instansi_id=self.unit.instansi_id, nip=nip_mod.normalize(raw))
            .first()
        )
        if employee is None:
            raise forms.ValidationError(_("Tidak ada pegawai aktif instansi ini dengan NIP itu."))
        return employee
