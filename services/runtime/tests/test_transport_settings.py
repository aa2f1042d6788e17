"""Transport security settings: TLS files, the service token, Kafka SSL/SASL kwargs, the throwaway CA."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from cinemesh.runtime.config import ConfigError, KafkaSecurity, Settings
from cinemesh.runtime.pki import write_mesh_pki


def settings(**env: str) -> Settings:
    return Settings.from_env("video", env)


@pytest.fixture()
def pem(tmp_path: Path) -> str:
    path = tmp_path / "x.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)


# gRPC TLS and the service token ----------------------------------------------------------


def test_nothing_configured_is_plain_text() -> None:
    s = settings()
    assert not s.tls.serves_tls and not s.tls.mutual and s.service_token == "" and s.health_port == 0


def test_certificate_key_and_ca_mean_mtls(pem: str) -> None:
    s = settings(CINEMESH_TLS_CERT_FILE=pem, CINEMESH_TLS_KEY_FILE=pem, CINEMESH_TLS_CA_FILE=pem)
    assert s.tls.serves_tls and s.tls.mutual
    server_only = settings(CINEMESH_TLS_CERT_FILE=pem, CINEMESH_TLS_KEY_FILE=pem)
    assert server_only.tls.serves_tls and not server_only.tls.mutual


def test_certificate_without_key_or_missing_file_stops_the_service(pem: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CINEMESH_TLS_CERT_FILE and CINEMESH_TLS_KEY_FILE"):
        settings(CINEMESH_TLS_CERT_FILE=pem)
    with pytest.raises(ConfigError, match=r"CINEMESH_TLS_CA_FILE=.*not a readable file"):
        settings(CINEMESH_TLS_CA_FILE=str(tmp_path / "missing.pem"))


def test_service_token_must_be_long_and_stays_out_of_repr() -> None:
    with pytest.raises(ConfigError, match="CINEMESH_SERVICE_TOKEN"):
        settings(CINEMESH_SERVICE_TOKEN="short")
    token = "k" * 44
    assert settings(CINEMESH_SERVICE_TOKEN=token).service_token == token
    assert token not in repr(settings(CINEMESH_SERVICE_TOKEN=token))


# Kafka ----------------------------------------------------------------------------------

#: Every Kafka client the services build takes the same kwargs.
CLIENTS = (KafkaProducer, KafkaConsumer, KafkaAdminClient)


def _accepted_by_every_client(kwargs: dict[str, object]) -> None:
    for client in CLIENTS:
        unknown = set(kwargs) - set(client.DEFAULT_CONFIG)
        assert not unknown, f"{client.__name__} does not take {unknown}"


def test_kafka_defaults_to_plaintext() -> None:
    kwargs = settings().kafka_security.client_kwargs()
    assert kwargs == {"security_protocol": "PLAINTEXT"}
    _accepted_by_every_client(kwargs)


def test_kafka_ssl_with_ca_and_client_certificate(pem: str) -> None:
    security = KafkaSecurity.from_env(
        {
            "CINEMESH_KAFKA_SECURITY_PROTOCOL": "ssl",
            "CINEMESH_KAFKA_SSL_CAFILE": pem,
            "CINEMESH_KAFKA_SSL_CERTFILE": pem,
            "CINEMESH_KAFKA_SSL_KEYFILE": pem,
        }
    )
    kwargs = security.client_kwargs()
    assert kwargs == {
        "security_protocol": "SSL",
        "ssl_check_hostname": True,
        "ssl_cafile": pem,
        "ssl_certfile": pem,
        "ssl_keyfile": pem,
    }
    _accepted_by_every_client(kwargs)


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-512", "scram-sha-256"])
def test_kafka_sasl_ssl(mechanism: str, pem: str) -> None:
    security = KafkaSecurity.from_env(
        {
            "CINEMESH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "CINEMESH_KAFKA_SASL_MECHANISM": mechanism,
            "CINEMESH_KAFKA_SASL_USERNAME": "cinemesh",
            "CINEMESH_KAFKA_SASL_PASSWORD": "hunter2-hunter2",
            "CINEMESH_KAFKA_SSL_CAFILE": pem,
        }
    )
    kwargs = security.client_kwargs()
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == mechanism.upper()
    assert (kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == ("cinemesh", "hunter2-hunter2")
    assert kwargs["ssl_cafile"] == pem and kwargs["ssl_check_hostname"] is True
    _accepted_by_every_client(kwargs)
    assert "hunter2" not in repr(security) and "hunter2" not in repr(settings())


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CINEMESH_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "is not one of PLAINTEXT, SSL, SASL_SSL"),
        ({"CINEMESH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "SASL_SSL needs one of"),
        (
            {
                "CINEMESH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "CINEMESH_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                "CINEMESH_KAFKA_SASL_USERNAME": "u",
            },
            "CINEMESH_KAFKA_SASL_PASSWORD must be set",
        ),
        (
            {"CINEMESH_KAFKA_SASL_MECHANISM": "PLAIN", "CINEMESH_KAFKA_SASL_USERNAME": "u"},
            "SASL needs SASL_SSL",
        ),
        ({"CINEMESH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "CINEMESH_KAFKA_SASL_MECHANISM": "GSSAPI"}, "GSSAPI"),
    ],
)
def test_kafka_misconfiguration_stops_the_service(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(**env)


def test_kafka_ssl_files_without_ssl_are_refused(pem: str) -> None:
    with pytest.raises(ConfigError, match="PLAINTEXT"):
        settings(CINEMESH_KAFKA_SSL_CAFILE=pem)


# the embedded mesh's throwaway CA -------------------------------------------------------


def test_mesh_pki_issues_service_identities_signed_by_one_ca(tmp_path: Path) -> None:
    issued = write_mesh_pki(tmp_path / "tls", ("video", "cli"))
    ca = x509.load_pem_x509_certificate((tmp_path / "tls" / "ca.pem").read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for name, files in issued.items():
        cert = x509.load_pem_x509_certificate(files.cert_file.read_bytes())
        cert.verify_directly_issued_by(ca)
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"cinemesh-{name}"
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert "localhost" in sans.get_values_for_type(x509.DNSName)
        assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH} <= set(usages)
        assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
        assert files.key_file.stat().st_mode & 0o777 == 0o600
    assert not list((tmp_path / "tls").glob("ca.key")), "the CA's key never reaches the disk"
