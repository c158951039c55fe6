"""Signed, per-recipient reply addresses: `reactie+<reference>@<domain>` says what a reply answers.

A reference is short enough for an address's local part (RFC 5321: at most 64 characters) and survives mail
systems that change the case of addresses: a kind letter, a number and a truncated HMAC, all lower case.
Kinds are registered by whoever sends the mail (`c`: a change notice, sent here; `d`: a newsletter delivery,
registered by the newsletter app). `supporters` reads only the codec; what a reference points at is the
sender's business.
"""

import functools
import hashlib
import hmac
import re

from django.conf import settings

from .conf import supporters_setting

KINDS = {
    "c": "change notice",
    "d": "newsletter delivery (newsletter, candidate and party-leader mails)",
}
_SIGNATURE_LENGTH = 16
_REFERENCE = re.compile(r"^([a-z])(\d{1,18})-([0-9a-f]{" + str(_SIGNATURE_LENGTH) + r"})$")


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(f"kvm.reply-to:{secret}".encode()).digest()


def _signature(kind: str, pk: int) -> str:
    key = _key(settings.SECRET_KEY)  # a newsletter signs one address per recipient
    return hmac.new(key, f"{kind}{pk}".encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_LENGTH]


def reply_domain() -> str:
    return (supporters_setting("REPLY_DOMAIN") or "").strip().lower()


def plain_reply_address() -> str:
    """The address without a reference (`reactie@<domain>`), or "" when no reply domain is configured."""
    domain = reply_domain()
    return f"{supporters_setting('REPLY_LOCAL_PART')}@{domain}" if domain else ""


def reply_address(*, kind: str, pk: int) -> str:
    """The signed reply address for one recipient of one mail, or "" when no reply domain is configured."""
    if kind not in KINDS:
        raise ValueError(f"unknown reply kind {kind!r}")
    domain = reply_domain()
    if not domain:
        return ""
    local = supporters_setting("REPLY_LOCAL_PART")
    return f"{local}+{kind}{int(pk)}-{_signature(kind, int(pk))}@{domain}"


def reply_reference(address: str) -> tuple[str, int] | None:
    """(kind, pk) of a valid signed reply address; None for the plain address, other addresses or a bad signature."""
    local, _at, domain = (address or "").strip().lower().rpartition("@")
    if not local or domain != reply_domain():
        return None
    base, plus, reference = local.partition("+")
    if not plus or base != supporters_setting("REPLY_LOCAL_PART"):
        return None
    match = _REFERENCE.match(reference)
    if match is None or match.group(1) not in KINDS:
        return None
    kind, pk = match.group(1), int(match.group(2))
    if not hmac.compare_digest(match.group(3), _signature(kind, pk)):
        return None
    return kind, pk


def is_reply_address(address: str) -> bool:
    """Whether `address` is one of ours at the reply domain (signed or plain): a mail from it would be a loop."""
    local, _at, domain = (address or "").strip().lower().rpartition("@")
    base = local.partition("+")[0]
    return bool(domain) and domain == reply_domain() and base == supporters_setting("REPLY_LOCAL_PART")
