"""Secrets kept in the database encrypted at rest (an identity provider's client secret).

Fernet (the ``cryptography`` package: AES-128-CBC with an HMAC-SHA256, a timestamp and a
version byte) rather than anything written here. The key comes from the environment:
``FIELD_ENCRYPTION_KEYS``, Fernet keys separated by commas (``Fernet.generate_key()``),
the first one encrypting and every one decrypting, so a key is rotated by putting the new
one first. Without that setting a key is derived from SECRET_KEY with HKDF (its own
``info``, so it is no other use's key): a database dump alone then reveals no secret, and
changing SECRET_KEY makes the stored secrets unreadable (they are typed in again).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derived_key(secret: str) -> bytes:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"sportello.field-encryption"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(key)


@functools.cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    chosen = [k.encode() for k in keys if k] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(k) for k in chosen])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The clear text; "" for nothing stored or a token no key of ours opens."""
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""
