"""Development signing: a throwaway CA and leaf for the embedded mesh and the tests, never for production.

A deployment signs with the certificate chain and key from its Secret (`CINEMESH_C2PA_CERT_CHAIN`,
`CINEMESH_C2PA_PRIVATE_KEY`); without them the embedded mesh still signs every file, with this.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from cinemesh.lipsync.provenance import SigningIdentity


def throwaway_identity(directory: Path) -> SigningIdentity:
    """A throwaway test CA and ES256 leaf in `directory`/chain.pem and key.pem (production keys come from a Secret).

    The leaf carries what c2pa-python checks: KeyUsage digitalSignature, EKU emailProtection, and SKI/AKI
    (without them it answers "the certificate is invalid"). Readers report it as untrusted.
    """
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cinemesh test CA")])
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "cinemesh test signer"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cinemesh"),
        ]
    )

    def builder(subject: x509.Name, key: ec.EllipticCurvePrivateKey) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )

    ca = (
        builder(ca_name, ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        builder(leaf_name, leaf_key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    chain_pem = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    key_pem = leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "chain.pem").write_bytes(chain_pem)
    (directory / "key.pem").write_bytes(key_pem)
    (directory / "key.pem").chmod(0o600)
    return SigningIdentity(certificate_chain_pem=chain_pem, private_key_pem=key_pem)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    """digitalSignature for the leaf; keyCertSign + cRLSign for the CA."""
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
