"""Subscribing through the API: the form's path (validation, double opt-in, rate limits, consent on confirmation)."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from newsletter.forms import CONSENT_WORDING
from newsletter.models import Audience, Subscriber

pytestmark = pytest.mark.django_db

API = "/api/v3/newsletter/"
PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def public_audiences(db):
    """Residents and allies open for subscription, candidates not (as the built-in audiences are)."""
    for key, name, is_public, position in (
        ("allies", "Bondgenoten", True, 30),
        ("residents", "Bewoners", True, 40),
        ("candidates", "Kandidaten", False, 20),
    ):
        Audience.objects.update_or_create(
            key=key, defaults={"name": name, "is_public": is_public, "position": position}
        )


@pytest.fixture
def subscribe(client, public_audiences):
    def send(data, **extra):
        body = data if isinstance(data, str) else json.dumps(data)
        return client.post(f"{API}subscriptions/", body, content_type="application/json", **extra)

    return send


def subscription(**overrides) -> dict:
    return {
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "audiences": ["residents"],
        "frequency": "every",
        "consent": True,
        **overrides,
    }


def confirm(client, message) -> None:
    link = re.search(r"https://kvm\.example\.org(/nieuwsbrief/bevestigen/[^/\s]+/)", message.body).group(1)
    assert client.post(link).status_code == 200


def test_audiences_lists_only_those_open_for_subscription(client, public_audiences):
    assert [item["key"] for item in client.get(f"{API}audiences/").json()] == [
        "allies",
        "residents",
        "kandidaten-updates",
    ]


def test_subscribing_needs_the_emailed_confirmation(client, subscribe):
    response = subscribe(subscription(), HTTP_REFERER="https://partner.example/nieuws")
    assert response.status_code == 202
    assert "bevestigingslink" in response.json()["detail"]
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None and not subscriber.subscriptions.exists()
    assert len(mail.outbox) == 1

    confirm(client, mail.outbox[0])
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert list(subscriber.subscriptions.values_list("audience__key", flat=True)) == ["residents"]
    assert subscriber.consent_wording == str(CONSENT_WORDING)
    assert subscriber.consent_url == "https://partner.example/nieuws"


def test_known_and_unknown_addresses_get_the_identical_answer(client, subscribe):
    subscribe(subscription())
    confirm(client, mail.outbox[-1])
    known = subscribe(subscription())
    unknown = subscribe(subscription(email="nieuw@example.org"))
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)


def test_the_forms_rules_and_dutch_messages_apply(subscribe):
    response = subscribe(subscription(audiences=["candidates"], email="geen-adres", consent=False))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    errors = {error["loc"][-1]: error["msg"] for error in response.json()["errors"]}
    assert set(errors) == {"audiences", "email", "consent"}
    assert errors["email"] == "Voer een geldig e-mailadres in."
    assert errors["audiences"] == "Kies een van de toegestane waarden."  # not open for subscription
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_rate_limit_is_a_429_problem_shared_with_the_form(subscribe, settings):
    settings.KVM_SUPPORTERS = {"RATE_PER_EMAIL": "2/h", "RATE_PER_IP": "4/h"}
    assert subscribe(subscription()).status_code == 202
    assert subscribe(subscription()).status_code == 202
    # Past the address's share of mails the answer is the same and nothing goes out: no inbox flooding, and no
    # 429 that would tell a stranger the address is in use.
    past_share = subscribe(subscription())
    assert past_share.status_code == 202 and len(mail.outbox) == 2
    assert subscribe(subscription(email="ander@example.org")).status_code == 202
    limited = subscribe(subscription(email="derde@example.org"))
    assert limited.status_code == 429
    assert limited.json()["title"] == "Te veel verzoeken"
    assert int(limited["Retry-After"]) == 3600
    assert len(mail.outbox) == 3


def test_honeypot_is_answered_as_success_and_changes_nothing(subscribe):
    response = subscribe(subscription(website="http://spam.example"))
    assert response.status_code == 202
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_no_csrf_token_needed_and_consent_text_published(public_audiences):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"{API}subscriptions/", json.dumps(subscription()), content_type="application/json"
    )
    assert response.status_code == 202
    assert strict.get(f"{API}consent-text/").json() == {"subscribe": str(CONSENT_WORDING)}
