"""Mailbox passwords at rest: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``),
keyed from the environment. MAILBOX_SECRET_KEY (a Fernet key) when set; otherwise a key
derived from SECRET_KEY, so a development setup works without one more variable.
A password is never rendered back: forms show only whether one is stored."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "MAILBOX_SECRET_KEY", "") or ""
    if not key:
        digest = hashlib.sha256(("mailchannels:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The stored secret, or "" when none is stored or the key changed (the channel then
    fails with "authentication failed" and the admin enters the password again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""
