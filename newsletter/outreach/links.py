"""The signed answer links in outreach emails: who (contact), about which mailing, and which answer they chose."""

from dataclasses import dataclass

from django.urls import reverse

from pages.conf import pages_setting
from supporters.tokens import InvalidToken, make_token, read_token

from ..conf import newsletter_setting
from .models import AnswerChoice

ANSWER = "newsletter.answer"


@dataclass(frozen=True)
class AnswerLink:
    """What an answer link says: the contact, the mailing it came with, and the answer it proposes."""

    contact_id: int
    mailing_id: int
    answer: str


def answer_token(*, contact_id: int, mailing_id: int, answer: str) -> str:
    return make_token(ANSWER, {"c": contact_id, "m": mailing_id, "a": answer})


def read_answer_token(token: str) -> AnswerLink:
    """The link behind a valid token, else InvalidToken (they stay valid as long as newsletter links do)."""
    payload = read_token(ANSWER, token, max_age=newsletter_setting("LINK_MAX_AGE_SECONDS"))
    contact_id, mailing_id, answer = payload.get("c"), payload.get("m"), payload.get("a")
    if (
        not isinstance(contact_id, int)
        or not isinstance(mailing_id, int)
        or answer not in AnswerChoice.values
    ):
        raise InvalidToken("malformed answer token")
    return AnswerLink(contact_id=contact_id, mailing_id=mailing_id, answer=answer)


class AnswerLinkBuilder:
    """Absolute "yes" and "no" links for many recipients: the URL is reversed once."""

    _PLACEHOLDER = "TOKEN"

    def __init__(self):
        self._url = pages_setting("BASE_URL") + reverse("outreach:answer", args=[self._PLACEHOLDER])

    def url(self, *, contact_id: int, mailing_id: int, answer: str) -> str:
        token = answer_token(contact_id=contact_id, mailing_id=mailing_id, answer=answer)
        return self._url.replace(self._PLACEHOLDER, token)

    def both(self, *, contact_id: int, mailing_id: int) -> dict[str, str]:
        """The merge values `answer_yes_url` and `answer_no_url`."""
        return {
            f"answer_{name}_url": self.url(contact_id=contact_id, mailing_id=mailing_id, answer=value)
            for name, value in (("yes", AnswerChoice.YES), ("no", AnswerChoice.NO))
        }
