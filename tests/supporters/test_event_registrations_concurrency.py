"""Twelve people confirm their registration for a session with five places at the same moment: the row lock on
the event serialises the confirmations, so exactly five get a place, the other seven wait, and each gets one email
saying which.

Each person is a thread with its own database connection, pressing the button behind the link in their email
(the confirm view, as a reader does) once all of them are ready.
"""

import re
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from supporters.models import EventRegistration, RegistrationPart

from .conftest import link_in
from .test_event_registrations import part, register_url, registration_data, rsvp_count

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="Simultaneous confirmations need PostgreSQL: SQLite allows one writer at a time, so its threads "
        "never take the event's row lock at the same moment (and its test database lives in one connection).",
    ),
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True
    ),  # Wagtail's tree survives other flushes
]

PEOPLE = 12
CAPACITY = 5
PLACED = "U bent aangemeld. De afspraak voor uw agenda zit als bijlage bij deze e-mail"
WAITING = "Het is vol: u staat op de wachtlijst"


def confirm_links(event) -> dict[str, str]:
    """Each person registers for the session through the form and gets their confirm link by email."""
    dialogue = part(event, "dialoogsessie")
    links = {}
    for i in range(PEOPLE):
        email = f"persoon{i}@example.org"
        mail.outbox.clear()
        response = Client(REMOTE_ADDR=f"192.0.2.{i + 1}").post(
            register_url(event), registration_data(event, email=email, parts=[str(dialogue.pk)])
        )
        assert response.status_code == 200, response.content.decode()[:2000]
        [message] = mail.outbox
        links[email] = link_in(message, r"https://kvm\.example\.org/steun/bevestigen/\S+")
    mail.outbox.clear()
    return links


def confirm_together(links: dict[str, str]) -> dict[str, object]:
    """Every person opens their link, then all press the button at once; returns each one's status or error."""
    barrier = threading.Barrier(len(links), timeout=30)
    outcomes: dict[str, object] = {}

    def person(email: str, link: str) -> None:
        try:
            client = Client(REMOTE_ADDR="198.51.100.1")
            assert client.get(link).status_code == 200  # the page with the one button
            barrier.wait()
            outcomes[email] = client.post(link).status_code
        except Exception as error:  # reported by the test below, not lost in the thread
            outcomes[email] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=item) for item in links.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_simultaneous_confirmations_fill_the_places_exactly_and_put_the_rest_on_the_waiting_list(
    client, small_document, make_event
):
    _document, _call, activity = small_document
    meetup = make_event(activity, parts=[("dialoogsessie", "19:30", "20:30", CAPACITY)])
    links = confirm_links(meetup)

    outcomes = confirm_together(links)

    assert outcomes == dict.fromkeys(links, 200)
    rows = RegistrationPart.objects.select_related("registration")
    assert rows.count() == PEOPLE  # nobody lost, nobody registered twice
    assert EventRegistration.objects.filter(event=meetup, confirmed_at__isnull=False).count() == PEOPLE
    placed = {row.registration.email for row in rows if not row.waitlisted}
    waiting = {row.registration.email for row in rows if row.waitlisted}
    assert len(placed) == CAPACITY, sorted(placed)
    assert len(waiting) == PEOPLE - CAPACITY
    assert rsvp_count(client, meetup) == CAPACITY

    mails: dict[str, list] = {}
    for message in mail.outbox:
        [to] = message.to
        mails.setdefault(to, []).append(message)
    assert sorted(mails) == sorted(links)
    for email, messages in mails.items():
        [message] = messages
        assert "U bent aangemeld" in message.subject
        body = re.sub(r"\s+", " ", message.body)
        if email in placed:
            assert PLACED in body and WAITING not in body, email
        else:
            assert WAITING in body and PLACED not in body, email
