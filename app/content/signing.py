"""Ed25519 signatures over published procedures and withdrawals (tombstones).

The publisher (the central service's admin, `pasapas server publish`) signs; the kiosk verifies
with the public key it pinned at enrolment. What is signed is the canonical JSON of
`{"id", "version", "withdrawn", "document"}`, so neither a document nor a withdrawal can be forged
or replayed under another id or version. Keys travel as base64 of their 32 raw bytes; a key id is
the first 16 hex digits of the SHA-256 of the raw public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _

SIGNATURE_CONTEXT = "pasapas.content-signature/1"


class SignatureError(PasapasError):
    """A signature, or a key, is missing, malformed, unknown or does not match."""


def signed_bytes(procedure_id: str, version: int, document: str | None, withdrawn: bool) -> bytes:
    """The exact bytes a signature covers."""
    message = {
        "context": SIGNATURE_CONTEXT,
        "id": procedure_id,
        "version": version,
        "withdrawn": bool(withdrawn),
        "document": document,
    }
    return json.dumps(message, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class PublicKey:
    """A pinned publisher key: its id and its 32 raw bytes, as base64."""

    key_id: str
    public_key: str

    @classmethod
    def from_base64(cls, value: str) -> PublicKey:
        raw = _decode(value, 32)
        if raw is None:
            raise SignatureError(_("La clé de l'éditeur est illisible."))
        return cls(key_id(raw), value)

    def verify(
        self,
        procedure_id: str,
        version: int,
        document: str | None,
        withdrawn: bool,
        signature: str,
        signed_by: str,
    ) -> None:
        """Raise `SignatureError` unless `signature` is this key's signature of the item."""
        if signed_by != self.key_id:
            raise SignatureError(
                _("« {id} » est signée par une clé inconnue ({key}).").format(
                    id=procedure_id, key=signed_by
                )
            )
        raw_signature = _decode(signature, 64)
        if raw_signature is None:
            raise SignatureError(_("« {id} » : signature illisible.").format(id=procedure_id))
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))
        try:
            public.verify(raw_signature, signed_bytes(procedure_id, version, document, withdrawn))
        except InvalidSignature:
            raise SignatureError(
                _("« {id} » : la signature ne correspond pas au contenu.").format(id=procedure_id)
            ) from None


class PrivateKey:
    """The publisher's signing key (kept by the central service's admin, never by a kiosk)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = PublicKey(key_id(raw), base64.b64encode(raw).decode("ascii"))

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> PrivateKey:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise SignatureError(_("Ce fichier n'est pas une clé d'éditeur valable.")) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SignatureError(_("Ce fichier n'est pas une clé d'éditeur valable."))
        return cls(key)

    def to_pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(self, procedure_id: str, version: int, document: str | None, withdrawn: bool) -> str:
        signature = self._key.sign(signed_bytes(procedure_id, version, document, withdrawn))
        return base64.b64encode(signature).decode("ascii")


def _decode(value: object, size: int) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == size else None
