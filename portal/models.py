"""Organisation, roster and accounts: who exists, where they work and what they may see."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from . import golongan as golongan_mod
from . import nip as nip_mod
from .evidence import AppendOnly, AppendOnlyQuerySet

TIME_ZONES = [
    ("Asia/Jakarta", _("WIB (Asia/Jakarta)")),
    ("Asia/Makassar", _("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _("WIT (Asia/Jayapura)")),
]


class InstansiQuerySet(models.QuerySet):
    def visible_to(self, user) -> InstansiQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_auditor:
            return self.all()
        if user.instansi_id:
            return self.filter(pk=user.instansi_id)
        return self.none()


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4 (210 × 297 mm)")
    F4 = "F4", _("F4 / folio (215 × 330 mm)")


class DocumentKind(models.TextChoices):
    """Documents that carry a number from the instansi's yearly sequence."""

    IKRAR = "ikrar", _("Sertifikat ikrar netralitas")
    PAKTA = "pakta", _("Pakta integritas")
    RECAP = "rekap", _("Rekapitulasi pakta integritas")
    BAP = "bap", _("Berita acara pemeriksaan")
    APEL = "apel", _("Laporan apel ikrar")


DEFAULT_NUMBER_PATTERNS = {
    DocumentKind.IKRAR: "800.1.6/IKR/{year}/{seq:06}",
    DocumentKind.PAKTA: "800.1.6/PKT/{year}/{seq:06}",
    DocumentKind.RECAP: "800.1.6/REK/{year}/{seq:04}",
    DocumentKind.BAP: "800.1.6/BAP/{year}/{seq:04}",
    DocumentKind.APEL: "800.1.6/APL/{year}/{seq:04}",
}


class Instansi(models.Model):
    """A regional government (Pemerintah Provinsi/Kabupaten/Kota) with its own ASN and BKD."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    name = models.CharField(
        _("nama resmi"), max_length=200, help_text=_("mis. Pemerintah Kabupaten Belu")
    )
    place_name = models.CharField(
        _("tempat pada dokumen"), max_length=100, help_text=_("mis. Atambua")
    )
    time_zone = models.CharField(_("zona waktu"), max_length=40, choices=TIME_ZONES)
    head_title = models.CharField(
        _("sebutan kepala daerah"), max_length=40, help_text=_("Bupati, Wali Kota atau Gubernur")
    )
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    # The letterhead (kop surat) of every document the portal issues for this instansi.
    office_name = models.CharField(
        _("kantor penerbit"), max_length=200, blank=True,
        help_text=_("mis. Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    )  # fmt: skip
    office_address = models.CharField(
        _("alamat kantor"), max_length=300, blank=True,
        help_text=_("mis. Jalan Ahmad Yani Nomor 1, Atambua 85711"),
    )  # fmt: skip
    office_contact = models.CharField(
        _("telepon, surel, laman"), max_length=200, blank=True,
        help_text=_("mis. Telepon (0389) 21001, bkpsdm@belukab.go.id"),
    )  # fmt: skip
    paper_size = models.CharField(
        _("ukuran kertas"), max_length=2, choices=PaperSize.choices, default=PaperSize.A4
    )
    # {kind: pattern}; a kind without an entry uses DEFAULT_NUMBER_PATTERNS.
    number_patterns = models.JSONField(_("pola nomor dokumen"), default=dict, blank=True)

    objects = InstansiQuerySet.as_manager()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def number_pattern(self, kind: str) -> str:
        return (self.number_patterns or {}).get(kind) or DEFAULT_NUMBER_PATTERNS[kind]


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnitQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_auditor:
            return self.all()
        if user.role in User.INSTANSI_ROLES:
            return self.filter(instansi_id=user.instansi_id)
        if user.employee_id:
            return self.headed_by(user.employee_id)
        return self.none()

    def led_by(self, user) -> UnitQuerySet:
        """The units whose recorded head the user is (the ones they sign a pakta for)."""
        return self.filter(head_id=user.employee_id) if user.employee_id else self.none()

    def headed_by(self, employee_id: int) -> UnitQuerySet:
        """Units a person heads, with the kelurahan under a kecamatan they head."""
        return self.filter(Q(head_id=employee_id) | Q(parent__head_id=employee_id))


class Unit(models.Model):
    """A Perangkat Daerah (OPD), kecamatan or kelurahan of one instansi."""

    class Kind(models.TextChoices):
        SETDA = "setda", _("Sekretariat Daerah")
        SETWAN = "setwan", _("Sekretariat DPRD")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        OTHER = "lainnya", _("Lainnya")

    class HeadStatus(models.TextChoices):
        DEFINITIVE = "definitif", _("Definitif")
        PLT = "plt", _("Pelaksana Tugas (Plt.)")
        PLH = "plh", _("Pelaksana Harian (Plh.)")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="units")
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("nama"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Untuk kelurahan: kecamatan induknya."),
    )
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("kepala"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
    )
    head_status = models.CharField(
        _("status kepala"), max_length=10, choices=HeadStatus.choices, default=HeadStatus.DEFINITIVE
    )
    head_title = models.CharField(
        _("sebutan jabatan kepala"), max_length=120, blank=True, help_text=_("mis. Camat Atambua")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "name"], name="unit_name_unique_in_instansi"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.head_id and self.head.instansi_id != self.instansi_id:
            raise ValidationError({"head": _("Kepala unit harus pegawai instansi yang sama.")})
        if self.parent_id and self.parent.instansi_id != self.instansi_id:
            raise ValidationError({"parent": _("Unit induk harus dari instansi yang sama.")})

    @property
    def head_prefix(self) -> str:
        """'Plt. ' or 'Plh. ' before an acting head's title on documents."""
        return {"plt": "Plt. ", "plh": "Plh. "}.get(self.head_status, "")


NAME_MAX_LENGTH = 300


class EmployeeQuerySet(models.QuerySet):
    def visible_to(self, user) -> EmployeeQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_auditor:
            return self.all()
        if user.role in User.INSTANSI_ROLES:
            return self.filter(instansi_id=user.instansi_id)
        if user.employee_id:
            headed = Unit.objects.headed_by(user.employee_id).values("pk")
            return self.filter(Q(pk=user.employee_id) | Q(unit__in=headed))
        return self.none()

    def active(self) -> EmployeeQuerySet:
        return self.filter(is_active=True)

    def in_unit(self, unit: Unit) -> EmployeeQuerySet:
        return self.filter(unit=unit)

    def without_active_account(self) -> EmployeeQuerySet:
        """Employees who cannot log in yet: no user, or one still waiting for activation."""
        # An unusable password ("!" prefix) marks an account created for activation that the
        # employee has not completed.
        return self.filter(
            Q(user__isnull=True) | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        )


class Employee(models.Model):
    """One ASN (PNS or PPPK) as the roster knows them."""

    class Kind(models.TextChoices):
        PNS = nip_mod.PNS, "PNS"
        PPPK = nip_mod.PPPK, "PPPK"

    class JabatanCategory(models.TextChoices):
        JPT_UTAMA = "jpt_utama", _("JPT Utama")
        JPT_MADYA = "jpt_madya", _("JPT Madya")
        JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
        ADMINISTRATOR = "administrator", _("Administrator")
        PENGAWAS = "pengawas", _("Pengawas")
        FUNGSIONAL = "fungsional", _("Fungsional")
        PELAKSANA = "pelaksana", _("Pelaksana")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="employees")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")
    nip = models.CharField(
        _("NIP / NI PPPK"), max_length=18, unique=True, validators=[nip_mod.validate_nip]
    )
    kind = models.CharField(_("jenis ASN"), max_length=4, choices=Kind.choices, editable=False)
    # A roster is a legal record: the name is stored exactly as the source gives it.
    name = models.CharField(_("nama lengkap dengan gelar"), max_length=NAME_MAX_LENGTH)
    golongan = models.CharField(_("golongan"), max_length=6, blank=True)
    jabatan = models.CharField(_("jabatan"), max_length=200, blank=True)
    jabatan_category = models.CharField(
        _("kategori jabatan"), max_length=16, choices=JabatanCategory.choices, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["instansi", "unit", "is_active"], name="employee_scope_idx"),
            models.Index(fields=["instansi", "name"], name="employee_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"

    def save(self, *args, **kwargs) -> None:
        self.nip = nip_mod.normalize(self.nip)
        self.kind = nip_mod.parse(self.nip).kind
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            self.kind = nip_mod.parse(self.nip).kind
        except ValidationError as exc:
            raise ValidationError({"nip": exc.messages}) from None
        try:
            self.golongan = golongan_mod.normalize(self.golongan, self.kind)
        except ValidationError as exc:
            raise ValidationError({"golongan": exc.messages}) from None
        if self.unit_id and self.instansi_id and self.unit.instansi_id != self.instansi_id:
            raise ValidationError({"unit": _("Unit harus dari instansi yang sama.")})

    @property
    def nip_display(self) -> str:
        return nip_mod.format_nip(self.nip)

    @property
    def pangkat_golongan(self) -> str:
        return golongan_mod.pangkat_golongan(self.golongan)

    def snapshot(self) -> dict[str, str]:
        """The identity as it stands now, frozen into evidence (signatures, cases)."""
        return {
            "nip": self.nip,
            "kind": self.kind,
            "name": self.name,
            "golongan": self.golongan,
            "pangkat_golongan": self.pangkat_golongan,
            "jabatan": self.jabatan,
            "jabatan_category": self.jabatan_category,
            "unit": self.unit.name,
            "unit_id": str(self.unit_id),
            "instansi": self.instansi.name,
        }


class Official(models.Model):
    """A regional head or deputy (gubernur, bupati, wali kota and their wakil): a political
    official, not an ASN, so no NIP and no roster row. They countersign the pakta of the
    instansi's units, with a login of their own that the BKD sets up."""

    class Office(models.TextChoices):
        HEAD = "kepala", _("Kepala daerah")
        DEPUTY = "wakil", _("Wakil kepala daerah")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="officials")
    office = models.CharField(_("kedudukan"), max_length=6, choices=Office.choices)
    name = models.CharField(_("nama lengkap dengan gelar"), max_length=NAME_MAX_LENGTH)
    title = models.CharField(
        _("sebutan jabatan"),
        max_length=120,
        help_text=_("mis. Bupati Belu, Wakil Wali Kota Kupang"),
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("masih menjabat"), default=True)

    class Meta:
        verbose_name = _("kepala/wakil kepala daerah")
        verbose_name_plural = _("kepala/wakil kepala daerah")
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "office"], condition=Q(is_active=True),
                name="one_serving_official_per_office",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name} ({self.title})"

    def snapshot(self) -> dict[str, str]:
        """The identity frozen into a witness signature: no NIP, the office's title."""
        return {
            "kind": "PEJABAT",
            "nip": "",
            "name": self.name,
            "pangkat_golongan": "",
            "jabatan": self.title,
            "official": self.get_office_display(),
            "instansi": self.instansi.name,
        }


class PortalUserManager(UserManager):
    def for_request(self):
        """The logged-in user with what every page asks of it, in one query instead of four.
        (is_unit_head stays a query of its own: as an EXISTS annotation it costs more to
        compile on every request than it saves on the pages that show it.)"""
        return self.select_related(
            "instansi", "employee__unit", "employee__instansi", "official__instansi"
        )


class User(AbstractUser):
    """A login. ASN log in with their NIP as username; staff roles are scoped to one instansi."""

    class Role(models.TextChoices):
        NONE = "", _("ASN")
        BKD = "bkd", _("Admin BKD")
        SEKDA = "sekda", _("Sekretaris Daerah")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        AUDITOR = "auditor", _("Auditor nasional")
        OFFICIAL = "pejabat", _("Kepala/wakil kepala daerah")

    # Every role set is defined here, once; views, QuerySets and tests use these names.
    INSTANSI_ROLES = (Role.BKD, Role.SEKDA, Role.INSPEKTORAT)
    # Compliance numbers: the instansi's own for BKD and Sekda, every instansi for the auditor.
    DASHBOARD_ROLES = (Role.BKD, Role.SEKDA, Role.AUDITOR)
    # Signed documents of the instansi (certificates, pakta, bulk downloads).
    DOCUMENT_ROLES = (Role.BKD, Role.SEKDA)
    CASE_READ_ROLES = (Role.BKD, Role.INSPEKTORAT, Role.SEKDA, Role.AUDITOR)
    CASE_WRITE_ROLES = (Role.BKD, Role.INSPEKTORAT)

    username = models.CharField(
        _("NIP atau nama pengguna"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Nama pengguna ini sudah dipakai.")},
    )
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, blank=True)
    instansi = models.ForeignKey(
        Instansi, verbose_name=_("instansi"), on_delete=models.PROTECT, null=True, blank=True
    )
    employee = models.OneToOneField(
        Employee,
        verbose_name=_("pegawai"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    official = models.OneToOneField(
        Official,
        verbose_name=_("kepala/wakil kepala daerah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(role="auditor") | Q(instansi__isnull=False),
                name="instansi_role_has_instansi",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.employee_id:
            return self.employee.name
        if self.official_id:
            return self.official.name
        return self.get_full_name() or self.username

    @property
    def signer(self) -> Employee | Official | None:
        """Who signs when this user signs: their roster entry, or the regional head's office."""
        return self.employee if self.employee_id else self.official if self.official_id else None

    @property
    def is_bkd(self) -> bool:
        return self.role == self.Role.BKD

    @property
    def is_sekda(self) -> bool:
        return self.role == self.Role.SEKDA

    @property
    def is_inspektorat(self) -> bool:
        return self.role == self.Role.INSPEKTORAT

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def is_official(self) -> bool:
        return self.role == self.Role.OFFICIAL and self.official_id is not None

    @property
    def is_asn(self) -> bool:
        return self.employee_id is not None

    @property
    def is_unit_head(self) -> bool:
        if not self.employee_id:
            return False
        if not hasattr(self, "_is_unit_head"):
            self._is_unit_head = Unit.objects.filter(head_id=self.employee_id).exists()
        return self._is_unit_head


class AuditEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> AuditEventQuerySet:
        if user.is_authenticated and user.role == User.Role.BKD:
            return self.filter(instansi_id=user.instansi_id)
        if user.is_authenticated and user.is_auditor:
            return self.all()
        return self.none()

    def by_person(self, text: str) -> AuditEventQuerySet:
        """Events by whoever matches a name, NIP (typed with or without spaces) or username;
        chain it after visible_to so a search never reaches past the user's scope."""
        text = " ".join(text.split())[:100]
        if not text:
            return self
        match = (
            Q(actor__username__icontains=text)
            | Q(actor__first_name__icontains=text)
            | Q(actor__last_name__icontains=text)
            | Q(actor__employee__name__icontains=text)
            | Q(actor__official__name__icontains=text)
        )
        digits = nip_mod.normalize(text)
        if len(digits) >= 6 and digits.isdigit():
            match |= Q(actor__employee__nip__contains=digits)
        return self.filter(match)


class AuditEvent(AppendOnly):
    """Who did what as an administrator, when."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(_("aksi"), max_length=40, db_index=True)
    target = models.CharField(_("objek"), max_length=200, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("log audit")
        verbose_name_plural = _("log audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["instansi", "-created_at"], name="audit_instansi_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)


class ActivationCodeQuerySet(models.QuerySet):
    def usable(self) -> ActivationCodeQuerySet:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now())


class ActivationCode(models.Model):
    """A one-time code printed on a paper activation letter for an employee without email.

    Only an HMAC of the code is stored: the plain code exists on the printed letter alone.
    """

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("kode aktivasi")
        verbose_name_plural = _("kode aktivasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["employee", "used_at"], name="activation_code_emp_idx")]

    def __str__(self) -> str:
        return f"{self.employee.nip} {self.created_at:%Y-%m-%d}"


class DocumentSequence(models.Model):
    """The last number issued for one kind of document of an instansi in one year. Its row is
    the lock that serialises numbering (select_for_update)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "kind", "year"], name="document_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instansi_id} {self.kind} {self.year}: {self.last}"


class DocumentNumber(AppendOnly):
    """A document number once issued: never changed, never given twice in an instansi."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("jenis dokumen"), max_length=12, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("nomor"), max_length=80)
    # What the number was issued for ("signature:<code>", "export:<pk>", ...): asking again
    # for the same thing gets the same number.
    reference = models.CharField(max_length=80)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nomor dokumen")
        verbose_name_plural = _("nomor dokumen")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "number"], name="document_number_unique"),
            models.UniqueConstraint(
                fields=["instansi", "kind", "reference"], name="document_reference_unique"
            ),
            models.UniqueConstraint(
                fields=["instansi", "kind", "year", "seq"], name="document_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number
