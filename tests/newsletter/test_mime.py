"""The message as a mail client receives it: parse the real bytes with Python's `email` package."""

import email
import re
from email import policy
from urllib.parse import urlsplit

import pytest
from django.test import Client

from newsletter.models import Subscription

pytestmark = pytest.mark.django_db


def received(outbox_dir) -> dict:
    messages = {}
    for path in sorted(outbox_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        messages[message["To"].addresses[0].addr_spec] = message
    return messages


def test_headers_and_mime_structure(outbox, make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=1)
    make_subscriber("anna@example.org", name="Anna de Vries")
    make_subscriber("bert@example.org")
    version = publish(document, audiences=["residents"])
    messages = received(outbox)
    assert set(messages) == {"anna@example.org", "bert@example.org"}

    message = messages["anna@example.org"]
    assert message["To"].addresses[0].display_name == "Anna de Vries"
    assert message["From"].addresses[0].addr_spec == "info@krachtvanmokum.nl"
    assert message["Subject"] == f"{document.title} — versie {version.number}"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]  # the last alternative is the preferred one
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Beste Anna de Vries," in text and "Beste Anna de Vries," in html
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())

    # RFC 2369 / 8058: an https URL unique to this recipient and list, plus a mailto; and one-click.
    unsubscribe = str(message["List-Unsubscribe"])
    https, mailto = re.findall(r"<([^>]+)>", unsubscribe)
    assert https.startswith("https://kvm.example.org/nieuwsbrief/afmelden/")
    assert mailto.startswith("mailto:info@krachtvanmokum.nl")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<residents.nieuwsbrief.kvm.example.org>" in str(message["List-Id"])
    other = str(messages["bert@example.org"]["List-Unsubscribe"])
    assert re.findall(r"<([^>]+)>", other)[0] != https
    assert https in html  # the footer link is the same URL

    # The header URL works as a mail client uses it: POST, no cookies, the one-click body.
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(https).path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get(subscriber__email="anna@example.org").unsubscribed_at is not None
    assert Subscription.objects.get(subscriber__email="bert@example.org").unsubscribed_at is None


def test_an_unsubscribe_takes_effect_before_the_next_message(outbox, make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("anna@example.org")
    publish(document, audiences=["residents"])
    https = re.findall(r"<([^>]+)>", str(received(outbox)["anna@example.org"]["List-Unsubscribe"]))[0]
    Client().post(urlsplit(https).path, {"List-Unsubscribe": "One-Click"})
    for path in outbox.glob("*.eml"):
        path.unlink()
    publish(document, audiences=["residents"])
    assert received(outbox) == {}
