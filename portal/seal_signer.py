"""pyHanko's SimpleSigner with the parts of a PAdES seal that never change encoded once.

A seal's CMS holds the signer's certificate and chain, the signer identifier, the algorithms and
the signing-certificate-v2 attribute (a hash of the seal certificate): the same bytes on every
document. pyHanko builds them as asn1crypto objects on every seal and serialises them again,
certificates included, which was four fifths of a seal's CPU (issue #18: a dozen certificates a
second per worker). Here they are encoded when the seal is loaded (portal.seals, once per
process) and each seal loads them back from those bytes, which asn1crypto does lazily, so
dumping them again copies bytes. The private key is likewise parsed once, not on every
signature. What pyHanko would write is unchanged: tests/test_documents_seal.py validates the
seals, and anything this class does not cover (another digest, CAdES attributes, a non-PDF
signature) goes through pyHanko's own code.
"""

from __future__ import annotations

from asn1crypto import algos, cms
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


class PrecomputedSigner(SimpleSigner):
    def __init__(self, *, private_key, digest_algorithm: str = "sha256", **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key  # a cryptography key object
        self._digest = digest_algorithm
        cert = self.signing_cert
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        self._mechanism_name = mechanism.signature_algo
        self._signature_algorithm = mechanism.dump()
        self._digest_algorithm = algos.DigestAlgorithm({"algorithm": digest_algorithm}).dump()
        self._content_type_attr = simple_cms_attribute("content_type", "data").dump()
        self._signing_cert_attr = simple_cms_attribute(
            "signing_certificate_v2", as_signing_certificate_v2(cert, digest_algorithm)
        ).dump()
        self._sid = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": cert.issuer, "serial_number": cert.serial_number}
                )
            }
        ).dump()
        # As pyHanko's _package_signature: the chain (roots included, embed_roots) and the
        # signer's own certificate, each once.
        certs = {c.dump(): c for c in self.cert_registry or ()}
        certs[cert.dump()] = cert
        self._certificates = [
            cms.CertificateChoices(name="certificate", value=c).dump() for c in certs.values()
        ]

    def _covers(self, digest_algorithm: str) -> bool:
        return digest_algorithm == self._digest and not self.attribute_certs

    async def signed_attrs(self, data_digest: bytes, digest_algorithm: str, attr_settings=None,
                           content_type="data", use_pades=False, timestamper=None,
                           dry_run=False, is_pdf_sig=True):  # fmt: skip
        cades = attr_settings is not None and attr_settings.cades_signed_attrs is not None
        if not (use_pades and is_pdf_sig and content_type == "data" and not cades
                and self._covers(digest_algorithm)):  # fmt: skip
            return await super().signed_attrs(
                data_digest, digest_algorithm, attr_settings=attr_settings,
                content_type=content_type, use_pades=use_pades, timestamper=timestamper,
                dry_run=dry_run, is_pdf_sig=is_pdf_sig,
            )  # fmt: skip
        # PAdES: content type, message digest and signing certificate v2, as pyHanko's
        # CAdESSignedAttributeProviderSpec gives them (the signing time is the PDF's /M).
        return cms.CMSAttributes(
            [
                cms.CMSAttribute.load(self._content_type_attr),
                simple_cms_attribute("message_digest", data_digest),
                cms.CMSAttribute.load(self._signing_cert_attr),
            ]
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = self._private_key
        if self._covers(digest_algorithm):
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if self._mechanism_name == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(hash_algo))
            if self._mechanism_name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, padding.PKCS1v15(), hash_algo)
        return super().sign_raw(data, digest_algorithm)

    def signer_info(self, digest_algorithm: str, signed_attrs, signature):
        if not self._covers(digest_algorithm):
            return super().signer_info(digest_algorithm, signed_attrs, signature)
        return cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(self._sid),
                "digest_algorithm": algos.DigestAlgorithm.load(self._digest_algorithm),
                "signature_algorithm": algos.SignedDigestAlgorithm.load(self._signature_algorithm),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )

    def _package_signature(self, *, digest_algorithm: str, cms_version, signed_attrs,
                           signature: bytes, unsigned_attrs, encap_content_info):  # fmt: skip
        if not self._covers(digest_algorithm) or encap_content_info is not None:
            return super()._package_signature(
                digest_algorithm=digest_algorithm, cms_version=cms_version,
                signed_attrs=signed_attrs, signature=signature, unsigned_attrs=unsigned_attrs,
                encap_content_info=encap_content_info,
            )  # fmt: skip
        signer_info = self.signer_info(digest_algorithm, signed_attrs, signature)
        if unsigned_attrs is not None:
            signer_info["unsigned_attrs"] = unsigned_attrs
        signed_data = cms.SignedData(
            {
                "version": cms_version,
                "digest_algorithms": cms.DigestAlgorithms(
                    [algos.DigestAlgorithm.load(self._digest_algorithm)]
                ),
                "encap_content_info": {"content_type": "data"},
                "certificates": [cms.CertificateChoices.load(c) for c in self._certificates],
                "signer_infos": [signer_info],
            }
        )
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
