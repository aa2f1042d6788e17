"""Encryption at rest for cameo vectors (AES-256-GCM).

The key comes from configuration (a Kubernetes Secret in a cluster). The cameo
id is the associated data, so a sealed row copied onto another cameo does not
open.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cinemesh.runtime.auth import write_private
from cinemesh.runtime.config import ConfigError, Settings

_NONCE_BYTES = 12


class VaultError(Exception):
    """A sealed value does not open with this key (wrong key, or the data was altered)."""


class Vault:
    """Seals and opens byte strings bound to an id."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ConfigError(f"CINEMESH_CAMEO_KEY: the key must be 32 bytes (base64), got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        """The configured key, or (embedded mode only) one generated once under the state directory."""
        if settings.cameo_key:
            try:
                return cls(base64.b64decode(settings.cameo_key, validate=True))
            except binascii.Error as exc:
                raise ConfigError(
                    f"CINEMESH_CAMEO_KEY: not base64 ({exc}); make one with `openssl rand -base64 32`"
                ) from None
        if settings.deployment == "cluster":
            # A key per pod would make every cameo sealed by another replica, or before a restart, unreadable.
            raise ConfigError(
                "CINEMESH_CAMEO_KEY must be set in a cluster (CINEMESH_DEPLOYMENT=cluster): mount 32 random bytes, "
                "base64, from a Secret (`openssl rand -base64 32`; the chart's secrets.cameoKey)"
            )
        path = settings.state_dir / "cameo.key"
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # another replica made it first
                write_private(path, base64.b64encode(AESGCM.generate_key(bit_length=256)))
        return cls(base64.b64decode(path.read_bytes()))

    def seal(self, plaintext: bytes, bound_to: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, bound_to.encode())

    def open(self, sealed: bytes, bound_to: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], bound_to.encode())
        except InvalidTag:
            raise VaultError(f"the vectors of {bound_to} do not open with the configured CINEMESH_CAMEO_KEY") from None
