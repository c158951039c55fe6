"""Transport: the only code that touches `django.core.mail` and anymail.

`Transport.deliver(batch)` hands one batch (one rendered variant, many recipients) to the configured backend and
reports, per recipient, one of four outcomes: sent, retry (the provider did not take it; safe to send again),
rejected (permanent, for this address) or unknown (the provider may have taken it: never resend on our own).

Two ways to hand a batch over, chosen from the configured backend (see `merge_field_format`):

- provider-side merging: ONE API call per batch with the variant once and each recipient's values as merge
  data (anymail's batch sending: Postmark's bulk API, Mailgun's recipient variables). This is what makes
  100,000 recipients a matter of seconds: the HTML travels once per 500 people, not once per person.
- one message per recipient, personalised here (SMTP, the outbox, SES without templates, any other backend).
"""

import re
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import make_msgid
from pathlib import Path

import requests
import requests.adapters
from anymail.backends.base import AnymailBaseBackend
from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from .conf import newsletter_setting
from .outcomes import NotHandedOver, Outcome, RecipientResult
from .render import MailTemplate, RenderedEmail, markers_replaced

try:  # boto3 (anymail's Amazon SES backend) is an optional extra
    from botocore.config import Config as BotoConfig
    from botocore.exceptions import HTTPClientError as BotoHTTPClientError
except ImportError:  # pragma: no cover
    BotoConfig, BotoHTTPClientError = None, ()

# anymail backends whose batch sending merges per-recipient values into one body, and their merge syntax
# (raw, unescaped substitution: values are escaped by `render` where needed).
# Keyed by anymail's `esp_name`, so a subclass of a provider's backend keeps its provider-side merging.
KNOWN_MERGE_FORMATS = {
    "Postmark": "{{{%s}}}",  # only with POSTMARK_USE_BULK_API
    "Mailgun": "%%recipient.%s%%",
}
SENT_STATUSES = {"sent", "queued", "scheduled", "unknown"}
REJECTED_STATUSES = {"rejected", "invalid"}


@dataclass(frozen=True)
class OutgoingRecipient:
    """One recipient of a batch: their address, merge values (see `render.MERGE_FIELDS`) and own headers."""

    delivery_id: int
    email: str
    name: str
    values: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingBatch:
    """One variant for many recipients, with the headers and metadata every message of it carries."""

    template: MailTemplate
    recipients: list[OutgoingRecipient]
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tag: str = "nieuwsbrief"


def merge_field_format(connection) -> str | None:
    """The provider's merge syntax for this backend, or None to personalise each message here."""
    configured = newsletter_setting("MERGE_FIELD_FORMAT")
    if configured is not None:
        return configured or None
    if not isinstance(connection, AnymailBaseBackend):
        return None
    esp_name = getattr(connection, "esp_name", "")
    if esp_name == "Postmark" and not getattr(connection, "use_bulk_api", False):
        return None
    return KNOWN_MERGE_FORMATS.get(esp_name)


def address(name: str, email: str) -> str:
    """`"Name" <email>` with the name on one line and quoted, so no name can add a header or a recipient."""
    name = " ".join((name or "").split()).replace("\\", "").replace('"', "'")
    return f'"{name}" <{email}>' if name else email


def classify_error(error: BaseException) -> Outcome:
    """Whether a failed hand-over may be retried, is permanent for the address, or has an unknown outcome.

    A response that never came (read time-out, connection dropped after sending) is unknown: the provider may
    have accepted the message. Only errors that prove the provider did not take it are retried.
    """
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress | smtplib.SMTPRecipientsRefused):
        return Outcome.REJECTED
    if isinstance(error, requests.ConnectTimeout):
        return Outcome.RETRY
    if isinstance(error, requests.Timeout):
        return Outcome.UNKNOWN
    if isinstance(error, requests.ConnectionError):
        text = str(error.__cause__ or error)
        refused = "NewConnectionError" in text or "Connection refused" in text or "Name or service" in text
        return Outcome.RETRY if refused else Outcome.UNKNOWN
    if isinstance(error, AnymailAPIError) and isinstance(error.__cause__, BotoHTTPClientError):
        return Outcome.UNKNOWN  # boto3 (SES): the request went out, its answer did not come (read time-out …)
    if isinstance(error, AnymailAPIError):
        return Outcome.RETRY  # the provider answered: it did not take the message (5xx, 429, 4xx …)
    if isinstance(error, AnymailError):
        return Outcome.RETRY  # raised before anything left (configuration, unsupported feature)
    if isinstance(error, smtplib.SMTPServerDisconnected | socket.timeout):
        return Outcome.UNKNOWN
    if isinstance(error, smtplib.SMTPException | ConnectionRefusedError):
        return Outcome.RETRY
    return Outcome.UNKNOWN


def _error_text(error: BaseException, message=None) -> str:
    """The error as the editor should read it, with the provider's own answer where there was one."""
    text = f"{type(error).__name__}: {error}"
    status = getattr(error, "status_code", None)
    if status and str(status) not in text:
        text = f"HTTP {status} — {text}"
    response = getattr(getattr(message, "anymail_status", None), "esp_response", None)
    if response is not None and getattr(response, "text", "") and response.text[:100] not in text:
        text = f"{text} — {response.text}"
    return text[:2000]


def _without_boto_resends(connection) -> None:
    """One attempt per hand-over for anymail's SES backend (before it opens its client): botocore by itself
    resends a call whose answer timed out, and for SendEmail that is the same mail again. The ledger retries
    what provably did not arrive, and leaves the rest to the editor."""
    params = getattr(connection, "client_params", None)
    if getattr(connection, "esp_name", "") == "Amazon SES" and isinstance(params, dict) and BotoConfig:
        once = BotoConfig(retries={"total_max_attempts": 1})
        params["config"] = params["config"].merge(once) if params.get("config") else once


class WireHook(requests.adapters.HTTPAdapter):
    """requests' transport adapter for an anymail backend's session: runs `before` once, when a hand-over's first
    request is built and encoded and about to go out, so that what it does covers the network call only."""

    def __init__(self):
        super().__init__()
        self.before: Callable[[], None] | None = None

    def send(self, request, **kwargs):
        if self.before is not None:
            before, self.before = self.before, None
            before()
        return super().send(request, **kwargs)


class Transport:
    """Hands batches to the configured email backend over one open connection (use as a context manager)."""

    def __init__(self, connection=None):
        self.connection = connection or get_connection()
        self.format = merge_field_format(self.connection)
        self.wire: WireHook | None = None
        _without_boto_resends(self.connection)

    def __enter__(self) -> "Transport":
        self.connection.open()
        session = getattr(self.connection, "session", None)  # anymail's requests-based backends
        if isinstance(session, requests.Session):
            self.wire = WireHook()
            session.mount("https://", self.wire)
            session.mount("http://", self.wire)
        return self

    def __exit__(self, *exc_info) -> None:
        self.connection.close()

    @property
    def merges_at_provider(self) -> bool:
        return self.format is not None

    def deliver(
        self, batch: OutgoingBatch, *, on_wire: Callable[[], None] | None = None
    ) -> list[RecipientResult]:
        """Hand the batch over and say what became of each recipient. `on_wire` runs once, just before the first
        request leaves (for backends without a requests session, such as SES's boto3 and SMTP: before the backend
        is called); it may stop the hand-over by raising `NotHandedOver`, which propagates."""
        if not batch.recipients:
            return []
        if on_wire is not None:
            if self.wire is not None:
                self.wire.before = on_wire
            else:
                on_wire()
        try:
            if self.format is not None:
                return self._deliver_merged(batch)
            return [self._deliver_one(batch, recipient) for recipient in batch.recipients]
        finally:
            if self.wire is not None:
                self.wire.before = None

    # -- one API call for the whole batch, merged by the provider --

    def _esp_content(self, content: str, *, is_html: bool) -> str:
        if "{{" in self.format:
            # Mustache-style providers would read a literal "{{" in the document as a tag.
            content = content.replace("{{", "&#123;&#123;" if is_html else "{\u200b{")
        return markers_replaced(content, lambda field: self.format % field)

    def _deliver_merged(self, batch: OutgoingBatch) -> list[RecipientResult]:
        message = AnymailMessage(
            subject=batch.template.subject,
            body=self._esp_content(batch.template.text, is_html=False),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address(r.name, r.email) for r in batch.recipients],
            headers=dict(batch.headers),
            metadata=dict(batch.metadata),
            tags=[batch.tag],
            merge_data={r.email: r.values for r in batch.recipients},
            merge_headers={r.email: r.headers for r in batch.recipients if r.headers},
            merge_metadata={r.email: {"kvm_delivery": str(r.delivery_id)} for r in batch.recipients},
        )
        message.attach_alternative(self._esp_content(batch.template.html, is_html=True), "text/html")
        try:
            self.connection.send_messages([message])
        except NotHandedOver:
            raise
        except Exception as error:
            outcome, text = classify_error(error), _error_text(error, message)
            statuses = getattr(getattr(message, "anymail_status", None), "recipients", {}) or {}
            results = []
            for r in batch.recipients:
                status = statuses.get(r.email)
                if (
                    outcome is Outcome.REJECTED
                    and status is not None
                    and status.status not in REJECTED_STATUSES
                ):
                    results.append(RecipientResult(r.delivery_id, Outcome.RETRY, error=text))
                else:
                    results.append(RecipientResult(r.delivery_id, outcome, error=text))
            return results
        statuses = message.anymail_status.recipients
        results = []
        for r in batch.recipients:
            status = statuses.get(r.email)
            if status is None or status.status in SENT_STATUSES:
                message_id = (status.message_id if status else None) or message.anymail_status.message_id
                results.append(RecipientResult(r.delivery_id, Outcome.SENT, message_id=str(message_id or "")))
            elif status.status in REJECTED_STATUSES:
                results.append(RecipientResult(r.delivery_id, Outcome.REJECTED, error=status.status))
            else:
                results.append(
                    RecipientResult(r.delivery_id, Outcome.RETRY, error=f"provider: {status.status}")
                )
        return results

    # -- one message per recipient, personalised here --

    def _deliver_one(self, batch: OutgoingBatch, recipient: OutgoingRecipient) -> RecipientResult:
        def fill(content: str) -> str:
            return markers_replaced(content, lambda field: recipient.values.get(field, ""))

        headers = {**batch.headers, **recipient.headers}
        message_id = ""
        if not isinstance(self.connection, AnymailBaseBackend):
            # SMTP and files: our own Message-ID is the only id there is (providers set theirs).
            message_id = headers["Message-ID"] = make_msgid(domain=newsletter_setting("LIST_ID_DOMAIN"))
        message = AnymailMessage(
            subject=batch.template.subject,
            body=fill(batch.template.text),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address(recipient.name, recipient.email)],
            headers=headers,
            metadata={**batch.metadata, "kvm_delivery": str(recipient.delivery_id)},
            tags=[batch.tag],
        )
        message.attach_alternative(fill(batch.template.html), "text/html")
        try:
            self.connection.send_messages([message])
        except NotHandedOver:
            raise
        except Exception as error:
            return RecipientResult(
                recipient.delivery_id, classify_error(error), error=_error_text(error, message)
            )
        status = getattr(message, "anymail_status", None)
        if status is not None and status.recipients:
            one = status.recipients.get(recipient.email)
            if one is not None and one.status in REJECTED_STATUSES:
                return RecipientResult(recipient.delivery_id, Outcome.REJECTED, error=one.status)
            provider_id = (one.message_id if one else None) or status.message_id
            return RecipientResult(
                recipient.delivery_id, Outcome.SENT, message_id=str(provider_id or message_id)
            )
        return RecipientResult(recipient.delivery_id, Outcome.SENT, message_id=message_id)


def send_email(
    rendered: RenderedEmail, *, to: str, name: str = "", headers: dict[str, str] | None = None
) -> None:
    """Send one transactional email (a confirmation link, a test send) now; errors propagate to the caller."""
    message = AnymailMessage(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address(name, to)],
        headers=headers or {},
        tags=["transactioneel"],
    )
    message.attach_alternative(rendered.html, "text/html")
    message.send()


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message as a complete .eml file (all headers and MIME parts) into EMAIL_OUTBOX_DIR.

    A newcomer can open what the site "sent" in any mail client; nothing leaves the machine.
    """

    def __init__(self, *, outbox_dir: str | Path | None = None, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.outbox_dir = Path(outbox_dir or settings.EMAIL_OUTBOX_DIR)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            recipient = re.sub(r"[^A-Za-z0-9@._-]+", "_", (message.recipients() or ["unknown"])[0])
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = self.outbox_dir / f"{stamp}-{recipient}-{uuid.uuid4().hex[:8]}.eml"
            try:
                path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
