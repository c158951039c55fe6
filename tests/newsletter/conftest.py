"""Builders for the newsletter tests: audiences, subscribers, published versions, and the provider stand-in."""

import itertools

import pytest
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
