"""Signed, expiring, per-purpose tokens for links in emails (confirm, export, erase, answer …).

A token signed for one purpose never validates for another (the purpose is the signing salt).
"""

from typing import Any

from django.core import signing

from .conf import supporters_setting


class InvalidToken(Exception):
    """The token was tampered with, made for another purpose, or has expired."""


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=f"kvm.{purpose}", compress=True)


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
