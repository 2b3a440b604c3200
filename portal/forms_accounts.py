"""Forms for password reset and account activation."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from . import accounts
from .models import ActivationCode, User


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the account lookup and the mail moved to one background task.

    The request does the same work whatever the address (validate, queue one task), so its
    timing cannot tell a visitor whether an email is registered.
    """

    def save(self, *, use_https: bool = False, **_unused) -> None:
        accounts.send_password_reset_task.enqueue(
            email=self.cleaned_data["email"], use_https=use_https
        )


class ActivationCodeForm(SetPasswordMixin, forms.Form):
    """NIP and the code from the activation letter, then the new password twice."""

    error_messages = {
        **SetPasswordMixin.error_messages,
        "invalid_code": _(
            "NIP atau kode aktivasi tidak cocok, sudah dipakai, atau sudah kedaluwarsa. "
            "Periksa kembali surat aktivasi Anda atau hubungi admin BKD."
        ),
    }

    nip = forms.CharField(
        label=_("NIP atau NI PPPK"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=_("Kode aktivasi"),
        max_length=20,
        help_text=_("10 huruf dan angka seperti tertulis pada surat aktivasi."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("Kata sandi baru"), label2=_("Ulangi kata sandi baru")
    )

    activation: ActivationCode | None = None

    def invalid_code_error(self) -> forms.ValidationError:
        # One message for every failure, so the form never tells whether a NIP is known.
        return forms.ValidationError(self.error_messages["invalid_code"], code="invalid_code")

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords("new_password1", "new_password2")
        if self.errors:
            return cleaned
        self.activation = accounts.find_activation_code(cleaned["nip"], cleaned["code"])
        if self.activation is None:
            raise self.invalid_code_error()
        employee = self.activation.employee
        # Validated against the identity the account will carry, so a password equal to the
        # NIP or name is refused like on every other password form.
        self.validate_password_for_user(
            User(username=employee.nip, first_name=employee.name, email=employee.email),
            "new_password2",
        )
        return cleaned
