"""The audit key (CONVENOR_AUDIT_KEY, kept outside the database) and the MACs made with it.

Entries and checkpoints use keys derived from it for their own purpose, so a value made for one
can never pass as the other.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _derived(purpose: bytes, key: bytes | None = None) -> bytes:
    base = key if key is not None else settings.CONVENOR_AUDIT_KEY.encode()
    return hmac.new(base, b"convenor-audit:" + purpose, hashlib.sha256).digest()


def entry_mac(content: bytes, key: bytes | None = None) -> str:
    return hmac.new(_derived(b"entry", key), content, hashlib.sha256).hexdigest()


def checkpoint_mac(content: bytes, key: bytes | None = None) -> str:
    return hmac.new(_derived(b"checkpoint", key), content, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
