"""Signed, expiring, per-purpose tokens for links in emails (confirm, export, erase, answer …).

A token signed for one purpose never validates for another (the purpose is the signing salt). Signed is not
secret: a token's payload is readable base64, and URLs end up in access logs and browser histories. So a token
carries ids, never an email address; where there is no row to point at (an export or erasure request for any
address), the address goes in sealed: encrypted and authenticated with a key derived from SECRET_KEY (`seal`).
"""

import base64
import hashlib
import hmac
import json
import time
import zlib
from typing import Any

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken as InvalidSeal
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from .conf import supporters_setting


class InvalidToken(Exception):
    """The token was tampered with, made for another purpose, or has expired."""


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=f"kvm.{purpose}", compress=True)


class TokenMaker:
    """Makes many tokens of one purpose, each the very string `make_token` gives (and `read_token` reads).

    A newsletter signs one token per recipient; through `django.core.signing` each costs a key derivation, a
    serializer and a clock read, which was a tenth of a sender's time. Here the key is derived once and the
    keyed HMAC copied per token. Any change to Django's token format fails `tests/supporters/test_tokens_and_queue.py`.
    """

    def __init__(self, purpose: str):
        salt = f"kvm.{purpose}".encode() + b"signer"
        key = hashlib.sha256(salt + settings.SECRET_KEY.encode()).digest()
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)
        self._second = -1
        self._stamp = ""

    def make(self, payload: dict[str, Any]) -> str:
        data = json.dumps(payload, separators=(",", ":")).encode("latin-1")
        compressed = zlib.compress(data)
        value = signing.b64_encode(data).decode()
        if len(compressed) < len(data) - 1:
            value = "." + signing.b64_encode(compressed).decode()
        second = int(time.time())
        if second != self._second:
            self._second, self._stamp = second, signing.b62_encode(second)
        value = f"{value}:{self._stamp}"
        signature = self._keyed.copy()
        signature.update(value.encode())
        return f"{value}:{signing.b64_encode(signature.digest()).decode()}"


def read_token(purpose: str, token: str, *, max_age: int | None = None) -> dict[str, Any]:
    """The payload of a valid token, else InvalidToken. Default lifetime: TOKEN_MAX_AGE_SECONDS (7 days)."""
    if not token or len(token) > 2000:
        raise InvalidToken("empty or oversized token")
    try:
        payload = signing.loads(
            token,
            salt=f"kvm.{purpose}",
            max_age=max_age if max_age is not None else supporters_setting("TOKEN_MAX_AGE_SECONDS"),
        )
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError) as error:
        raise InvalidToken(str(error)) from error
    if not isinstance(payload, dict):
        raise InvalidToken("payload is not a dict")
    return payload


def _fernet(purpose: str) -> Fernet:
    key = salted_hmac(f"kvm.seal.{purpose}", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, text: str) -> str:
    """`text` encrypted for `purpose` (AES with an HMAC, Fernet): unreadable and tamper-evident."""
    return _fernet(purpose).encrypt(text.encode()).decode()


def unseal(purpose: str, sealed: str) -> str:
    """The text `seal(purpose, …)` made, else InvalidToken."""
    try:
        return _fernet(purpose).decrypt(str(sealed).encode()).decode()
    except (InvalidSeal, UnicodeError, ValueError, TypeError) as error:
        raise InvalidToken("not sealed for this purpose") from error
