"""Encryption at rest for anonymous reports and attachments, and receipt codes.

* Content is sealed with AES-256-GCM (``cryptography``): 12 random bytes of nonce, then the
  ciphertext and tag. Not Fernet: a Fernet token carries its creation time to the second in
  clear, and anonymous reports must hold no time finer than the day.
* The key comes from ``CONVENOR_INTELLIGENCE_KEY`` (32 bytes, URL-safe base64). The demo and the
  tests, and only they, derive one from the secret key (HKDF, labelled), so they run without
  setting one; production refuses to start sealing without it.
* A receipt code is 120 random bits (``secrets``), shown once as 24 base32 characters in groups
  of four. Only ``HMAC-SHA256(receipt key, code)`` is stored: the code cannot be recovered from
  the database, and a stolen database cannot be searched for a known code without the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RECEIPT_BYTES = 15  # 120 bits of entropy (the issue asks for at least 80)
_RECEIPT_ALPHABET = re.compile(r"^[A-Z2-7]{24}$")


def _derived(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        settings.SECRET_KEY.encode()
    )


def content_key() -> bytes:
    configured = os.environ.get("CONVENOR_INTELLIGENCE_KEY", "").strip()
    if configured:
        try:
            key = base64.urlsafe_b64decode(configured)
        except (binascii.Error, ValueError) as problem:
            raise ImproperlyConfigured(
                "CONVENOR_INTELLIGENCE_KEY must be 32 bytes in URL-safe base64"
            ) from problem
        if len(key) != 32:
            raise ImproperlyConfigured("CONVENOR_INTELLIGENCE_KEY must be 32 bytes")
        return key
    if settings.DEMO or settings.TESTING or settings.DEBUG:
        return _derived(b"convenor intelligence content key (demo and tests only)")
    raise ImproperlyConfigured(
        "Set CONVENOR_INTELLIGENCE_KEY (32 random bytes, URL-safe base64) to store anonymous "
        "reports and intelligence attachments"
    )


def receipt_key() -> bytes:
    return _derived(b"convenor receipt code hash key") + content_key()


def seal(plaintext: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(content_key()).encrypt(nonce, plaintext, None)


def unseal(sealed: bytes) -> bytes:
    sealed = bytes(sealed)
    return AESGCM(content_key()).decrypt(sealed[:12], sealed[12:], None)


def seal_text(text: str) -> bytes:
    return seal(text.encode("utf-8"))


def unseal_text(sealed: bytes) -> str:
    return unseal(sealed).decode("utf-8")


def new_receipt_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECEIPT_BYTES)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_receipt_code(raw: str) -> str | None:
    """The code without spaces and dashes, upper case; None if it cannot be a receipt code."""
    cleaned = re.sub(r"[\s-]+", "", (raw or "")[:80]).upper()
    return cleaned if _RECEIPT_ALPHABET.match(cleaned) else None


def receipt_hash(code: str) -> str:
    normal = normalise_receipt_code(code) or ""
    return hmac.new(receipt_key(), normal.encode(), hashlib.sha256).hexdigest()
