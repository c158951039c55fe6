"""A loopback stand-in for the email provider, for tests and benchmarks (never used by the site itself).

It answers Postmark's email API as Postmark documents it (`/email`, `/email/batch`, `/email/bulk`, the
`X-Postmark-Server-Token` header, ErrorCode 406 for inactive recipients, the bulk API's "Accepted" answer) and
counts every recipient it accepts, so a test can check "nobody twice, nobody missing" against what really went
over HTTP. Faults can be injected: latency, 5xx answers, answers that never come in time.

    with ProviderStandIn() as provider:
        settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x", "POSTMARK_API_URL": provider.url}
"""

import contextlib
import json
import random
import re
import threading
import time
import uuid
from collections import Counter
from email.utils import getaddresses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_MERGE = re.compile(r"\{\{\{\s*([A-Za-z0-9_]+)\s*\}\}\}")


class ProviderStandIn:
    """A threaded HTTP server on 127.0.0.1 standing in for Postmark; see the module docstring."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        error_rate: float = 0.0,
        timeout_rate: float = 0.0,
        hang_seconds: float = 3.0,
        inactive: set[str] | frozenset[str] = frozenset(),
        keep_messages: bool = False,
        seed: int = 0,
    ):
        self.latency = latency
        self.error_rate = error_rate
        self.timeout_rate = timeout_rate
        self.hang_seconds = hang_seconds
        self.inactive = {address.lower() for address in inactive}
        self.keep_messages = keep_messages
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()
        self.count = 0  # recipients received, kept as they come (`total` sums `received`)
        self.last_received_at: float | None = None  # time.monotonic() of the last recipient received
        self.calls: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.planned: list[str] = []  # "error" / "hang" for the next calls, before any random faults
        self.in_flight = 0
        self.max_in_flight = 0  # the most calls it has had in hand at once
        self.in_flight_since: dict[int, float] = {}  # client port → time.monotonic() its request came in
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle --

    def handler_base(self) -> type["StandInHandler"]:
        """The request handler this stand-in answers with; the stand-ins of other providers return their own."""
        return StandInHandler

    def start(self) -> "ProviderStandIn":
        handler = type("Handler", (self.handler_base(),), {"provider": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> "ProviderStandIn":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    # -- what it saw --

    def receive(self, address: str) -> None:
        """Count one recipient of one message (callers hold `lock`)."""
        self.received[address] += 1
        self.count += 1
        self.last_received_at = time.monotonic()

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def duplicates(self) -> dict[str, int]:
        return {address: n for address, n in self.received.items() if n > 1}

    def plan(self, *faults: str) -> None:
        """Make the next calls fail in order: "error" (HTTP 503) or "hang" (accepted, answered too late)."""
        with self.lock:
            self.planned.extend(faults)

    def _fault(self) -> str | None:
        with self.lock:
            if self.planned:
                return self.planned.pop(0)
            roll = self.random.random()
        if roll < self.error_rate:
            return "error"
        if roll < self.error_rate + self.timeout_rate:
            return "hang"
        return None

    def _accept(
        self, messages: list[dict[str, Any]], common: dict[str, Any], path: str
    ) -> list[dict[str, Any]]:
        """Record accepted recipients; return Postmark's per-message answers."""
        answers = []
        with self.lock:
            for message in messages:
                addresses = [addr.lower() for _name, addr in getaddresses([message.get("To", "")]) if addr]
                refused = [addr for addr in addresses if addr in self.inactive]
                if refused:
                    answers.append(
                        {
                            "ErrorCode": 406,
                            "Message": "You tried to send to a recipient that has been marked as inactive.\n"
                            f"Found inactive addresses: {', '.join(refused)}.\n"
                            "Inactive recipients are ones that have generated a hard bounce or a spam complaint. ",
                        }
                    )
                    continue
                for address in addresses:
                    self.receive(address)
                if self.keep_messages:
                    self.messages.append(_rendered(message, common, path))
                answers.append(
                    {
                        "To": message.get("To", ""),
                        "SubmittedAt": time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime()),
                        "MessageID": str(uuid.uuid4()),
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                )
        return answers


def _rendered(message: dict[str, Any], common: dict[str, Any], path: str) -> dict[str, Any]:
    """What the recipient would get: the bulk API's {{{field}}} merged from TemplateModel, headers combined."""
    merged = {**common, **message}
    model = message.get("TemplateModel", {})

    def fill(text: str) -> str:
        return _MERGE.sub(lambda match: str(model.get(match.group(1), "")), text or "")

    headers = {item["Name"]: item["Value"] for item in common.get("Headers", []) or []}
    headers.update({item["Name"]: item["Value"] for item in message.get("Headers", []) or []})
    return {
        "path": path,
        "to": merged.get("To", ""),
        "from": merged.get("From", ""),
        "subject": fill(merged.get("Subject", "")),
        "html": fill(merged.get("HtmlBody", "")),
        "text": fill(merged.get("TextBody", "")),
        "headers": headers,
        "metadata": {**common.get("Metadata", {}), **message.get("Metadata", {})},
        "template_model": model,
    }


class StandInHandler(BaseHTTPRequestHandler):
    """Postmark's API, as far as sending goes."""

    provider: ProviderStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        return

    def _answer(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def do_POST(self):
        provider = self.provider
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        port = self.client_address[1]  # one request at a time per connection (HTTP/1.1 without pipelining)
        with provider.lock:
            provider.in_flight += 1
            provider.max_in_flight = max(provider.max_in_flight, provider.in_flight)
            provider.in_flight_since[port] = time.monotonic()
        try:
            self._post(raw)
        finally:
            with provider.lock:
                provider.in_flight -= 1
                provider.in_flight_since.pop(port, None)

    def _post(self, raw: bytes) -> None:
        provider = self.provider
        path = self.path.rstrip("/")
        if not self.headers.get("X-Postmark-Server-Token"):
            self._answer(401, {"ErrorCode": 10, "Message": "No Account or Server API tokens were supplied."})
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            self._answer(400, {"ErrorCode": 402, "Message": "Received invalid JSON input."})
            return
        if path == "/email/bulk":
            messages, common = body.get("Messages", []), {k: v for k, v in body.items() if k != "Messages"}
        elif path == "/email/batch":
            messages, common = body, {}
        elif path == "/email":
            messages, common = [body], {}
        else:
            self._answer(404, {"ErrorCode": 404, "Message": "Not found."})
            return
        if provider.latency:
            time.sleep(provider.latency)
        fault = provider._fault()
        with provider.lock:
            provider.calls.append({"path": path, "recipients": len(messages), "fault": fault})
        if fault == "error":
            self._answer(503, {"ErrorCode": 500, "Message": "Service unavailable (stand-in fault)."})
            return
        answers = provider._accept(messages, common, path)
        if fault == "hang":
            time.sleep(provider.hang_seconds)
        if path == "/email/bulk":
            self._answer(
                200,
                {
                    "Id": str(uuid.uuid4()),
                    "SubmittedAt": time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime()),
                    "TotalMessages": len(messages),
                    "PercentageCompleted": 0,
                    "Status": "Accepted",
                    "Subject": common.get("Subject", ""),
                    "ReleasedCount": 0,
                    "FailedCount": 0,
                },
            )
        elif path == "/email/batch":
            self._answer(200, answers)
        else:
            answer = answers[0]
            self._answer(422 if answer["ErrorCode"] else 200, answer)
