"""Builders for the newsletter tests: audiences, subscribers, published versions, the provider stand-in, and the
provider's tracking webhook with Postmark's own payloads."""

import base64
import datetime as dt
import itertools
import json

import pytest
from django.test import TestCase
from django.utils import timezone

from newsletter.models import (
    BUILTIN_AUDIENCES,
    Audience,
    Frequency,
    Mailing,
    Subscriber,
    SubscriberSource,
    Subscription,
)
from newsletter.testing import ProviderStandIn
from pages.actions import PublishVersionAction

_counter = itertools.count(1)

BUILTIN = {
    "party_leaders": ("Fractieleiders", "party_leader", False, 10),
    "candidates": ("Kandidaten", "candidate", False, 20),
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


ELECTION_LIST = """partij,positie,naam,email,rol
GroenLinks,1,Anna de Vries,anna@example.org,party_leader
GroenLinks,2,Bram Jansen,bram@example.org,candidate
GroenLinks,3,Cas Meijer,cas@example.org,candidate
PvdA,1,Dewi Bakker,dewi@example.org,party_leader
PvdA,2,Eva Visser,eva@example.org,candidate
"""


@pytest.fixture
def import_list(audiences, tmp_path):
    """import_list(csv_text=ELECTION_LIST, audience="candidates") → (stdout, stderr) of `import_contacts`."""
    import io

    from django.core.management import call_command

    def run(text: str = ELECTION_LIST, audience: str | None = "candidates") -> tuple[str, str]:
        path = tmp_path / f"lijst-{next(_counter)}.csv"
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        args = [str(path), *(["--audience", audience] if audience else [])]
        call_command("import_contacts", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def outreach_sent(make_document, import_list, publish, outbox):
    """A document whose version 1 went to the imported election list (candidates and party leaders), as .eml files.
    Returns (document, version, mailing)."""
    import_list()
    document = make_document(calls=1, activities_per_call=2)
    version = publish(document, note="Eerste versie.", audiences=["candidates", "party_leaders"])
    return document, version, version.mailing


@pytest.fixture
def read_outbox(outbox):
    """read_outbox() → {address: (parsed message, HTML soup, plain text)} of the .eml files in the outbox."""
    import email
    from email import policy

    from bs4 import BeautifulSoup

    def read() -> dict:
        found = {}
        for path in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            html = message.get_body(preferencelist=("html",)).get_content()
            text = message.get_body(preferencelist=("plain",)).get_content()
            found[message["To"].addresses[0].addr_spec] = (message, BeautifulSoup(html, "html.parser"), text)
        return found

    return read


@pytest.fixture
def frozen_mailing(make_document, make_subscriber):
    """frozen_mailing(n=5, people=[(email, name)]) → a mailing of a new version to n residents ("Lezer i"
    <lezer0000i@example.org>) and the `people` given, recipients frozen, nothing sent yet."""
    from newsletter.mailings import mailing_create, mailing_freeze

    def build(n: int = 5, *, audiences=("residents",), people=()) -> Mailing:
        document = make_document(calls=1, activities_per_call=1)
        for index in range(n):
            make_subscriber(f"lezer{index:05d}@example.org", name=f"Lezer {index}", audiences=audiences)
        for email, name in people:
            make_subscriber(email, name=name, audiences=audiences)
        version = PublishVersionAction(document, note="Nieuwe versie.", skip_permission_check=True).execute()
        mailing = mailing_create(version=version, audience_keys=audiences)
        mailing_freeze(mailing_id=mailing.pk)
        mailing.refresh_from_db()
        return mailing

    return build


TRACKING_URL = "/nieuwsbrief/provider/postmark/tracking/"
WEBHOOK_SECRET = "webhook:geheim-123"


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}


def post_event(client, payload, auth: str | None = WEBHOOK_SECRET):
    """POST one Postmark event to the tracking webhook, as Postmark does (basic auth, JSON)."""
    headers = {}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    # The event's task is queued when the webhook's transaction commits, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(TRACKING_URL, json.dumps(payload), content_type="application/json", **headers)


def postmark_time(moment) -> str:
    """A datetime as Postmark writes its timestamps (UTC, seven decimals)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def postmark_bounce(
    delivery, event_id=4323372036854775807, kind="HardBounce", at="2026-11-05T16:33:54.9070259Z"
) -> dict:
    """Postmark's Bounce webhook (or, with kind "SpamComplaint", its spam complaint) about one delivery."""
    return {
        "RecordType": "SpamComplaint" if kind == "SpamComplaint" else "Bounce",
        "ID": event_id,
        "Type": kind,
        "TypeCode": {"HardBounce": 1, "SoftBounce": 4096, "SpamComplaint": 512}.get(kind, 1),
        "Name": {"SoftBounce": "Soft bounce", "SpamComplaint": "Spam complaint"}.get(kind, "Hard bounce"),
        "Tag": "nieuwsbrief",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"kvm_delivery": str(delivery.pk), "anymail_id": delivery.provider_message_id},
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": delivery.email,
        "BouncedAt": at,
        "Inactive": kind != "SoftBounce",
        "MessageStream": "outbound",
    }


def postmark_delivered(delivery, at="2026-11-05T16:33:54.9070259Z") -> dict:
    """Postmark's Delivery webhook (it has no event id: the same payload again is the same event)."""
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Recipient": delivery.email,
        "Tag": "nieuwsbrief",
        "DeliveredAt": at,
        "Details": "Test delivery webhook details",
        "Metadata": {"kvm_delivery": str(delivery.pk), "anymail_id": delivery.provider_message_id},
    }


def postmark_unsubscribed(delivery, at="2026-11-05T16:33:54.9070259Z") -> dict:
    """Postmark's SubscriptionChange webhook: the recipient unsubscribed through Postmark."""
    return {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73e0-4e8d-8e5c-6ed5ae2d1f6b",
        "ChangedAt": at,
        "Recipient": delivery.email,
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Metadata": {"anymail_id": delivery.provider_message_id},
    }


@pytest.fixture
def sent(provider, make_document, make_subscriber, webhook_secret):
    """Two recipients, anna@ and bert@example.org, sent through the stand-in; returns {email: Delivery}."""
    from newsletter import mailings, sending
    from newsletter.models import Delivery

    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("anna@example.org", name="Anna")
    make_subscriber("bert@example.org", name="Bert")
    version = PublishVersionAction(document, note="n", skip_permission_check=True).execute()
    mailing = mailings.mailing_create(version=version, audience_keys=["residents"])
    mailings.mailing_freeze(mailing_id=mailing.pk)
    sending.mailing_send(mailing_id=mailing.pk)
    return {row.email: row for row in Delivery.objects.all()}
