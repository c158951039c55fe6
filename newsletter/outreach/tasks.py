"""django-q2 entry points of the candidates' commitments: thin, they take ids and call a service."""

from .commitments import commitments_ask_again
from .digest import commitment_digest_send


def ask_again_about_changed_calls(version_id: int) -> int:
    return commitments_ask_again(version_id=version_id)


def send_commitment_digest() -> int:
    digest = commitment_digest_send()
    return digest.commitments if digest else 0
