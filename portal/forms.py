from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import nip as nip_mod
from . import roster


class LoginForm(AuthenticationForm):
    """Login with a NIP (spaces allowed, as printed) or a staff user name."""

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


class RosterUploadForm(forms.Form):
    """Upload of a roster file; parsing happens here so a bad file never reaches the service."""

    berkas = forms.FileField(
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
        self.fields["berkas"].help_text = _(
            "Maksimal %(mb)d MB. Unduh templat di bawah untuk nama dan urutan kolom."
        ) % {"mb": roster.MAX_FILE_BYTES // 2**20}

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > roster.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas %(size)s MB melebihi batas %(mb)d MB. Pecah menjadi beberapa berkas.")
                % {"size": f"{upload.size / 2**20:.1f}", "mb": roster.MAX_FILE_BYTES // 2**20}
            )
        try:
            self.roster = roster.parse(upload.read(), upload.name)
        except roster.RosterFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
