"""What became of each recipient a transport handed over: the vocabulary shared by the transport, which reports
it, and the ledger, which records it — so that neither imports the other."""

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    """What became of one recipient of a batch."""

    SENT = "sent"
    RETRY = "retry"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RecipientResult:
    """The outcome for one recipient, with the provider's message id or the error as the provider gave it."""

    delivery_id: int
    outcome: Outcome
    message_id: str = ""
    error: str = ""


class NotHandedOver(Exception):
    """Raised by a hand-over's `on_wire` callback to stop it before anything left for the provider."""
