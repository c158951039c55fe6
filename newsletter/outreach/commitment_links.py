"""The signed links through which a candidate states their position on one call: per candidate, call and version.

A link names the version the candidate read, so the answer is pinned to it. The links expire after
`COMMITMENT_LINK_MAX_AGE_SECONDS`; a tampered, foreign or expired link is refused (400 on the page).
"""

from dataclasses import dataclass

from django.urls import reverse

from pages.conf import pages_setting
from supporters.tokens import InvalidToken, make_token, read_token

from ..conf import newsletter_setting

COMMITMENT = "newsletter.commitment"


@dataclass(frozen=True)
class CommitmentLink:
    """What a commitment link says: who answers, about which call, having read which version."""

    candidate_id: int
    call_id: int
    version_id: int


def commitment_token(*, candidate_id: int, call_id: int, version_id: int) -> str:
    return make_token(COMMITMENT, {"k": candidate_id, "c": call_id, "v": version_id})


def read_commitment_token(token: str) -> CommitmentLink:
    """The link behind a valid token, else InvalidToken."""
    payload = read_token(COMMITMENT, token, max_age=newsletter_setting("COMMITMENT_LINK_MAX_AGE_SECONDS"))
    values = payload.get("k"), payload.get("c"), payload.get("v")
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise InvalidToken("malformed commitment token")
    return CommitmentLink(candidate_id=values[0], call_id=values[1], version_id=values[2])


class CommitmentLinkBuilder:
    """Absolute commitment URLs for many candidates and calls: the URL is reversed once."""

    _PLACEHOLDER = "TOKEN"

    def __init__(self):
        self._url = pages_setting("BASE_URL") + reverse("outreach:commitment", args=[self._PLACEHOLDER])

    def url(self, *, candidate_id: int, call_id: int, version_id: int) -> str:
        token = commitment_token(candidate_id=candidate_id, call_id=call_id, version_id=version_id)
        return self._url.replace(self._PLACEHOLDER, token)
