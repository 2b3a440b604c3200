"""Discipline cases (PP 94/2021) and the legal catalogues they draw on.

Catalogues (sanction and violation types, reporting bodies, holidays, deadlines) are data loaded
by migration 0002 and editable in the admin: several values are unverified secondary-source facts.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.evidence import AppendOnly
from portal.models import NAME_MAX_LENGTH, Employee, Instansi, Unit, User
from portal.nip import format_nip


class Level(models.TextChoices):
    LIGHT = "ringan", _("Ringan")
    MEDIUM = "sedang", _("Sedang")
    HEAVY = "berat", _("Berat")


LEVEL_RANK = {Level.LIGHT: 1, Level.MEDIUM: 2, Level.HEAVY: 3}


class LegalBasis(models.Model):
    """One regulation an SK cites under "Mengingat" (data: an administrator corrects it here)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    text = models.CharField(
        _("bunyi pada SK"),
        max_length=500,
        help_text=_("mis. Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin PNS"),
    )
    order = models.PositiveSmallIntegerField(
        _("urutan"), default=0, help_text=_("Urutan pada SK: undang-undang lebih dulu.")
    )
    employee_kind = models.CharField(
        _("selalu untuk pegawai"),
        max_length=4,
        choices=Employee.Kind.choices,
        blank=True,
        help_text=_("Dikutip pada setiap SK bagi pegawai jenis ini (mis. PPPK)."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("dasar hukum")
        verbose_name_plural = _("dasar hukum")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SanctionType(models.Model):
    """One outcome a case can end with: a PP 94 sanction, an interim substitute, a moral
    (ethics) sanction, PPPK contract termination or PTDH."""

    class Kind(models.TextChoices):
        DISCIPLINARY = "disiplin", _("Hukuman disiplin PP 94/2021")
        INTERIM = "pengganti", _("Pengganti sementara (sedang)")
        ETHICS = "etik", _("Sanksi moral (kode etik)")
        PPPK = "pppk", _("Pemutusan hubungan perjanjian kerja PPPK")
        PTDH = "ptdh", _("Pemberhentian tidak dengan hormat (bukan hukuman disiplin)")

    class AppealRoute(models.TextChoices):
        NONE = "", _("Tidak ada")
        OBJECTION = "keberatan", _("Keberatan kepada PPK")
        APPEAL = "banding", _("Banding administratif kepada BPASN")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("urutan berat"), help_text=_("Makin besar makin berat, dalam satu jenis.")
    )
    duration_months = models.PositiveSmallIntegerField(_("lama (bulan)"), null=True, blank=True)
    percentage = models.DecimalField(
        _("persentase"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    for_pns = models.BooleanField(_("berlaku untuk PNS"), default=True)
    for_pppk = models.BooleanField(_("berlaku untuk PPPK"), default=True)
    appeal_route = models.CharField(
        _("upaya administratif"), max_length=10, choices=AppealRoute.choices, blank=True
    )
    legal_basis = models.CharField(
        _("dasar hukum (singkat)"),
        max_length=200,
        blank=True,
        help_text=_("Untuk ekspor dan daftar, mis. PP 94/2021 Pasal 8."),
    )
    legal_bases = models.ManyToManyField(
        LegalBasis,
        verbose_name=_("dasar hukum pada SK (Mengingat)"),
        blank=True,
        related_name="sanction_types",
    )
    sk_subject = models.CharField(
        _("perihal SK (TENTANG)"), max_length=200, default="PENJATUHAN HUKUMAN DISIPLIN"
    )
    sk_ruling = models.CharField(
        _("amar SK (KESATU)"),
        max_length=300,
        blank=True,
        help_text=_(
            'Kosong: "Menjatuhkan hukuman disiplin tingkat ... berupa ...". Isi untuk keputusan '
            "yang bukan hukuman disiplin, mis. PTDH."
        ),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("jenis hukuman")
        verbose_name_plural = _("jenis hukuman")
        ordering = ["kind", "severity"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, employee_kind: str) -> bool:
        return self.for_pppk if employee_kind == Employee.Kind.PPPK else self.for_pns


class ViolationType(models.Model):
    class Group(models.TextChoices):
        NEUTRALITY = "netralitas", _("Netralitas")
        ETHICS = "etik", _("Kode etik (SKB 2022)")
        ATTENDANCE = "kehadiran", _("Kehadiran")
        OTHER = "lainnya", _("Kewajiban dan larangan lain")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    group = models.CharField(_("kelompok"), max_length=12, choices=Group.choices)
    name = models.CharField(_("uraian"), max_length=300)
    default_level = models.CharField(
        _("tingkat hukuman disiplin"),
        max_length=8,
        choices=Level.choices,
        blank=True,
        help_text=_("Kosong bila pelanggaran ini tidak menentukan tingkat hukuman disiplin."),
    )
    suggested_sanction = models.ForeignKey(
        SanctionType,
        verbose_name=_("hukuman yang sesuai"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Untuk skala hari tidak masuk kerja."),
    )
    requires_text = models.BooleanField(_("wajib uraian bebas"), default=False)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("jenis pelanggaran")
        verbose_name_plural = _("jenis pelanggaran")
        ordering = ["group", "order"]

    def __str__(self) -> str:
        return self.name


class ReportingBody(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    valid_until = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Laporan yang diterima sesudah tanggal ini tidak dapat memakai sumber ini."),
    )
    is_default = models.BooleanField(_("pilihan awal"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("sumber laporan")
        verbose_name_plural = _("sumber laporan")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "libur", _("Libur nasional")
        JOINT_LEAVE = "cuti_bersama", _("Cuti bersama")

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=14, choices=Kind.choices)

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class DeadlineRule(models.Model):
    class Key(models.TextChoices):
        SUMMONS_1 = "panggilan_1", _("Pemeriksaan setelah panggilan I")
        SUMMONS_2 = "panggilan_2", _("Pemeriksaan setelah panggilan II")
        DELIVERY = "penyampaian", _("Penyampaian keputusan")
        IN_FORCE = "berlaku", _("Keputusan mulai berlaku")
        OBJECTION_FILE = "keberatan_ajuan", _("Batas pengajuan keberatan")
        OBJECTION_DECIDE = "keberatan_putus", _("Keputusan atas keberatan")
        APPEAL_FILE = "banding_ajuan", _("Batas pengajuan banding administratif")
        APPEAL_DECIDE = "banding_putus", _("Keputusan atas banding administratif")
        REPEAT = "pengulangan", _("Masa pengulangan pelanggaran (sejak tanggal SK sebelumnya)")

    key = models.CharField(_("kunci"), max_length=20, choices=Key.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("jumlah hari"))
    working_days = models.BooleanField(
        _("hari kerja"), help_text=_("Tidak dicentang: hari kalender.")
    )
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tenggat")
        verbose_name_plural = _("tenggat")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class Stage(models.TextChoices):
    SCREENING = "telaah", _("Telaah")
    SUMMONS_1 = "panggilan_1", _("Panggilan I")
    SUMMONS_2 = "panggilan_2", _("Panggilan II")
    EXAMINATION = "pemeriksaan", _("Pemeriksaan")
    EXAMINATION_REPORT = "bap", _("Berita Acara Pemeriksaan")
    DECISION = "keputusan", _("Keputusan")
    DELIVERY = "penyampaian", _("Penyampaian keputusan")
    OBJECTION = "keberatan", _("Keberatan kepada PPK")
    APPEAL = "banding", _("Banding administratif kepada BPASN")
    IN_FORCE = "berlaku", _("Berlaku")
    CLOSED = "selesai", _("Selesai")
    NOT_PROVEN = "tidak_terbukti", _("Tidak terbukti")


# The process of PP 94/2021: a second summons is optional, a missed second summons lets the
# decision rest on the evidence, and the appeal branch returns to "berlaku" or ends the case.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.SCREENING: (Stage.SUMMONS_1, Stage.NOT_PROVEN),
    Stage.SUMMONS_1: (Stage.SUMMONS_2, Stage.EXAMINATION),
    Stage.SUMMONS_2: (Stage.EXAMINATION, Stage.DECISION),
    Stage.EXAMINATION: (Stage.EXAMINATION_REPORT,),
    Stage.EXAMINATION_REPORT: (Stage.DECISION, Stage.NOT_PROVEN),
    Stage.DECISION: (Stage.DELIVERY,),
    Stage.DELIVERY: (Stage.IN_FORCE, Stage.OBJECTION, Stage.APPEAL),
    Stage.OBJECTION: (Stage.IN_FORCE, Stage.CLOSED),
    Stage.APPEAL: (Stage.IN_FORCE, Stage.CLOSED),
    Stage.IN_FORCE: (Stage.CLOSED,),
    Stage.CLOSED: (),
    Stage.NOT_PROVEN: (),
}
CLOSED_STAGES = (Stage.CLOSED, Stage.NOT_PROVEN)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The case readers of an instansi see its cases, the auditor all; ASN nothing."""
        if not user.is_authenticated or user.role not in User.CASE_READ_ROLES:
            return self.none()
        if user.is_auditor:
            return self.all()
        return self.filter(instansi_id=user.instansi_id)

    def open(self) -> CaseQuerySet:
        return self.exclude(stage__in=CLOSED_STAGES)

    def overdue(self, today: datetime.date) -> CaseQuerySet:
        return self.open().filter(due_on__lt=today)


class Case(models.Model):
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="cases")
    employee = models.ForeignKey(
        Employee, verbose_name=_("pegawai terlapor"), on_delete=models.PROTECT, related_name="cases"
    )
    # Identity as reported: the roster may change later, the case must not.
    employee_snapshot = models.JSONField(_("identitas saat dilaporkan"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), on_delete=models.PROTECT)
    employee_kind = models.CharField(_("jenis ASN"), max_length=4, choices=Employee.Kind.choices)
    jabatan_category = models.CharField(
        _("kategori jabatan"), max_length=16, choices=Employee.JabatanCategory.choices, blank=True
    )
    reporting_body = models.ForeignKey(
        ReportingBody, verbose_name=_("sumber laporan"), on_delete=models.PROTECT
    )
    source_reference = models.CharField(_("nomor rekomendasi/laporan"), max_length=120, blank=True)
    received_on = models.DateField(_("tanggal diterima"))
    description = models.TextField(_("uraian kejadian"))
    examination_team = models.TextField(
        _("tim pemeriksa"), blank=True, help_text=_("Satu nama dan jabatan per baris.")
    )
    examined_on = models.DateField(_("tanggal pemeriksaan"), null=True, blank=True)
    stage = models.CharField(
        _("tahap"), max_length=16, choices=Stage.choices, default=Stage.SCREENING
    )
    stage_entered_on = models.DateField(_("tanggal tahap"))
    due_on = models.DateField(_("tenggat"), null=True, blank=True)
    due_key = models.CharField(
        _("jenis tenggat"), max_length=20, choices=DeadlineRule.Key.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("kasus disiplin")
        verbose_name_plural = _("kasus disiplin")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["instansi", "stage"], name="case_stage_idx"),
            models.Index(fields=["instansi", "due_on"], name="case_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.employee_snapshot.get('name', '')}"

    @property
    def nip_display(self) -> str:
        return format_nip(self.employee_snapshot.get("nip", ""))

    @property
    def allowed_next(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    def current_sanction(self) -> SanctionType | None:
        """The disciplinary outcome in force: the decision's, as changed by any appeal."""
        try:
            decision = self.decision
        except Decision.DoesNotExist:
            return None
        current = decision.effective_type
        for appeal in self.appeals.all():
            if appeal.outcome == Appeal.Outcome.ANNULLED:
                current = None
            elif appeal.new_sanction_type_id:
                current = appeal.new_sanction_type
        return current

    def heaviest_level(self) -> str:
        """The heaviest default level among the violations: one sanction covers them all."""
        levels = [v.violation_type.default_level for v in self.violations.all()]
        ranked = [lvl for lvl in levels if lvl]
        return max(ranked, key=lambda lvl: LEVEL_RANK[lvl]) if ranked else ""


class CaseViolation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("jenis pelanggaran"), on_delete=models.PROTECT
    )
    other_text = models.CharField(_("uraian pelanggaran lain"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pelanggaran")
        verbose_name_plural = _("pelanggaran")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "violation_type"],
                condition=Q(other_text=""),
                name="case_violation_once",
            )
        ]

    def __str__(self) -> str:
        return self.other_text or self.violation_type.name


class CaseEvent(AppendOnly):
    """One step of a case: the history of a case is evidence."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    occurred_on = models.DateField(_("tanggal"))
    note = models.TextField(_("catatan"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat tahap")
        verbose_name_plural = _("riwayat tahap")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} -> {self.to_stage}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The client's file name never reaches the file system: only the checked extension does.
    return f"sanctions/evidence/{instance.case_id}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class OfficialCategory(models.TextChoices):
    PPK = "ppk", _("PPK (Bupati/Wali Kota/Gubernur)")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama (kepala perangkat daerah)")
    ADMINISTRATOR = "administrator", _("Administrator (mis. camat)")
    PENGAWAS = "pengawas", _("Pengawas")


class Decision(models.Model):
    """The decision of a case: at most one disciplinary (or PPPK/PTDH) outcome, plus an
    optional ethics outcome."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    level = models.CharField(_("tingkat hukuman"), max_length=8, choices=Level.choices, blank=True)
    sanction_type = models.ForeignKey(
        SanctionType,
        verbose_name=_("jenis hukuman"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imposed_type = models.ForeignKey(
        SanctionType,
        verbose_name=_("hukuman yang dijatuhkan (pengganti)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ethics_type = models.ForeignKey(
        SanctionType,
        verbose_name=_("sanksi moral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sk_number = models.CharField(_("nomor SK"), max_length=120)
    sk_date = models.DateField(_("tanggal SK"))
    official_name = models.CharField(_("nama pejabat yang menjatuhkan"), max_length=NAME_MAX_LENGTH)
    official_nip = models.CharField(_("NIP pejabat"), max_length=18, blank=True)
    official_title = models.CharField(_("jabatan pejabat"), max_length=200)
    official_category = models.CharField(
        _("kedudukan pejabat"), max_length=16, choices=OfficialCategory.choices
    )
    authority_warning = models.BooleanField(_("di luar kewenangan"), default=False)
    # The "Mengingat" lines as they stood when the decision was taken: a later correction of the
    # catalogue does not rewrite an SK already issued.
    legal_basis = models.JSONField(_("dasar hukum pada SK"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")

    def __str__(self) -> str:
        return self.sk_number

    @property
    def effective_type(self) -> SanctionType | None:
        return self.imposed_type or self.sanction_type


class Appeal(models.Model):
    class Kind(models.TextChoices):
        OBJECTION = "keberatan", _("Keberatan")
        APPEAL = "banding", _("Banding administratif")

    class Outcome(models.TextChoices):
        UPHELD = "dikuatkan", _("Dikuatkan")
        LIGHTENED = "diperingan", _("Diperingan")
        HEAVIER = "diperberat", _("Diperberat")
        ANNULLED = "dibatalkan", _("Dibatalkan")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    filed_on = models.DateField(_("tanggal diajukan"))
    outcome = models.CharField(_("hasil"), max_length=12, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("tanggal diputus"), null=True, blank=True)
    new_sanction_type = models.ForeignKey(
        SanctionType,
        verbose_name=_("hukuman setelah upaya administratif"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("upaya administratif")
        verbose_name_plural = _("upaya administratif")
        ordering = ["filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.case_id}"
