"""The instansi's seal certificate: PAdES seals on every issued PDF, and their validation.

Production reads `<instansi code>.p12` from settings.SEAL_DIR (a BSrE-issued seal), its password
from SEAL_PASSWORD_<CODE> or SEAL_PASSWORD. Development and tests (settings.SEAL_DEV_CA) make a
local CA once under VAR_DIR/seals-dev and, per process, an ECDSA P-256 seal for each instansi
signed by it: no configuration for `make run`, no key generation cost per test.

A seal is loaded once per process and kept while its file is unchanged (replacing the file
rotates it without a restart). Sealing is pyHanko's incremental signing of an in-memory buffer,
with the signature container size reserved up front: pyHanko would otherwise sign a dummy
document first to measure it, doubling the cost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

DEV_PASSWORD = b"dev-seal"
SEAL_FIELD = "Segel"
DEV_CA_NAME = "Portal Netralitas ASN - CA pengembangan (bukan untuk produksi)"


class SealUnavailable(Exception):
    """No usable seal for this instansi: a clear error, never an unsealed document."""

    def __init__(self, message: str, state: str = "missing") -> None:
        super().__init__(message)
        self.state = state  # "missing", "expired" or "unreadable", as in SealStatus


@dataclass(frozen=True)
class Seal:
    signer: object  # portal.seal_signer.PrecomputedSigner (a pyHanko SimpleSigner)
    subject: str
    issuer: str
    not_after: dt.datetime
    fingerprint: str
    is_dev: bool
    bytes_reserved: int


@dataclass(frozen=True)
class SealStatus:
    """What the BKD page and check --deploy say about an instansi's seal."""

    state: str  # "ok", "expiring", "dev", "missing", "expired", "unreadable"
    message: str
    seal: Seal | None = None

    @property
    def usable(self) -> bool:
        return self.state in ("ok", "expiring", "dev")


# --- Loading ---------------------------------------------------------------------------------


def env_suffix(code: str) -> str:
    return code.upper().replace("-", "_")


def seal_path(code: str) -> Path:
    return Path(settings.SEAL_DIR) / f"{code}.p12"


def _password(code: str) -> bytes | None:
    value = os.environ.get(f"SEAL_PASSWORD_{env_suffix(code)}", os.environ.get("SEAL_PASSWORD"))
    return value.encode() if value is not None else None


_lock = threading.Lock()
_cache: dict[tuple, Seal] = {}


def get_seal(instansi) -> Seal:
    """The instansi's seal, loaded once per process; SealUnavailable if none can be used."""
    path = seal_path(instansi.code)
    try:
        stat = path.stat()
    except FileNotFoundError:
        stat = None
    if stat is not None:
        key = ("file", str(path), stat.st_mtime_ns, stat.st_size)
    elif settings.SEAL_DEV_CA:
        key = ("dev", str(_dev_dir()), instansi.code, instansi.name)
    else:
        raise SealUnavailable(
            _("Sertifikat segel elektronik %(name)s belum dipasang (%(path)s).")
            % {"name": instansi.name, "path": path}
        )
    seal = _cache.get(key)
    if seal is None:
        with _lock:
            seal = _cache.get(key)
            if seal is None:
                seal = _load_file(path, instansi) if stat is not None else _dev_seal(instansi)
                _cache[key] = seal
    if seal.not_after <= timezone.now():
        raise SealUnavailable(
            _("Sertifikat segel elektronik %(name)s kedaluwarsa sejak %(date)s.")
            % {"name": instansi.name, "date": seal.not_after.date().isoformat()},
            "expired",
        )
    return seal


def _load_file(path: Path, instansi) -> Seal:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            path.read_bytes(), _password(instansi.code)
        )
    except (ValueError, TypeError, OSError) as exc:
        log.warning("seal %s unreadable: %s", path, exc)
        raise SealUnavailable(
            _(
                "Sertifikat segel %(path)s tidak dapat dibuka: periksa berkas dan kata sandinya "
                "(SEAL_PASSWORD_%(code)s)."
            )
            % {"path": path, "code": env_suffix(instansi.code)},
            "unreadable",
        ) from exc
    if key is None or cert is None:
        raise SealUnavailable(
            _("Berkas %(path)s tidak berisi kunci dan sertifikat segel.") % {"path": path},
            "unreadable",
        )
    return _make_seal(key, cert, list(extra or []), is_dev=False)


def _make_seal(key, cert, chain: list, *, is_dev: bool) -> Seal:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from .seal_signer import PrecomputedSigner

    der = serialization.Encoding.DER
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    signing_cert = asn1_x509.Certificate.load(cert.public_bytes(der))
    others = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain]
    signer = PrecomputedSigner(
        private_key=key,
        signing_cert=signing_cert,
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(others),
    )
    certs_size = len(cert.public_bytes(der)) + sum(len(c.public_bytes(der)) for c in chain)
    # The CMS holds the certificates, the signed attributes and the signature; a timestamp
    # token (B-T) brings the TSA's own certificates along.
    reserved = 2 * certs_size + 4096 + (16384 if settings.SEAL_TIMESTAMP_URL else 0)
    return Seal(
        signer=signer,
        subject=signing_cert.subject.human_friendly,
        issuer=signing_cert.issuer.human_friendly,
        not_after=cert.not_valid_after_utc,
        fingerprint=hashlib.sha256(cert.public_bytes(der)).hexdigest(),
        is_dev=is_dev,
        bytes_reserved=reserved,
    )


def status(instansi) -> SealStatus:
    try:
        seal = get_seal(instansi)
    except SealUnavailable as exc:
        return SealStatus(exc.state, str(exc))
    if seal.is_dev:
        return SealStatus(
            "dev",
            _(
                "Segel pengembangan dari CA lokal: dokumen disegel, tetapi pembaca PDF tidak "
                "mempercayainya. Pasang segel BSrE sebelum dipakai resmi."
            ),
            seal,
        )
    days = (seal.not_after - timezone.now()).days
    if days < settings.SEAL_EXPIRY_WARNING_DAYS:
        return SealStatus(
            "expiring",
            _("Sertifikat segel kedaluwarsa dalam %(days)d hari: perbarui segera.")
            % {"days": days},
            seal,
        )
    return SealStatus("ok", _("Sertifikat segel terpasang dan berlaku."), seal)


# --- Development CA --------------------------------------------------------------------------


def _dev_dir() -> Path:
    return Path(settings.VAR_DIR) / "seals-dev"


def _write_once(path: Path, data: bytes) -> bytes:
    """Write a file unless another process wrote it first; return what is on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_bytes()


@functools.cache
def _dev_ca(directory: Path):
    """The local CA (key and certificate), made once and kept under VAR_DIR: documents sealed
    by an earlier process still validate."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = directory / "ca.pem"
    if not pem.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(DEV_CA_NAME, key.public_key(), key, None, days=3650, ca=True)
        # Key and certificate in one file, written once: two processes starting together end
        # up with the same CA.
        blob = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ) + cert.public_bytes(serialization.Encoding.PEM)
        _write_once(pem, blob)
    from cryptography import x509

    data = pem.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    cert = x509.load_pem_x509_certificate(data[data.index(b"-----BEGIN CERTIFICATE") :])
    return key, cert


def dev_ca_certificate():
    """The development CA certificate (cryptography object), made on first use."""
    return _dev_ca(_dev_dir())[1]


def _dev_seal(instansi) -> Seal:
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key, ca_cert = _dev_ca(_dev_dir())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(instansi.name, key.public_key(), ca_key, ca_cert, days=730, ca=False)
    return _make_seal(key, cert, [ca_cert], is_dev=True)


def _certificate(common_name: str, public_key, issuer_key, issuer_cert, *, days: int, ca: bool):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),  # fmt: skip
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pkcs12(common_name: str, password: bytes, *, days: int = 730) -> bytes:
    """A seal PKCS#12 signed by the development CA (tests and local trials of a file seal)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    ca_key, ca_cert = _dev_ca(_dev_dir())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(common_name, key.public_key(), ca_key, ca_cert, days=days, ca=False)
    return pkcs12.serialize_key_and_certificates(
        b"seal", key, cert, [ca_cert], BestAvailableEncryption(password)
    )


# --- Sealing ---------------------------------------------------------------------------------


@functools.cache
def _timestamper(url: str):
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


@functools.cache
def _writer_class():
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKeepingWriter(IncrementalPdfFileWriter):
        """pyHanko rewrites the document's XMP metadata with its own on every update, which
        drops WeasyPrint's PDF/A identification (pdfaid): the seal's update leaves the
        metadata as rendered, so the sealed file is still PDF/A-3b."""

        def _update_meta(self) -> None:
            pass

    return MetadataKeepingWriter


def seal_pdf(pdf: bytes, instansi, *, reason: str, location: str = "") -> bytes:
    """PAdES B-B (B-T with SEAL_TIMESTAMP_URL) certification seal over the whole document: any
    change after sealing, even one byte, breaks it."""
    out = io.BytesIO(pdf)
    seal_stream(out, instansi, reason=reason, location=location)
    return out.getvalue()


def seal_stream(stream, instansi, *, reason: str, location: str = "") -> None:
    """Seal a PDF in a seekable, writable binary stream in place (big merged files stay on
    disk)."""
    stream.seek(0)
    seal_writer(open_writer(stream), instansi, reason=reason, location=location)


def open_writer(stream):
    """A pyHanko incremental writer on a PDF in a seekable, writable stream: what is added
    through it is sealed with it by seal_writer(), in one revision."""
    return _writer_class()(stream, strict=False)


def seal_writer(writer, instansi, *, reason: str, location: str = "") -> None:
    """Seal the document of an open_writer(), with what was added through the writer, into
    the writer's stream."""
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

    seal = get_seal(instansi)
    meta = PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=instansi.name,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    url = settings.SEAL_TIMESTAMP_URL
    signer = PdfSigner(meta, signer=seal.signer, timestamper=_timestamper(url) if url else None)
    _outside_event_loop(signer.sign_pdf, writer, bytes_reserved=seal.bytes_reserved, in_place=True)


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous API runs asyncio.run(), which refuses to start inside a running
    event loop (an ASGI server, a test driving a browser): there, run it in a thread."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


# --- Validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealCheck:
    """The result of validating the seal of an uploaded PDF, for plain words on /v/."""

    found: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.found and self.intact and self.valid and self.trusted and self.whole_file


def trust_roots() -> list:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    roots = []
    if settings.SEAL_DEV_CA:
        der = dev_ca_certificate().public_bytes(serialization.Encoding.DER)
        roots.append(asn1_x509.Certificate.load(der))
    for name in settings.SEAL_TRUST_ROOTS:
        data = Path(name).read_bytes()
        if asn1_pem.detect(data):
            roots += [asn1_x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(data, True)]
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def validate(pdf: bytes) -> SealCheck:
    """Integrity, signer and signing time of the first seal in a PDF, offline (no fetching
    of revocation data: the result is what the document and the configured roots prove)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a broken or hostile upload: any parser error means "unreadable"
        log.info("seal validation: unreadable PDF: %s", exc)
        return SealCheck(found=False, error=_("Berkas tidak dapat dibaca sebagai PDF."))
    if not signatures:
        return SealCheck(found=False)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    try:
        result = _outside_event_loop(validate_pdf_signature, signatures[0], context)
    except Exception as exc:  # a malformed signature in a hostile upload: never a 500
        log.info("seal validation failed: %s", exc)
        return SealCheck(found=True, error=_("Segel ada, tetapi tidak dapat diperiksa."))
    return SealCheck(
        found=True,
        intact=result.intact,
        valid=result.valid,
        trusted=result.trusted,
        whole_file=result.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=_common_name(result.signing_cert),
        signed_at=result.timestamp_validity.timestamp
        if result.timestamp_validity is not None
        else result.signer_reported_dt,
        timestamped=result.timestamp_validity is not None,
    )


def _common_name(cert) -> str:
    native = cert.subject.native
    return (
        native.get("common_name")
        or native.get("organization_name")
        or (cert.subject.human_friendly)
    )
