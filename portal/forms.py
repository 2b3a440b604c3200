import io

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import nip as nip_mod
from . import numbering, roster
from .models import DEFAULT_NUMBER_PATTERNS, DocumentKind, Employee, Instansi, Official, Unit, User

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000


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
            message = self._inactive_message() if exc.code == "invalid_login" else None
            if message:
                raise forms.ValidationError(message, code="inactive") from None
            raise

    def _inactive_message(self) -> str | None:
        """Why a right password still cannot log in; only with the right password, so the
        message never tells who exists."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = (
            User.objects.filter(username=username)
            .filter(Q(employee__is_active=False) | Q(official__is_active=False))
            .first()
        )
        if not (user and password and user.check_password(password)):
            return None
        if user.official_id:
            return _(
                "Akun ini milik kepala/wakil kepala daerah yang tercatat sudah tidak menjabat. "
                "Hubungi admin BKD bila data ini keliru."
            )
        return _(
            "Anda tercatat tidak aktif di daftar pegawai sehingga tidak dapat masuk. "
            "Hubungi admin BKD bila data ini keliru."
        )


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


class LetterheadForm(forms.ModelForm):
    """The BKD's letterhead (kop surat), paper size and document number patterns."""

    logo_file = forms.FileField(
        label=_("Logo baru (PNG atau JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("Maksimal 512 KB dan 2000 × 2000 piksel; sebaiknya persegi, latar transparan."),
    )
    remove_logo = forms.BooleanField(
        label=_("Hapus logo (pakai logo netral bawaan)"), required=False
    )

    class Meta:
        model = Instansi
        fields = ["office_name", "office_address", "office_contact", "paper_size"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in DocumentKind:
            self.fields[f"pattern_{kind.value}"] = forms.CharField(
                label=_("Pola nomor: %(kind)s") % {"kind": kind.label},
                max_length=80,
                initial=self.instance.number_pattern(kind),
                help_text=_("Bawaan: %(pattern)s") % {"pattern": DEFAULT_NUMBER_PATTERNS[kind]},
            )

    def pattern_fields(self) -> list:
        return [self[f"pattern_{kind.value}"] for kind in DocumentKind]

    def clean(self) -> dict:
        data = super().clean()
        for kind in DocumentKind:
            name = f"pattern_{kind.value}"
            if name in data:
                try:
                    data[name] = numbering.validate_pattern(data[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def clean_logo_file(self):
        """Checked by content, never by name: PNG or JPEG magic bytes, size, and a decode."""
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Logo lebih besar dari 512 KB."))
        data = upload.read()
        if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
            raise forms.ValidationError(_("Logo harus berupa gambar PNG atau JPEG."))
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                size = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise forms.ValidationError(_("Berkas logo rusak atau bukan gambar.")) from None
        if max(size) > LOGO_MAX_PIXELS:
            raise forms.ValidationError(_("Logo lebih besar dari 2000 × 2000 piksel."))
        return data

    def patterns(self) -> dict[str, str]:
        """Only the patterns that differ from the defaults are stored."""
        return {
            kind.value: self.cleaned_data[f"pattern_{kind.value}"]
            for kind in DocumentKind
            if self.cleaned_data[f"pattern_{kind.value}"] != DEFAULT_NUMBER_PATTERNS[kind]
        }


class OfficialForm(forms.ModelForm):
    """A regional head or deputy, with the user name they will log in with."""

    username = forms.RegexField(
        label=_("Nama pengguna untuk masuk"),
        regex=r"^[a-z0-9][a-z0-9._-]{2,39}$",
        error_messages={
            "invalid": _("3-40 huruf kecil, angka, titik, - atau _ (mis. bupati.belu).")
        },
        help_text=_("mis. bupati.belu; dipakai untuk masuk, bersama kata sandi yang dibuatnya."),
    )

    class Meta:
        model = Official
        fields = ["office", "name", "title", "email"]

    def __init__(self, *args, instansi: Instansi, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.instansi = instansi
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Tautan aktivasi akun dikirim ke alamat ini.")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        office = data.get("office")
        serving = Official.objects.filter(instansi=self.instance.instansi, office=office,
                                          is_active=True)  # fmt: skip
        if office and serving.exists():
            self.add_error("office", _(
                "Masih ada %(office)s yang tercatat menjabat. Tandai dulu masa jabatannya "
                "berakhir."
            ) % {"office": Official.Office(office).label.lower()})  # fmt: skip
        return data
