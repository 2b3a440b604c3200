"""Campaigns and the evidence of who signed what: ikrar, pakta and witness signatures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.caching import forget_now_and_after_commit, model_shape
from portal.evidence import (
    AppendOnly,
    AppendOnlyQuerySet,
    ChainedRecord,
    canonical,
    file_sha256,
    sha256_hex,
)
from portal.models import (
    NAME_MAX_LENGTH,
    Employee,
    EmployeeQuerySet,
    Instansi,
    Official,
    Unit,
    User,
)

from . import national_texts

# The benchmarks (bench/) seed campaigns straight into fresh databases and read the ikrar here;
# the text itself lives once, in national_texts.
IKRAR_POINTS = national_texts.ikrar_points(national_texts.PEMILU)
CODE_LENGTH = 16  # verification codes: about 78 bits, never guessed through a rate limit


def new_code() -> str:
    return codes.new_code(CODE_LENGTH)


def normalize_code(raw: str) -> str:
    return codes.normalize(raw, CODE_LENGTH)


EVERY_INSTANSI = object()  # what campaign_scope answers for a user who sees every campaign


def campaign_scope(user: User):
    """Whose campaigns the user sees: EVERY_INSTANSI, one instansi's id, or None."""
    if not user.is_authenticated:
        return None
    if user.is_auditor:
        return EVERY_INSTANSI
    if user.instansi_id:
        return user.instansi_id
    if user.employee_id:
        return user.employee.instansi_id
    return None


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CampaignQuerySet:
        scope = campaign_scope(user)
        if scope is None:
            return self.none()
        if scope is EVERY_INSTANSI:
            return self.all()
        return self.filter(instansi_id=scope)

    def with_supersession(self) -> CampaignQuerySet:
        """Answer is_superseded in the same query (the signing page asks it on every request)."""
        return self.annotate(
            is_superseded=Exists(Campaign.objects.filter(previous_version_id=OuterRef("pk")))
        )

    def current(self) -> CampaignQuerySet:
        """Campaigns not replaced by a newer version of their text."""
        return self.filter(next_version__isnull=True)

    def national_templates(self) -> CampaignQuerySet:
        """The standard texts every instansi starts from (loaded by migration 0006)."""
        return self.filter(instansi__isnull=True).current().order_by("opens_on", "pakta_variant")


class Campaign(models.Model):
    """One election's pledge: the ikrar text every ASN signs and the pakta heads sign.

    The text is editable until the first signature; then it is frozen and hashed, and a changed
    text is a new campaign version (old signatures keep pointing at the version they signed).
    """

    class PaktaVariant(models.TextChoices):
        IKRAR = "ikrar", _("Empat butir ikrar netralitas")
        PROHIBITIONS = "larangan", _("Larangan PP 94/2021 Pasal 5 huruf n")

    TEXT_FIELDS = (
        "title",
        "ikrar_points",
        "ikrar_closing",
        "pakta_variant",
        "pakta_points",
        "pakta_closing",
    )

    instansi = models.ForeignKey(
        Instansi, on_delete=models.PROTECT, related_name="campaigns", null=True, blank=True,
        help_text=_("Kosong untuk templat nasional yang disalin ke instansi."),
    )  # fmt: skip
    template = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    previous_version = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("judul"), max_length=200)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    ikrar_points = models.JSONField(_("butir ikrar"), default=list)
    ikrar_closing = models.TextField(_("kalimat penutup ikrar"))
    pakta_variant = models.CharField(
        _("isi pakta integritas"),
        max_length=10,
        choices=PaktaVariant.choices,
        default=PaktaVariant.IKRAR,
    )
    pakta_points = models.JSONField(_("butir pakta"), default=list, blank=True)
    pakta_closing = models.TextField(_("kalimat penutup pakta"))
    allow_drawn = models.BooleanField(_("tanda tangan digambar"), default=True)
    allow_typed = models.BooleanField(_("nama diketik"), default=True)
    text_hash = models.CharField(max_length=64, blank=True, editable=False)
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    # The signing page reads its campaign on every GET and POST; at an apel thousands of them a
    # minute. A copy is kept this long in the default cache; save() forgets it at once (in every
    # worker with the shared cache of REDIS_URL; without it, in the saving worker only, and the
    # others see a closed or superseded campaign at most this late).
    CACHE_SECONDS = 10

    class Meta:
        verbose_name = _("kampanye")
        verbose_name_plural = _("kampanye")
        ordering = ["-opens_on", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title if self.version == 1 else f"{self.title} (versi {self.version})"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # A new version supersedes the previous one: both copies go, now and again after
        # COMMIT (another request may have cached the old row meanwhile).
        keys = [self._cache_key(pk) for pk in (self.pk, self.previous_version_id) if pk]
        forget_now_and_after_commit(keys)

    @classmethod
    def _cache_key(cls, pk) -> str:
        return f"pledges:campaign:{model_shape(cls)}:{pk}"

    @classmethod
    def cached(cls, pk: int) -> Campaign | None:
        """The campaign with its instansi and its is_superseded answer, from the cache when a
        copy is there (see CACHE_SECONDS)."""
        key = cls._cache_key(pk)
        campaign = cache.get(key)
        if campaign is None:
            campaign = (
                cls.objects.with_supersession().select_related("instansi").filter(pk=pk).first()
            )
            if campaign is not None:
                cache.set(key, campaign, cls.CACHE_SECONDS)
        return campaign

    def is_visible_to(self, user: User) -> bool:
        """What CampaignQuerySet.visible_to answers, for one campaign in hand."""
        scope = campaign_scope(user)
        return scope is EVERY_INSTANSI or (scope is not None and scope == self.instansi_id)

    @property
    def template_label(self) -> str:
        """How a national template is offered: its election and its pakta variant."""
        return _("%(title)s — pakta: %(variant)s") % {
            "title": self.title,
            "variant": self.get_pakta_variant_display(),
        }

    @property
    def is_frozen(self) -> bool:
        return bool(self.text_hash)

    @cached_property
    def is_superseded(self) -> bool:
        # Cached per instance, and set up front by CampaignQuerySet.with_supersession().
        return Campaign.objects.filter(previous_version_id=self.pk).exists()

    def is_open(self, moment=None) -> bool:
        """Open for signing on the instansi's own calendar day, and not replaced by a newer
        version of its text."""
        tz = self.instansi.tz if self.instansi_id else None
        today = timezone.localdate(moment, timezone=tz)
        return self.opens_on <= today <= self.closes_on and not self.is_superseded

    def effective_pakta_points(self) -> list[str]:
        if self.pakta_variant == self.PaktaVariant.IKRAR:
            return list(self.ikrar_points)
        return list(self.pakta_points)

    def text(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in self.TEXT_FIELDS}

    def compute_text_hash(self) -> str:
        return sha256_hex(canonical(self.text()))

    def points_for(self, kind: str) -> list[str]:
        return (
            list(self.ikrar_points)
            if kind == Signature.Kind.IKRAR
            else self.effective_pakta_points()
        )

    def closing_for(self, kind: str) -> str:
        return self.ikrar_closing if kind == Signature.Kind.IKRAR else self.pakta_closing

    def signed_among(self, employees: EmployeeQuerySet) -> EmployeeQuerySet:
        """The employees among `employees` holding a valid ikrar of this campaign."""
        return employees.filter(Exists(self._valid_ikrar_of_each()))

    def unsigned_among(self, employees: EmployeeQuerySet) -> EmployeeQuerySet:
        """The others: returned or revoked ikrar count as unsigned, they must sign again."""
        return employees.exclude(Exists(self._valid_ikrar_of_each()))

    def _valid_ikrar_of_each(self) -> SignatureQuerySet:
        return Signature.objects.ikrar().valid().filter(campaign=self, employee=OuterRef("pk"))


def _signed_by(user: User) -> Q:
    if getattr(user, "employee_id", None):
        return Q(employee_id=user.employee_id)
    if getattr(user, "official_id", None):
        return Q(official_id=user.official_id)
    return Q(pk__in=[])


class SignatureQuerySet(AppendOnlyQuerySet):
    def own(self, user: User) -> SignatureQuerySet:
        """What the user signed themselves."""
        return self.filter(_signed_by(user))

    def downloadable_by(self, user: User) -> SignatureQuerySet:
        """Certificates go to their owner and to the BKD admins and Sekda of the instansi only."""
        if not user.is_authenticated:
            return self.none()
        scopes = _signed_by(user)
        if user.role in User.DOCUMENT_ROLES:
            scopes |= Q(instansi_id=user.instansi_id)
        return self.filter(scopes)

    def reviewable_by(self, user: User) -> SignatureQuerySet:
        """The BKD reviews every signature of its instansi: ikrar, pakta and the witness's
        countersignature (which can be returned or revoked on its own, e.g. a wrong witness)."""
        if not (user.is_authenticated and user.is_bkd):
            return self.none()
        return self.filter(instansi_id=user.instansi_id)

    def valid(self) -> SignatureQuerySet:
        return self.filter(status__in=Signature.VALID_STATUSES)

    def ikrar(self) -> SignatureQuerySet:
        return self.filter(kind=Signature.Kind.IKRAR)

    def pakta(self) -> SignatureQuerySet:
        return self.filter(kind=Signature.Kind.PAKTA)


class Signature(ChainedRecord):
    """One signing act: evidence that is never edited. `status` is the only column that moves,
    and only as the review chain says (extra_guard_sql): it is the latest review event's
    result, or pending without one."""

    MUTABLE_FIELDS = ("status",)
    chain_prefix = "signature"

    class Kind(models.TextChoices):
        IKRAR = "ikrar", _("Ikrar Netralitas")
        PAKTA = "pakta", _("Pakta Integritas")
        WITNESS = "saksi", _("Tanda tangan saksi pakta")

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Digambar")
        TYPED = "typed", _("Nama diketik")
        PAPER = "kertas", _("Di atas kertas")

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu")
        APPROVED = "disetujui", _("Disetujui")
        RETURNED = "dikembalikan", _("Dikembalikan")
        REVOKED = "dicabut", _("Dicabut")

    VALID_STATUSES = (Status.PENDING, Status.APPROVED)

    code = models.CharField(_("kode verifikasi"), max_length=CODE_LENGTH, unique=True)
    kind = models.CharField(_("jenis"), max_length=6, choices=Kind.choices)
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signatures")
    # Who signed: an employee, or (only as the witness of a pakta) a regional head or deputy.
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="signatures")
    witnessed = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="witnesses"
    )
    identity = models.JSONField(_("identitas saat menandatangani"))
    text_hash = models.CharField(max_length=64)
    method = models.CharField(_("cara"), max_length=6, choices=Method.choices)
    typed_name = models.CharField(_("nama diketik"), max_length=NAME_MAX_LENGTH, blank=True)
    image = models.FileField(upload_to="signatures/%Y/%m/", blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("waktu tanda tangan"))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Which form submission made it (a key the page carries): a resubmission after a lost
    # reply finds its signature. Transport, not evidence: outside the hashed payload.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    # Signed while this apel was open (in the payload when set).
    apel = models.ForeignKey(
        "Apel", on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    # Signed in wet ink on a printed sheet and recorded from its scan, which `image` then
    # names (one file per sheet, shared by its signers) and `image_sha256` hashes.
    paper_scan = models.ForeignKey(
        "PaperScan", on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )

    objects = SignatureQuerySet.as_manager()

    class Meta(ChainedRecord.Meta):
        verbose_name = _("tanda tangan")
        verbose_name_plural = _("tanda tangan")
        ordering = ["-signed_at"]
        constraints = [
            *ChainedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["campaign", "employee"],
                condition=Q(kind="ikrar", status__in=["menunggu", "disetujui"]),
                name="one_valid_ikrar_per_employee",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(kind="pakta", status__in=["menunggu", "disetujui"]),
                name="one_valid_pakta_per_unit",
            ),
            models.UniqueConstraint(
                fields=["witnessed"],
                condition=Q(kind="saksi", status__in=["menunggu", "disetujui"]),
                name="one_valid_witness_per_pakta",
            ),
            models.UniqueConstraint(
                fields=["employee", "submission_key"], name="one_signature_per_submission"
            ),
            models.UniqueConstraint(
                fields=["official", "submission_key"],
                name="one_signature_per_submission_official",
            ),
            models.CheckConstraint(
                condition=Q(employee__isnull=False, official__isnull=True)
                | Q(kind="saksi", employee__isnull=True, official__isnull=False),
                name="signed_by_an_employee_or_an_official_witness",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "kind", "status"], name="signature_campaign_idx"),
            models.Index(
                fields=["instansi", "kind", "status", "signed_at"], name="signature_scope_idx"
            ),
            models.Index(fields=["employee", "kind"], name="signature_employee_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identity.get('name', '')} {self.code_display}"

    @property
    def code_display(self) -> str:
        return codes.grouped(self.code)

    @property
    def effective_status(self) -> str:
        """A witness copy is only as valid as the pakta it countersigns."""
        if self.kind == self.Kind.WITNESS and self.witnessed.status not in self.VALID_STATUSES:
            return self.witnessed.status
        return self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status).label

    @property
    def is_valid(self) -> bool:
        return self.effective_status in self.VALID_STATUSES

    @property
    def signer(self) -> Employee | Official:
        return self.employee if self.employee_id else self.official

    def current_document(self) -> Signature:
        """The signature whose PDF is the pakta as it now stands: a countersigned pakta is
        delivered as the witness's document, which shows both signatures."""
        if self.kind == self.Kind.PAKTA and self.is_valid:
            witness = self.witnesses.valid().order_by("-signed_at").first()
            if witness is not None:
                return witness
        return self

    def status_from_reviews(self) -> str:
        """The status as the review chain states it, read from the events themselves."""
        last = self.reviews.order_by("-seq").values_list("action", flat=True).first()
        return ReviewEvent.RESULTING_STATUS[last] if last else self.Status.PENDING

    @classmethod
    def extra_guard_sql(cls, vendor: str) -> list[str]:
        """The database refuses a status that is not the one the review chain gives."""
        table, reviews = cls._meta.db_table, ReviewEvent._meta.db_table
        # Table names and values come from model metadata, never from input.
        results = ReviewEvent.RESULTING_STATUS.items()
        cases = " ".join(f"WHEN '{action}' THEN '{status}'" for action, status in results)
        expected = (
            f"COALESCE((SELECT CASE action {cases} END FROM {reviews} "  # noqa: S608
            f"WHERE signature_id = NEW.id ORDER BY seq DESC LIMIT 1), '{cls.Status.PENDING}')"
        )
        message = f"the status in {table} follows its review events"
        if vendor == "postgresql":
            return [
                f"""
CREATE OR REPLACE FUNCTION {table}_status_guard() RETURNS trigger AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM {expected} THEN
    RAISE EXCEPTION '{message}';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_status ON {table};
CREATE TRIGGER {table}_status BEFORE INSERT OR UPDATE OF status ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_status_guard();
"""
            ]
        on = "(SELECT locked FROM evidence_guard) IS NOT 0"
        return [
            f"DROP TRIGGER IF EXISTS {table}_status_update",
            f"""CREATE TRIGGER {table}_status_update BEFORE UPDATE OF status ON {table}
  WHEN {on} AND NEW.status IS NOT {expected}
  BEGIN SELECT RAISE(ABORT, '{message}'); END""",
            # Before an insert SQLite has no row id yet; a new signature is simply pending.
            f"DROP TRIGGER IF EXISTS {table}_status_insert",
            f"""CREATE TRIGGER {table}_status_insert BEFORE INSERT ON {table}
  WHEN {on} AND NEW.status IS NOT '{cls.Status.PENDING}'
  BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        ]

    @classmethod
    def derived_problems(cls, chains: list[str]) -> Iterator[str]:
        """Every signature whose stored status differs from its review events (a status
        flipped behind the triggers' back)."""
        last_action = (
            ReviewEvent.objects.filter(signature=OuterRef("pk")).order_by("-seq").values("action")
        )
        rows = (
            cls.objects.filter(chain__in=chains)
            .annotate(last_action=Subquery(last_action[:1]))
            .values_list("seq", "pk", "code", "status", "last_action")
            .order_by("chain", "seq")
        )
        for seq, pk, code, status, action in rows.iterator(chunk_size=2000):
            expected = ReviewEvent.RESULTING_STATUS[action] if action else cls.Status.PENDING
            if status != expected:
                yield (
                    f"catatan #{seq} (id {pk}, kode {codes.grouped(code)}): status tersimpan "
                    f"'{status}', menurut rantai telaah '{expected}'"
                )

    @classmethod
    def check_files(cls, chains: list[str]) -> tuple[int, list[str]]:
        """Drawn signature images against the hash the signing record carries."""
        rows = cls.objects.filter(chain__in=chains).exclude(image="").order_by("chain", "seq")
        checked, problems, digests = 0, [], {}
        for signature in rows.only("seq", "code", "method", "image", "image_sha256").iterator(2000):
            name = signature.image.name
            if name not in digests:  # a sheet's scan is one file for all its signers
                checked += 1
                digests[name] = file_sha256(signature.image)
            if digests[name] != signature.image_sha256:
                state = "hilang" if digests[name] is None else "berubah"
                what = ("pindaian lembar kertas" if signature.method == cls.Method.PAPER
                        else "gambar tanda tangan")  # fmt: skip
                problems.append(f"{what} {signature.code_display} {state}")
        return checked, problems

    @classmethod
    def chain_queryset(cls):
        return cls.objects.select_related("witnessed", "paper_scan")

    def payload(self) -> dict[str, Any]:
        data = {
            "code": self.code,
            "kind": self.kind,
            "instansi": self.instansi_id,
            "campaign": self.campaign_id,
            "employee": self.employee_id,
            "unit": self.unit_id,
            "witnessed": self.witnessed.code if self.witnessed_id else None,
            "identity": self.identity,
            "text_hash": self.text_hash,
            "method": self.method,
            "typed_name": self.typed_name,
            "image_sha256": self.image_sha256,
            "signed_at": self.signed_at,
            "ip": self.ip_address,
            "user_agent": self.user_agent,
        }
        # Added only when present, so records made before these existed keep their hashes.
        if self.official_id:
            data["official"] = self.official_id
        if self.apel_id:
            data["apel"] = self.apel_id
        if self.paper_scan_id:
            scan = self.paper_scan
            data["paper"] = {"sheet": scan.sheet_code, "signed_on": scan.signed_on,
                             "recorded_by": scan.recorded_by_name}  # fmt: skip
        return data


class ReviewEvent(ChainedRecord):
    """A BKD decision on a signature: approve, return with a reason, or revoke with a reason."""

    chain_prefix = "review"

    class Action(models.TextChoices):
        APPROVE = "setujui", _("Disetujui")
        RETURN = "kembalikan", _("Dikembalikan")
        REVOKE = "cabut", _("Dicabut")

    RESULTING_STATUS = {
        Action.APPROVE: Signature.Status.APPROVED,
        Action.RETURN: Signature.Status.RETURNED,
        Action.REVOKE: Signature.Status.REVOKED,
    }

    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="reviews")
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("keputusan"), max_length=12, choices=Action.choices)
    reason = models.TextField(_("alasan"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=NAME_MAX_LENGTH)
    created_at = models.DateTimeField()

    class Meta(ChainedRecord.Meta):
        verbose_name = _("keputusan telaah")
        verbose_name_plural = _("keputusan telaah")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.signature.code_display}"

    def payload(self) -> dict[str, Any]:
        return {
            "signature": self.signature.code,
            "action": self.action,
            "reason": self.reason,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "at": self.created_at,
        }


class Certificate(ChainedRecord):
    """The delivered PDF of a signature: numbered, rendered once, sealed, stored, and the
    SHA-256 of the sealed bytes recorded in the instansi's certificate chain, so neither the
    file nor its hash can be swapped without verify_chain --files naming it.

    WeasyPrint output is not byte-reproducible across versions, so verification compares an
    uploaded PDF with this stored hash and never re-renders.
    """

    chain_prefix = "certificate"

    signature = models.OneToOneField(
        Signature, on_delete=models.PROTECT, related_name="certificate"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="certificates/%Y/%m/")
    # The document number printed on it (empty on certificates issued before numbering).
    number = models.CharField(_("nomor dokumen"), max_length=80, blank=True)
    # Of the sealed bytes as delivered.
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    # Set before the record is hashed (auto_now_add would fill it only at insert).
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta(ChainedRecord.Meta):
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")

    def __str__(self) -> str:
        return f"Sertifikat {self.signature.code_display}"

    @classmethod
    def chain_queryset(cls):
        return cls.objects.select_related("signature")

    def payload(self) -> dict[str, Any]:
        return certificate_payload(
            signature_code=self.signature.code, number=self.number, sha256=self.sha256,
            size=self.size, file=self.file.name, rendered_at=self.rendered_at,
        )  # fmt: skip

    @classmethod
    def check_files(cls, chains: list[str]) -> tuple[int, list[str]]:
        """Each stored PDF against the hash its chained record carries."""
        rows = cls.objects.filter(chain__in=chains).select_related("signature")
        checked, problems = 0, []
        for certificate in rows.order_by("chain", "seq").iterator(2000):
            checked += 1
            digest = file_sha256(certificate.file)
            if digest != certificate.sha256:
                state = "hilang" if digest is None else "berubah"
                problems.append(f"sertifikat {certificate.signature.code_display} {state}")
        return checked, problems


def certificate_payload(*, signature_code: str, number: str, sha256: str, size: int, file: str,
                        rendered_at: dt.datetime) -> dict[str, Any]:  # fmt: skip
    """What a certificate's chained record hashes; pledges migration 0013 chains the
    certificates issued before with it."""
    return {
        "signature": signature_code,
        "number": number,
        "sha256": sha256,
        "size": size,
        "file": file,
        "rendered_at": rendered_at,
    }


class Reminder(models.Model):
    """One reminder sent to one employee for one campaign; the interval check reads these."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        indexes = [models.Index(fields=["campaign", "employee", "-sent_at"], name="reminder_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.sent_at:%Y-%m-%d %H:%M}"


class ReminderRunQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ReminderRunQuerySet:
        if user.is_authenticated and user.is_bkd:
            return self.filter(campaign__instansi_id=user.instansi_id)
        return self.none()


class ReminderRun(models.Model):
    """One press of "send reminders": how many were queued, sent and failed so far."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengiriman pengingat")
        verbose_name_plural = _("pengiriman pengingat")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return int(100 * (self.sent + self.failed) / self.total) if self.total else 100


class BulkExportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> BulkExportQuerySet:
        """Each role sees the kinds it may start (BulkExport.kinds_for), of its own instansi:
        the Sekda never sees the BKD's ZIP of every ASN's certificate, only the pakta."""
        kinds = BulkExport.kinds_for(user)
        if not kinds:
            return self.none()
        return self.filter(instansi_id=user.instansi_id, kind__in=kinds)


class BulkExport(models.Model):
    """A ZIP or merged PDF of many stored documents, built by a background task."""

    class Kind(models.TextChoices):
        PAKTA_ZIP = "pakta_zip", _("ZIP semua pakta integritas")
        PAKTA_PDF = "pakta_pdf", _("PDF gabungan pakta integritas")
        IKRAR_ZIP = "ikrar_zip", _("ZIP semua sertifikat ikrar")

    class Status(models.TextChoices):
        QUEUED = "antre", _("Dalam antrean")
        RUNNING = "berjalan", _("Sedang dibuat")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="exports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BulkExportQuerySet.as_manager()

    STALE_AFTER = dt.timedelta(minutes=5)

    class Meta:
        verbose_name = _("unduhan massal")
        verbose_name_plural = _("unduhan massal")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.campaign}"

    @classmethod
    def kinds_for(cls, user: User) -> list[str]:
        """The bulk downloads a user may start and see: the pakta for the BKD and the Sekda,
        the ikrar certificates of every ASN for the BKD only."""
        if not user.is_authenticated:
            return []
        if user.is_bkd:
            return list(cls.Kind.values)
        if user.is_sekda:
            return [cls.Kind.PAKTA_ZIP, cls.Kind.PAKTA_PDF]
        return []

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_stale(self) -> bool:
        """Running, but no progress for a while: its worker most likely died."""
        last = self.heartbeat_at or self.created_at
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and (
            timezone.now() - last > self.STALE_AFTER
        )

    @property
    def filename(self) -> str:
        ext = "pdf" if self.kind == self.Kind.PAKTA_PDF else "zip"
        return f"{self.kind.replace('_', '-')}-{self.instansi.code}-{self.pk}.{ext}"


class DownloadEvent(AppendOnly):
    """Who downloaded which document (one certificate or a bulk export), when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, null=True, blank=True)
    export = models.ForeignKey(BulkExport, on_delete=models.PROTECT, null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("catatan unduhan")
        verbose_name_plural = _("catatan unduhan")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["instansi", "-created_at"], name="download_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class ApelQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ApelQuerySet:
        """The BKD and the Sekda of the instansi run its apel."""
        if user.is_authenticated and user.role in User.DOCUMENT_ROLES:
            return self.filter(instansi_id=user.instansi_id)
        return self.none()

    def open_at(self, moment: dt.datetime) -> ApelQuerySet:
        return self.filter(starts_at__lte=moment, ends_at__gt=moment).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gt=moment)
        )


class Apel(models.Model):
    """A ceremony (apel, "Deklarasi Netralitas") where the ikrar is read aloud and signed.
    Ikrar signed by an invited ASN while it is open carry it."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="apels")
    name = models.CharField(_("nama"), max_length=200, default="Apel Deklarasi Netralitas ASN")
    place = models.CharField(_("tempat"), max_length=200)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("unit yang diundang"),
        blank=True,
        related_name="+",
        help_text=_("Kosong: semua unit kerja instansi."),
    )
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApelQuerySet.as_manager()

    class Meta:
        verbose_name = _("apel")
        verbose_name_plural = _("apel")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["campaign", "starts_at"], name="apel_campaign_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="apel_ends_after_it_starts"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name}, {self.place}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.forget_cached(self.campaign_id)

    def is_open(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        closed = self.closed_at is not None and self.closed_at <= moment
        return self.starts_at <= moment < self.ends_at and not closed

    # Every ikrar signed asks which apel is open for the signer's unit; the answer is kept this
    # long in the default cache, and forgotten after any change (pledges.services, save()).
    CACHE_SECONDS = 10

    @classmethod
    def _cache_key(cls, campaign_id) -> str:
        return f"pledges:apels:{model_shape(cls)}:{campaign_id}"

    @classmethod
    def not_ended_cached(cls, campaign_id: int, now: dt.datetime) -> list[tuple[Apel, set[int]]]:
        """The campaign's apel that had not ended at `now`, newest first, each with the ids of
        its invited units (none: every unit), possibly CACHE_SECONDS old."""
        key = cls._cache_key(campaign_id)
        found = cache.get(key)
        if found is None:
            apels = cls.objects.filter(campaign_id=campaign_id, ends_at__gt=now)
            found = [(apel, {u.pk for u in apel.units.all()})
                     for apel in apels.prefetch_related("units")]  # fmt: skip
            cache.set(key, found, cls.CACHE_SECONDS)
        return found

    @classmethod
    def forget_cached(cls, campaign_id: int) -> None:
        forget_now_and_after_commit([cls._cache_key(campaign_id)])

    def invited_units(self):
        """The units asked to come (a kecamatan brings the kelurahan under it); all without a
        list."""
        units = Unit.objects.filter(instansi_id=self.instansi_id)
        chosen = self.units.values("pk")
        if not self.units.exists():
            return units
        return units.filter(Q(pk__in=chosen) | Q(parent__in=chosen))

    def invited(self) -> EmployeeQuerySet:
        return Employee.objects.active().filter(unit__in=self.invited_units())


class PaperSheetQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: User) -> PaperSheetQuerySet:
        """The BKD of the instansi, and the head of the sheet's unit (a camat also for the
        kelurahan under the kecamatan)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_bkd:
            return self.filter(instansi_id=user.instansi_id)
        if user.employee_id:
            return self.filter(unit__in=Unit.objects.headed_by(user.employee_id))
        return self.none()


class PaperSheet(AppendOnly):
    """A printed ikrar sheet of one unit: the text and a table of its staff to sign in wet ink,
    for ASN who cannot sign on a device. Its QR code leads back here to record the scan."""

    CODE_LENGTH = 10

    code = models.CharField(_("kode lembar"), max_length=12, unique=True)
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The rows as printed: [[employee id, NIP, name], ...] in table order.
    rows = models.JSONField()
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField(auto_now_add=True)

    objects = PaperSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("lembar ikrar kertas")
        verbose_name_plural = _("lembar ikrar kertas")
        ordering = ["-printed_at"]

    def __str__(self) -> str:
        return f"{self.unit} {codes.grouped(self.code, 4)}"

    @property
    def code_display(self) -> str:
        return codes.grouped(self.code, 4)


def _scan_path(scan: PaperScan, filename: str) -> str:
    return f"paper/{scan.sheet_code}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class PaperScan(AppendOnly):
    """The signed sheet as scanned (PDF or JPEG), stored once for all who signed on it; the
    signatures recorded from it carry its hash, its date and who recorded it."""

    sheet = models.ForeignKey(PaperSheet, on_delete=models.PROTECT, related_name="scans")
    sheet_code = models.CharField(max_length=12)
    file = models.FileField(upload_to=_scan_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    signed_on = models.DateField(_("tanggal penandatanganan di kertas"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=NAME_MAX_LENGTH)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pindaian lembar ikrar")
        verbose_name_plural = _("pindaian lembar ikrar")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.sheet_code} {self.signed_on}"
