"""A loopback stand-in for Mailgun's messages API, for tests and benchmarks (never used by the site itself).

It answers `POST /v3/<domain>/messages` as anymail's Mailgun backend calls it (form fields `from`, repeated `to`,
`subject`, `text`, `html`, `recipient-variables`, `h:` headers, `v:` variables, `o:` options; URL-encoded, or
multipart with attachments; HTTP basic auth as `api:<key>`), and records what each recipient would receive after
Mailgun's batch sending has replaced `%recipient.KEY%` with that recipient's own `recipient-variables` — so a test
can check that everyone got their own name and links and nobody else's. Faults as in `testing.ProviderStandIn`
(latency, error_rate/timeout_rate, `plan(...)`), plus "reject": Mailgun's HTTP 400 for the whole call.

    with MailgunStandIn() as mailgun:
        settings.ANYMAIL = {"MAILGUN_API_KEY": "key", "MAILGUN_API_URL": mailgun.api_url}
"""

import json
import re
import time
import uuid
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any
from urllib.parse import parse_qsl, unquote

from .testing import ProviderStandIn, StandInHandler

_RECIPIENT_VARIABLE = re.compile(r"%recipient\.([^%\s]+)%")
_MESSAGES_PATH = re.compile(r"^/v3/([^/]+)/messages$")


class MailgunStandIn(ProviderStandIn):
    """A threaded HTTP server on 127.0.0.1 standing in for Mailgun; see the module docstring.

    `inactive` addresses are accepted (Mailgun's API takes them) but never delivered: they land in `dropped`, as
    Mailgun drops suppressed addresses after queueing and says so only in a "failed" event.
    """

    def __init__(self, *, domains: set[str] | frozenset[str] = frozenset(), **options):
        super().__init__(**options)
        self.domains = {domain.lower() for domain in domains}  # empty: every sender domain is known
        self.dropped: list[str] = []

    def handler_base(self) -> type:
        return _MailgunHandler

    @property
    def api_url(self) -> str:
        """The value for ANYMAIL["MAILGUN_API_URL"]."""
        return self.url + "v3"

    def delivered_to(self, email: str) -> list[dict[str, Any]]:
        """Every message (with keep_messages=True) this address received, as it would read it."""
        return [message for message in self.messages if message["email"] == email.lower()]

    def _accept_form(self, domain: str, fields: list[tuple[str, str]]) -> str:
        """Record each `to` recipient's own message; return Mailgun's message id for the call."""
        message_id = f"<{time.strftime('%Y%m%d%H%M%S')}.{uuid.uuid4().hex[:12]}@{domain}>"
        single = {name: value for name, value in fields}
        recipient_variables = (
            json.loads(single["recipient-variables"]) if "recipient-variables" in single else None
        )
        to = [
            (name, addr)
            for name, addr in getaddresses([value for key, value in fields if key == "to"])
            if addr
        ]
        with self.lock:
            for display_name, addr in to:
                email = addr.lower()
                if email in self.inactive:
                    self.dropped.append(email)
                    continue
                self.receive(email)
                if self.keep_messages:
                    self.messages.append(
                        _rendered(fields, to, (display_name, addr), recipient_variables, domain, message_id)
                    )
        return message_id


def _rendered(
    fields: list[tuple[str, str]],
    to: list[tuple[str, str]],
    recipient: tuple[str, str],
    recipient_variables: dict[str, dict[str, Any]] | None,
    domain: str,
    message_id: str,
) -> dict[str, Any]:
    """What one recipient gets: with recipient-variables (batch sending) a message of their own, To only them and
    `%recipient.KEY%` replaced by their values (unknown keys stay as they are); without, one message to all."""
    display_name, addr = recipient
    values = None if recipient_variables is None else recipient_variables.get(addr, {})

    def fill(text: str) -> str:
        if values is None:
            return text
        return _RECIPIENT_VARIABLE.sub(
            lambda match: str(values[match.group(1)]) if match.group(1) in values else match.group(0), text
        )

    single = {name: value for name, value in fields}
    if values is None:
        shown_to = ", ".join(f'"{name}" <{mail}>' if name else mail for name, mail in to)
    else:
        shown_to = f'"{display_name}" <{addr}>' if display_name else addr
    return {
        "email": addr.lower(),
        "to": shown_to,
        "from": single.get("from", ""),
        "subject": fill(single.get("subject", "")),
        "text": fill(single.get("text", "")),
        "html": fill(single.get("html", "")),
        "headers": {name[2:]: fill(value) for name, value in fields if name.startswith("h:")},
        "variables": {name[2:]: fill(value) for name, value in fields if name.startswith("v:")},
        "tags": [value for name, value in fields if name == "o:tag"],
        "options": {name[2:]: value for name, value in fields if name.startswith("o:") and name != "o:tag"},
        "recipient_variables": values,
        "domain": domain,
        "message_id": message_id,
    }


def _form_fields(content_type: str, raw: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, value) pairs in order, and the attachment file names, of a URL-encoded or multipart form."""
    if content_type.startswith("multipart/form-data"):
        form = BytesParser(policy=policy.default).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        fields, files = [], []
        for part in form.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename() is not None:
                files.append(part.get_filename())
            else:
                fields.append((name, part.get_content()))
        return fields, files
    return parse_qsl(raw.decode(), keep_blank_values=True), []


class _MailgunHandler(StandInHandler):
    """Mailgun's messages API, as far as sending goes."""

    provider: MailgunStandIn

    def _post(self, raw: bytes) -> None:
        provider = self.provider
        match = _MESSAGES_PATH.match(self.path.rstrip("/"))
        if match is None:
            self._answer(404, {"message": "Not found"})
            return
        if not (self.headers.get("Authorization") or "").startswith("Basic "):
            self._answer(401, {"message": "Invalid private key"})
            return
        domain = unquote(match.group(1)).lower()
        if provider.domains and domain not in provider.domains:
            self._answer(404, {"message": f"Domain not found: {domain}"})
            return
        fields, files = _form_fields(self.headers.get("Content-Type", ""), raw)
        recipients = len(getaddresses([value for name, value in fields if name == "to"]))
        if provider.latency:
            time.sleep(provider.latency)
        fault = provider._fault()
        with provider.lock:
            provider.calls.append(
                {
                    "path": self.path,
                    "domain": domain,
                    "recipients": recipients,
                    "files": files,
                    "fault": fault,
                }
            )
        if fault == "error":
            self._answer(500, {"message": "Internal server error (stand-in fault)"})
            return
        if fault == "reject":
            self._answer(
                400, {"message": "'to' parameter is not a valid address. please check documentation"}
            )
            return
        message_id = provider._accept_form(domain, fields)
        if fault == "hang":
            time.sleep(provider.hang_seconds)
        self._answer(200, {"id": message_id, "message": "Queued. Thank you."})
