"""Builders for the newsletter tests: audiences, subscribers, published versions, and the provider stand-in."""

import itertools

import pytest
from django.utils import timezone

from newsletter.models import (
    BUILTIN_AUDIENCES,
    Audience,
    Frequency,
    Subscriber,
    SubscriberSource,
    Subscription,
)
from newsletter.testing import ProviderStandIn
from pages.actions import PublishVersionAction

_counter = itertools.count(1)

BUILTIN = {
    "party_leaders": ("Fractieleiders", "summary", False, 10),
    "candidates": ("Kandidaten", "full", False, 20),
    "allies": ("Bondgenoten", "full", True, 30),
    "residents": ("Bewoners", "full", True, 40),
}


@pytest.fixture
def audiences(db) -> dict[str, Audience]:
    """The built-in audiences (made by a data migration; re-made here after a transactional test's flush)."""
    made = {}
    for key in BUILTIN_AUDIENCES:
        name, template, is_public, position = BUILTIN[key]
        made[key], _created = Audience.objects.get_or_create(
            key=key,
            defaults={"name": name, "template": template, "is_public": is_public, "position": position},
        )
    return made


@pytest.fixture
def make_subscriber(audiences):
    """make_subscriber(email=None, name="", audiences=("residents",), frequency="every", confirmed=True)."""

    def build(
        email: str | None = None,
        *,
        name: str = "",
        audiences: tuple[str, ...] = ("residents",),
        frequency: str = Frequency.EVERY,
        confirmed: bool = True,
    ) -> Subscriber:
        email = email or f"lezer{next(_counter)}@example.org"
        subscriber = Subscriber.objects.create(
            email=email,
            name=name,
            frequency=frequency,
            confirmed_at=timezone.now() if confirmed else None,
            source=SubscriberSource.FORM,
        )
        for key in audiences:
            Subscription.objects.create(subscriber=subscriber, audience=Audience.objects.get(key=key))
        return subscriber

    return build


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """publish(document, note=..., audiences=(), is_major=False) → the new version, its signal delivered
    (with Q_CLUSTER sync, the mailing is created, frozen and sent before this returns)."""

    def run(document, *, note: str | None = None, audiences=(), is_major: bool = False):
        with django_capture_on_commit_callbacks(execute=True):
            return PublishVersionAction(
                document,
                note=note or f"Toelichting {next(_counter)}",
                audiences=audiences,
                is_major=is_major,
                skip_permission_check=True,
            ).execute()

    return run


@pytest.fixture
def provider(settings):
    """The loopback stand-in for Postmark, with anymail's real Postmark backend (bulk API) pointed at it."""
    with ProviderStandIn(keep_messages=True) as stand_in:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": "test-token",
            "POSTMARK_API_URL": stand_in.url,
            "POSTMARK_USE_BULK_API": True,
            "REQUESTS_TIMEOUT": 2,
        }
        yield stand_in


@pytest.fixture
def outbox(settings, tmp_path):
    """Mail written as .eml files, as a mail client would receive it."""
    settings.EMAIL_BACKEND = "newsletter.transport.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    return tmp_path / "outbox"
