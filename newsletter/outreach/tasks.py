"""django-q2 entry points of the candidates' commitments: thin, they take ids and call a service."""

from .commitments import commitments_ask_again
from .digest import commitment_digest_send
from .services import reminders_send


def ask_again_about_changed_calls(version_id: int) -> int:
    return commitments_ask_again(version_id=version_id)


def send_commitment_digest() -> int:
    digest = commitment_digest_send()
    return digest.commitments if digest else 0


def send_reminders(mailing_id: int, days: int | None = None) -> int:
    return reminders_send(mailing_id=mailing_id, days=days)
