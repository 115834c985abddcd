"""Secrets at rest: provider credentials and the like, encrypted with Fernet.

The keys derive from SECRET_KEY and SECRET_KEY_FALLBACKS (HKDF-SHA256), so rotating the
secret key the Django way keeps old values readable: put the old key in
DULI_SECRET_KEY_FALLBACKS, set the new one, run `duli manage secrets_rotate`, then drop
the fallback. docs/operations.md has the steps.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The value was encrypted with a key that is no longer configured."""


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"duli.secrets.v1").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(s) for s in secrets])


def secret_encrypt(data: dict[str, Any]) -> str:
    """A token holding `data`; empty for an empty dict."""
    if not data:
        return ""
    return _keys().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def secret_decrypt(token: str) -> dict[str, Any]:
    if not token:
        return {}
    try:
        value = json.loads(_keys().decrypt(token.encode()))
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted: was SECRET_KEY changed without keeping the "
            "old one in DULI_SECRET_KEY_FALLBACKS?"
        ) from exc
    return value if isinstance(value, dict) else {}


def secret_rotate(token: str) -> str:
    """The same secret re-encrypted with the current key."""
    return _keys().rotate(token.encode()).decode() if token else ""


def secret_hint(value: str) -> str:
    """What the dashboard shows of a stored secret: its length in dots and the last four."""
    if not value:
        return ""
    tail = value.strip()[-4:] if len(value.strip()) > 8 else ""
    return f"••••••••{tail}"
