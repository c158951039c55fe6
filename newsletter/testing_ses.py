"""A loopback stand-in for Amazon SES (API v2), for tests and benchmarks (never used by the site itself).

anymail's Amazon SES backend calls boto3's `sesv2` client: `send_email` with the whole message as raw MIME
(`Content.Raw.Data`, base64 in the REST-JSON body of `POST /v2/email/outbound-emails`) for every message without
a stored template. This stand-in answers that call as SES does (`{"MessageId": ...}`, errors with
`x-amzn-ErrorType`), reads the MIME as a mail client would (`email`, policy=default) and counts every envelope
recipient (`Destination`) it accepts. Faults as in `testing.ProviderStandIn` (latency, error_rate/timeout_rate,
`plan(...)`): "error" is a 500 InternalFailure, "throttle" a 429 TooManyRequestsException, "reject" a 400
MessageRejected, "hang" accepted but answered too late.

    with SesStandIn() as ses:
        settings.ANYMAIL = {"AMAZON_SES_CLIENT_PARAMS": ses.client_params()}

Left to itself, botocore retries 5xx, throttling and time-outs (up to 4 times) before anymail sees an error;
`newsletter.transport.Transport` allows one attempt, and `client_params(max_attempts=…)` sets it elsewhere.
"""

import base64
import binascii
import contextlib
import email
import json
import time
import uuid
from email import policy
from email.message import EmailMessage
from typing import Any

from .testing import ProviderStandIn, StandInHandler

SEND_EMAIL_PATH = "/v2/email/outbound-emails"

FAULTS = {
    "error": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
    "throttle": (429, "TooManyRequestsException", "Maximum sending rate exceeded."),
    "reject": (400, "MessageRejected", "Email address is not verified."),
}


class SesStandIn(ProviderStandIn):
    """A threaded HTTP server on 127.0.0.1 standing in for Amazon SES v2; see the module docstring."""

    def handler_base(self) -> type:
        return _SesHandler

    def client_params(self, *, max_attempts: int | None = None, read_timeout: float | None = None) -> dict:
        """ANYMAIL["AMAZON_SES_CLIENT_PARAMS"] pointing boto3 here (optionally with botocore's retries and
        read time-out set)."""
        config: dict[str, Any] = {}
        if max_attempts is not None:
            config["retries"] = {"total_max_attempts": max_attempts, "mode": "standard"}
        if read_timeout is not None:
            config["read_timeout"] = read_timeout
        return {
            "endpoint_url": self.url.rstrip("/"),
            "region_name": "eu-west-1",
            "aws_access_key_id": "stand-in",
            "aws_secret_access_key": "stand-in",
            **({"config": config} if config else {}),
        }

    def delivered_to(self, address: str) -> list[dict[str, Any]]:
        """Every message (with keep_messages=True) this address received."""
        return [message for message in self.messages if address.lower() in message["destination"]]

    def _accept_raw(self, body: dict[str, Any], mime: EmailMessage) -> str:
        """Record the envelope recipients (and, with keep_messages, the message as read); return a MessageId."""
        message_id = f"0102{uuid.uuid4().hex}-{uuid.uuid4().hex[:8]}-000000"
        destination = body.get("Destination") or {}
        addresses = [
            address.lower()
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for address in destination.get(key, [])
        ]
        if not addresses:  # SES then takes the recipients from the MIME headers
            addresses = [
                a.addr_spec.lower() for name in ("To", "Cc") for a in getattr(mime[name], "addresses", ())
            ]
        with self.lock:
            for address in addresses:
                self.receive(address)
            if self.keep_messages:
                self.messages.append(_read(mime, addresses, message_id))
        return message_id


def _read(mime: EmailMessage, destination: list[str], message_id: str) -> dict[str, Any]:
    """The message as a mail client shows it: decoded headers, the plain and the HTML body."""
    text = mime.get_body(preferencelist=("plain",))
    html = mime.get_body(preferencelist=("html",))
    return {
        "destination": destination,
        "to": [address.addr_spec for address in mime["To"].addresses] if mime["To"] else [],
        "to_header": str(mime["To"] or ""),
        "from": str(mime["From"] or ""),
        "subject": str(mime["Subject"] or ""),
        # (a header folded right after its colon keeps the fold's space; clients strip it)
        "headers": {name: str(value).strip() for name, value in mime.items()},
        "text": text.get_content() if text is not None else "",
        "html": html.get_content() if html is not None else "",
        "message_id": message_id,
        "mime": mime,
    }


class _SesHandler(StandInHandler):
    """Amazon SES v2's SendEmail with raw content, as far as anymail uses it."""

    provider: SesStandIn

    def _error(self, status: int, code: str, message: str) -> None:
        payload = json.dumps({"message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-ErrorType", f"{code}:")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def _post(self, raw: bytes) -> None:
        provider = self.provider
        if self.path.rstrip("/") != SEND_EMAIL_PATH:
            self._error(404, "NotFoundException", f"The stand-in does not answer {self.path}.")
            return
        if not (self.headers.get("Authorization") or "").startswith("AWS4-HMAC-SHA256 "):
            self._error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
            return
        try:
            body = json.loads(raw or b"{}")
            data = base64.b64decode(body["Content"]["Raw"]["Data"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            self._error(400, "BadRequestException", "The stand-in takes only raw content (no templates).")
            return
        mime = email.message_from_bytes(data, policy=policy.default)
        if provider.latency:
            time.sleep(provider.latency)
        fault = provider._fault()
        with provider.lock:
            destination = body.get("Destination") or {}
            recipients = sum(
                len(destination.get(key, [])) for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            )
            provider.calls.append({"path": self.path, "recipients": recipients, "fault": fault})
        if fault in FAULTS:
            self._error(*FAULTS[fault])
            return
        message_id = provider._accept_raw(body, mime)
        if fault == "hang":
            time.sleep(provider.hang_seconds)
        self._answer(200, {"MessageId": message_id})
