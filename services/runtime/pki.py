"""A throwaway certificate authority for the embedded mesh (`cinemesh up --tls`).

It makes one CA and, per service, a certificate that is both a TLS server
certificate (SANs `localhost`, `127.0.0.1` and the service's name) and a client
certificate whose common name is the service identity `cinemesh-<service>`,
which internal RPCs check (see `access.py`). The CA's private key never touches
the disk: once the certificates are issued it is dropped, so nobody can mint
another identity for this mesh. A cluster gets its certificates from Secrets or
cert-manager instead (chart value `tls`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from cinemesh.runtime.auth import write_private

#: Prefix of every service identity: the common name of service `video` is `cinemesh-video`.
IDENTITY_PREFIX = "cinemesh-"
#: How long the embedded mesh's certificates stay valid.
VALIDITY = dt.timedelta(days=30)
#: Hosts every embedded-mesh certificate is valid for (the mesh listens on 127.0.0.1 only).
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def identity_of(service: str) -> str:
    return f"{IDENTITY_PREFIX}{service}"


@dataclass(frozen=True)
class IssuedFiles:
    """Where one certificate and its key were written (PEM)."""

    cert_file: Path
    key_file: Path


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


class ThrowawayCa:
    """A self-signed ECDSA P-256 CA held in memory; issues leaf certificates for services and clients."""

    def __init__(self, name: str = "cinemesh embedded mesh CA") -> None:
        self._key = _key()
        now = dt.datetime.now(dt.UTC)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, hosts: tuple[str, ...] = LOCAL_HOSTS) -> tuple[bytes, bytes]:
        """(certificate PEM, private key PEM) for `common_name`, a server and client certificate valid for `hosts`."""
        key = _key()
        now = dt.datetime.now(dt.UTC)
        names = [_san(host) for host in dict.fromkeys((*hosts, common_name))]
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        return certificate.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def write_mesh_pki(folder: Path, names: tuple[str, ...]) -> dict[str, IssuedFiles]:
    """A fresh CA (`folder/ca.pem`) and a certificate per name (`folder/<name>.pem`, key `<name>.key`, mode 0600)
    whose identity is `cinemesh-<name>`; any earlier files there are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    ca = ThrowawayCa()
    (folder / "ca.pem").write_bytes(ca.pem)
    issued: dict[str, IssuedFiles] = {}
    for name in names:
        cert, key = ca.issue(identity_of(name))
        files = IssuedFiles(folder / f"{name}.pem", folder / f"{name}.key")
        files.cert_file.write_bytes(cert)
        files.key_file.unlink(missing_ok=True)
        write_private(files.key_file, key)
        issued[name] = files
    return issued
