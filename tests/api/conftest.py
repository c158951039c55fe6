"""Fixtures for the headless API tests: bearer tokens, a published document, and a privacy scan of every response.

The scan is autouse: every response any API test produces, through the test client or through schemathesis'
in-process WSGI calls, is recorded, and at the end of the test none may contain an email address (other than
the organisation's published contact addresses) or a name someone has not confirmed yet.
"""

import json
import re

import pytest
from django.core.handlers.base import BaseHandler

from pages.actions import PublishVersionAction
from pages.models import DocumentPage

# The schema and its docs are written in code, not read from the database: their examples (jan@example.org)
# are nobody's data.
DOCUMENTATION_PATHS = ("/api/v3/openapi.json", "/api/v3/docs/")
EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def response_text(response) -> str:
    """The body as a person would read it: JSON decoded (so \\u escapes and \\/ are undone), else plain text."""
    if getattr(response, "streaming", False):
        return ""
    body = response.content.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


# Machine-readable parts of a problem detail: codes and field paths, never what a person wrote.
STRUCTURAL_KEYS = {"loc", "type"}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key not in STRUCTURAL_KEYS for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def personal_data_in(text: str, *, allowed_addresses: set[str], private_values: set[str]) -> list[str]:
    """Email addresses not on the allow-list, and private values (names, messages) found in a response body.

    A private value of 8 characters or more counts anywhere in the text; a shorter one (generated test data such
    as "Anna" would otherwise match ordinary words) only as a whole JSON string outside error codes and paths.
    """
    found = [address for address in EMAIL_ADDRESS.findall(text) if address.lower() not in allowed_addresses]
    lowered = text.lower()
    try:
        whole = {item.strip().lower() for item in _strings(json.loads(text))}
    except ValueError:
        whole = set()
    for value in private_values:
        needle = value.lower()
        if (len(needle) >= 8 and needle in lowered) or needle in whole:
            found.append(value)
    return found


def public_addresses() -> set[str]:
    """Addresses editors publish on purpose: each document's contact address."""
    return {
        address.lower()
        for address in DocumentPage.objects.exclude(contact_email="").values_list("contact_email", flat=True)
    }


def private_values() -> set[str]:
    """Personal data the API must never show, read from the database when the test ends.

    Unconfirmed submissions entirely; of confirmed endorsements the full name unless shown in full, the
    organisation as typed unless shown with the full name or confirmed on the organisation's behalf, and any
    message not approved; sign-ups, reactions and newsletter subscribers entirely.
    """
    from newsletter.models import Subscriber
    from supporters.models import Endorsement, ModerationStatus, Reaction, SignUp, Visibility

    values: set[str] = set()
    rows = Endorsement.objects.values_list(
        "name", "organisation_name", "organisation", "message", "confirmed_at", "visibility", "message_status"
    )
    for name, organisation_name, organisation, message, confirmed, visibility, message_status in rows:
        shown_in_full = confirmed is not None and visibility == Visibility.FULL_NAME
        if not shown_in_full:
            values.add(name)
            # A confirmed endorsement on behalf of a known organisation makes that organisation public.
            if confirmed is None or organisation is None:
                values.add(organisation_name)
        if confirmed is None or message_status != ModerationStatus.APPROVED:
            values.add(message)
    values.update(*SignUp.objects.values_list("name", "availability"))
    values.update(*Reaction.objects.values_list("name", "text"))
    for name, pending in Subscriber.objects.values_list("name", "pending"):
        values.update((name, (pending or {}).get("name", "")))
    return {value.strip() for value in values if value and value.strip()}


@pytest.fixture(autouse=True)
def api_responses(db, monkeypatch, request):
    """Record every /api/ response of the test; afterwards, fail if any holds personal data.

    Under `@pytest.mark.echoed_submissions` (schemathesis, which feeds strings from answers back into the
    submissions it generates, so a submitted "name" may be a public title) only email addresses are checked.
    """
    recorded: list[tuple[str, str, object]] = []
    original = BaseHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        if request.path.startswith("/api/") and request.path not in DOCUMENTATION_PATHS:
            recorded.append((request.method, request.get_full_path(), response))
        return response

    monkeypatch.setattr(BaseHandler, "get_response", get_response)
    yield recorded
    monkeypatch.undo()
    allowed = public_addresses()
    private = set() if request.node.get_closest_marker("echoed_submissions") else private_values()
    leaks = [
        f"{method} {path} → {found}"
        for method, path, response in recorded
        if (
            found := personal_data_in(
                response_text(response), allowed_addresses=allowed, private_values=private
            )
        )
    ]
    assert not leaks, "personal data in API responses:\n" + "\n".join(leaks)


@pytest.fixture
def bearer(db):
    """bearer(user) → the Authorization header value of a fresh API token for that user."""
    from wagtail.models import APIToken

    def make(user) -> str:
        _token, plaintext = APIToken.create_token(user=user, name="test")
        return f"Bearer {plaintext}"

    return make


@pytest.fixture
def published_document(make_document):
    """published_document(**kwargs) → a document (built by make_document) with its first version published."""

    def build(**kwargs) -> DocumentPage:
        document = make_document(**kwargs)
        PublishVersionAction(document, note="Eerste versie", skip_permission_check=True).execute()
        return document

    return build
