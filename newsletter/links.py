"""The signed links in newsletter emails: confirm a subscription, open one's preferences, unsubscribe.

Built on `supporters.tokens` (per-purpose salt). A recipient link is unique to the person and the list (audience)
the email came from; the same token serves the preference page and the one-click unsubscribe URL.
"""

from dataclasses import dataclass

from django.urls import reverse

from pages.conf import pages_setting
from supporters.tokens import InvalidToken, TokenMaker, make_token, read_token

from .conf import newsletter_setting

CONFIRM = "newsletter.confirm"
RECIPIENT = "newsletter.recipient"


@dataclass(frozen=True)
class RecipientLink:
    """What a recipient link says: which subscriber, and which list ("" when it came from no particular list)."""

    subscriber_id: int
    audience_key: str


def confirm_token(*, subscriber_id: int, nonce: str) -> str:
    return make_token(CONFIRM, {"s": subscriber_id, "n": nonce})


def read_confirm_token(token: str) -> tuple[int, str]:
    """(subscriber id, nonce) of a valid confirmation token, else InvalidToken (7 days by default)."""
    payload = read_token(CONFIRM, token)
    subscriber_id, nonce = payload.get("s"), payload.get("n")
    if not isinstance(subscriber_id, int) or not isinstance(nonce, str) or not nonce:
        raise InvalidToken("malformed confirmation token")
    return subscriber_id, nonce


def recipient_token(*, subscriber_id: int, audience_key: str = "") -> str:
    return make_token(RECIPIENT, {"s": subscriber_id, "l": audience_key})


def read_recipient_token(token: str) -> RecipientLink:
    payload = read_token(RECIPIENT, token, max_age=newsletter_setting("LINK_MAX_AGE_SECONDS"))
    subscriber_id, key = payload.get("s"), payload.get("l", "")
    if not isinstance(subscriber_id, int) or not isinstance(key, str):
        raise InvalidToken("malformed recipient token")
    return RecipientLink(subscriber_id=subscriber_id, audience_key=key)


class LinkBuilder:
    """Absolute links for many recipients at once: the URL patterns are reversed once, not per person."""

    _PLACEHOLDER = "TOKEN"

    def __init__(self):
        base = pages_setting("BASE_URL")
        self._unsubscribe = base + reverse("newsletter:unsubscribe", args=[self._PLACEHOLDER])
        self._preferences = base + reverse("newsletter:preferences", args=[self._PLACEHOLDER])
        self._confirm = base + reverse("newsletter:confirm", args=[self._PLACEHOLDER])
        self.preferences_request = base + reverse("newsletter:preferences_request")
        self._mailto = newsletter_setting("UNSUBSCRIBE_MAILTO")  # read once: it was 5 % of a sender's time
        self._recipient_tokens: TokenMaker | None = None

    def recipient_token(self, *, subscriber_id: int, audience_key: str = "") -> str:
        """`recipient_token(...)` for one recipient of many: the same token, signed without Django's per-call
        set-up (see `supporters.tokens.TokenMaker`)."""
        if self._recipient_tokens is None:
            self._recipient_tokens = TokenMaker(RECIPIENT)
        return self._recipient_tokens.make({"s": subscriber_id, "l": audience_key})

    def unsubscribe(self, token: str) -> str:
        return self._unsubscribe.replace(self._PLACEHOLDER, token)

    def preferences(self, token: str) -> str:
        return self._preferences.replace(self._PLACEHOLDER, token)

    def confirm(self, token: str) -> str:
        return self._confirm.replace(self._PLACEHOLDER, token)

    def list_unsubscribe_header(self, token: str) -> str:
        """RFC 2369 List-Unsubscribe: the one-click https URL (RFC 8058) first, then a mailto."""
        return f"<{self.unsubscribe(token)}>, <mailto:{self._mailto}?subject=afmelden>"
