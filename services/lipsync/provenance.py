"""C2PA provenance: sign the finished MP4 with a manifest that says how it was made, and verify one.

The manifest carries the standard `c2pa.actions` assertion (created by a trained model) and our own
`com.cinemesh.generation` assertion (seed, plan hash, backends, measured A/V sync). c2pa-python hashes
the BMFF boxes, so any change to the media after signing shows up as `assertion.bmffHash.mismatch`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID

from cinemesh.runtime.config import ConfigError

ASSERTION_LABEL = "com.cinemesh.generation"
FORMAT = "video/mp4"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

# Codes that only say "this signer/TSA is not on a trust list": the manifest itself is intact.
TRUST_ONLY_CODES = frozenset({"signingCredential.untrusted", "timeStamp.untrusted"})


@dataclass(frozen=True)
class SigningIdentity:
    """An ES256 signing certificate chain and its private key, checked to belong together."""

    certificate_chain_pem: bytes  # leaf first, then CA
    private_key_pem: bytes  # ES256 (P-256) private key, PKCS#8 PEM

    def __post_init__(self) -> None:
        # c2pa's own errors for a bad pair are opaque ("the certificate is invalid", "signature does not
        # match") and only come at signing time; check here so a bad Secret fails at start-up, by name.
        try:
            chain = x509.load_pem_x509_certificates(self.certificate_chain_pem)
        except ValueError as err:
            raise ConfigError(f"signing certificate chain is not PEM X.509: {err}") from None
        try:
            key = serialization.load_pem_private_key(self.private_key_pem, password=None)
        except (ValueError, TypeError) as err:
            raise ConfigError(f"signing key is not an unencrypted PEM private key: {err}") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ConfigError("signing key must be an EC P-256 key (C2PA ES256)")
        leaf = chain[0]
        if leaf.public_key() != key.public_key():
            raise ConfigError(
                f"signing key does not match the first certificate in the chain ({leaf.subject.rfc4514_string()})"
            )
        extensions = {ext.oid for ext in leaf.extensions}
        for oid, name in (
            (ExtensionOID.SUBJECT_KEY_IDENTIFIER, "SubjectKeyIdentifier"),
            (ExtensionOID.AUTHORITY_KEY_IDENTIFIER, "AuthorityKeyIdentifier"),
            (ExtensionOID.EXTENDED_KEY_USAGE, "ExtendedKeyUsage"),
        ):
            if oid not in extensions:
                raise ConfigError(f"signing certificate lacks {name}, which C2PA requires")

    @classmethod
    def from_files(cls, chain: Path, key: Path) -> SigningIdentity:
        return cls(certificate_chain_pem=chain.read_bytes(), private_key_pem=key.read_bytes())


@dataclass(frozen=True)
class Verification:
    present: bool  # a manifest was found
    valid: bool  # no validation errors other than an untrusted signing credential
    errors: list[str]  # validation status codes that make it invalid (e.g. assertion.bmffHash.mismatch)
    trusted: bool  # False when the signer is not in a trust list (test roots)
    claim: dict[str, Any]  # our com.cinemesh.generation assertion data
    signer: str  # common name (else issuer) of the signing certificate, if available


def _manifest(title: str, claim: dict[str, Any]) -> dict[str, Any]:
    return {
        # claim v2 drops the legacy `claim_generator` string; this renders as "cinemesh/<version>"
        "claim_generator_info": [{"name": "cinemesh", "version": str(claim.get("generator_version", "unknown"))}],
        "title": title,
        "format": FORMAT,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}]},
            },
            {"label": ASSERTION_LABEL, "data": claim},
        ],
    }


def sign(source: Path, destination: Path, identity: SigningIdentity, claim: dict[str, Any]) -> None:
    """Write `source` plus an embedded C2PA manifest to `destination`.

    The signed file is written beside `destination` and renamed into place, so a failed signing never
    leaves a half-written MP4 (source and destination may be the same path).
    """
    info = c2pa.C2paSignerInfo(
        c2pa.C2paSigningAlg.ES256, identity.certificate_chain_pem, identity.private_key_pem, None
    )
    partial = destination.with_name(f".{destination.name}.c2pa-partial")
    try:
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(_manifest(destination.name, claim)) as builder,
            source.open("rb") as src,
            partial.open("w+b") as dst,
        ):
            builder.sign(signer, FORMAT, src, dst)
        partial.replace(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def verify(path: Path) -> Verification:
    """Read and validate the active manifest of the MP4 at `path`.

    A file without a manifest gives present=False, valid=False. One whose C2PA data cannot be parsed
    at all (damaged manifest box, not an MP4) gives the same, with the reader's message in `errors`.
    """
    try:
        with path.open("rb") as stream, c2pa.Reader(FORMAT, stream) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return Verification(present=False, valid=False, errors=[], trusted=False, claim={}, signer="")
    except c2pa.C2paError as err:
        return Verification(
            present=False, valid=False, errors=[f"unreadable: {err}"], trusted=False, claim={}, signer=""
        )

    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    # validation_status lists every failure code in the store (active manifest and ingredients)
    codes = [status["code"] for status in store.get("validation_status", [])]
    errors = [code for code in codes if code not in TRUST_ONLY_CODES]
    claim = next((a.get("data", {}) for a in manifest.get("assertions", []) if a.get("label") == ASSERTION_LABEL), {})
    info = manifest.get("signature_info", {})
    return Verification(
        present=bool(manifest),
        valid=bool(manifest) and not errors,
        errors=errors,
        # "Trusted" is the reader's state for a valid manifest whose signer chains to a trust anchor
        trusted=store.get("validation_state") == "Trusted",
        claim=claim,
        signer=info.get("common_name") or info.get("issuer") or "",
    )
