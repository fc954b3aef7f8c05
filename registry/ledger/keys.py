"""The log's Ed25519 signing key: created once, kept in a 0600 file, never logged or served."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PRIVATE_FILE_MODE = 0o600
DERIVED_KEY_BYTES = 32


def derive_secret(private_key: Ed25519PrivateKey, info: bytes) -> bytes:
    """A secret for one purpose (``info`` labels it): HKDF-SHA256 (RFC 5869) of the log key's
    Ed25519 seed. It reveals nothing about the signing key, and one purpose's secret is never
    another's, so the server has one key to keep, not one per use."""
    seed = private_key.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )
    hkdf = HKDF(algorithm=hashes.SHA256(), length=DERIVED_KEY_BYTES, salt=None, info=info)
    return hkdf.derive(seed)


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """Read the PKCS#8 PEM key at ``path``, creating it (mode 0600, exclusively) if missing."""
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    try:
        # O_EXCL: two processes starting at once must not each write a different key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return _load(path)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def _load(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} does not hold an Ed25519 private key")
    return key
