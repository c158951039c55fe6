"""Registering for an event without an account: double opt-in, places per part, the waiting list, cancelling,
the reminder 24 hours before, and the one email each registrant gets when an event moves or is cancelled."""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from pages.models import ActivityPage, EventChange
from supporters.models import EventNotice, EventRegistration, RegistrationPart
from supporters.services import event_reminders_send
from supporters.tasks import event_change_notify

from ..conftest import edit_event
from .conftest import link_in, shown_long_ago

MEETUP_PARTS = [("dialoogsessie", "19:30", "20:30", 2), ("borrel", "20:30", None, None)]


def registration_data(event, *, parts=None, **overrides) -> dict:
    all_parts = [str(p.pk) for p in event.activity.event_parts.all()]
    data = {
        "name": "Fatima El Amrani",
        "email": "fatima@example.org",
        "parts": all_parts if parts is None else parts,
        "guests": "0",
        "consent": "on",
        "website": "",
        "shown_at": shown_long_ago(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def meetup(small_document, make_event):
    _document, _call, activity = small_document
    return make_event(activity, parts=MEETUP_PARTS)


def part(event, name):
    return event.activity.event_parts.get(name=name)


def register_url(event) -> str:
    return f"/steun/agenda/{event.pk}/aanmelden/"


def rsvp_count(client, event) -> int:
    html = client.get(f"/agenda/{event.pk}/").content.decode()
    return int(re.search(r'data-rsvp-count="(\d+)"', html).group(1))


def register_and_confirm(post, client, event, **data) -> EventRegistration:
    """Register through the form, then click the link in the email and press the button, as a reader does."""
    mail.outbox.clear()
    response = post(register_url(event), registration_data(event, **data))
    assert response.status_code == 200, response.content.decode()[:2000]
    confirm = link_in(mail.outbox[-1], r"https://kvm\.example\.org/steun/bevestigen/\S+")
    assert post(confirm).status_code == 200
    return EventRegistration.objects.get(email=data.get("email", "fatima@example.org"), event=event)


def parsed_ics(message) -> icalendar.Calendar:
    [attachment] = [a for a in message.attachments if a[0].endswith(".ics")]
    return icalendar.Calendar.from_ical(attachment[1])


def test_a_registration_counts_only_after_confirmation(client, post, meetup):
    assert rsvp_count(client, meetup) == 0
    response = post(register_url(meetup), registration_data(meetup, guests="1"))
    assert response.status_code == 200
    assert "kijk in uw e-mail" in response.content.decode()
    registration = EventRegistration.objects.get()
    assert registration.confirmed_at is None
    assert rsvp_count(client, meetup) == 0

    [message] = mail.outbox
    assert meetup.display_title in message.subject
    assert "/steun/agenda/afmelden/" in message.body  # a cancel link in every mail
    assert "fatima@example.org" not in client.get("/agenda/").content.decode()
    confirm = link_in(message, r"https://kvm\.example\.org/steun/bevestigen/\S+")
    assert client.get(confirm).status_code == 200  # a link scanner's GET confirms nothing
    assert rsvp_count(client, meetup) == 0

    assert post(confirm).status_code == 200
    assert rsvp_count(client, meetup) == 2  # the reader and one guest

    registered = mail.outbox[-1]
    assert "U bent aangemeld" in registered.subject
    assert "/steun/agenda/afmelden/" in registered.body
    calendar = parsed_ics(registered)
    [vevent] = calendar.walk("VEVENT")
    assert vevent["UID"] == f"event-{meetup.pk}@kvm.example.org"
    assert vevent.decoded("DTSTART") == meetup.starts_at
    assert str(vevent["LOCATION"]).startswith("Buurthuis De Meeuw")

    post(confirm)  # twice is harmless
    assert rsvp_count(client, meetup) == 2


def test_capacity_per_part_and_the_waiting_list(client, post, meetup):
    dialogue, drinks = part(meetup, "dialoogsessie"), part(meetup, "borrel")
    first = register_and_confirm(post, client, meetup, email="een@example.org", guests="1")
    second = register_and_confirm(post, client, meetup, email="twee@example.org", parts=[str(dialogue.pk)])
    assert "u staat op de wachtlijst" in mail.outbox[-1].body.lower()  # the second person's "registered" mail
    third = register_and_confirm(post, client, meetup, email="drie@example.org", parts=[str(drinks.pk)])

    places = {
        (row.registration.email, row.part.name): row.waitlisted
        for row in RegistrationPart.objects.select_related("registration", "part")
    }
    assert places == {
        ("een@example.org", "dialoogsessie"): False,  # 2 places: the reader and the guest fill the session
        ("een@example.org", "borrel"): False,
        ("twee@example.org", "dialoogsessie"): True,
        ("drie@example.org", "borrel"): False,
    }
    html = client.get(f"/agenda/{meetup.pk}/").content.decode()
    assert "vol — u komt op de wachtlijst" in html
    assert rsvp_count(client, meetup) == 3  # first (2 places) and third; the second only waits
    assert {first.pk, second.pk, third.pk} == set(EventRegistration.objects.values_list("pk", flat=True))


def test_a_freed_place_moves_the_first_waiting_person_up_and_emails_them(client, post, meetup):
    dialogue = part(meetup, "dialoogsessie")
    only_dialogue = [str(dialogue.pk)]
    register_and_confirm(post, client, meetup, email="een@example.org", parts=only_dialogue)
    register_and_confirm(post, client, meetup, email="twee@example.org", parts=only_dialogue)
    first_cancel = link_in(mail.outbox[-1], r"https://kvm\.example\.org/steun/agenda/afmelden/\S+")
    register_and_confirm(post, client, meetup, email="drie@example.org", parts=only_dialogue)
    register_and_confirm(post, client, meetup, email="vier@example.org", parts=only_dialogue)
    waiting = list(
        RegistrationPart.objects.filter(waitlisted=True).values_list("registration__email", flat=True)
    )
    assert sorted(waiting) == ["drie@example.org", "vier@example.org"]

    mail.outbox.clear()
    assert client.get(first_cancel).status_code == 200  # GET only asks
    assert RegistrationPart.objects.filter(waitlisted=True).count() == 2
    response = post(first_cancel)
    assert response.status_code == 200
    assert "Uw aanmelding is ingetrokken" in response.content.decode()

    assert list(
        RegistrationPart.objects.filter(waitlisted=True).values_list("registration__email", flat=True)
    ) == ["vier@example.org"]
    [moved_up] = mail.outbox
    assert moved_up.to == ["drie@example.org"]
    assert "plaats vrijgekomen" in moved_up.subject
    assert parsed_ics(moved_up).walk("VEVENT")
    assert rsvp_count(client, meetup) == 2

    post(first_cancel)  # cancelling twice frees nothing twice
    assert len(mail.outbox) == 1
    assert RegistrationPart.objects.filter(waitlisted=True).count() == 1


def test_the_reminder_goes_once_per_person(client, post, small_document, make_event):
    _document, _call, activity = small_document
    tomorrow = make_event(activity, starts_at=timezone.now() + dt.timedelta(hours=20))
    later = make_event(activity, starts_at=timezone.now() + dt.timedelta(days=3))
    register_and_confirm(post, client, tomorrow, email="een@example.org")
    register_and_confirm(post, client, tomorrow, email="twee@example.org")
    register_and_confirm(post, client, later, email="een@example.org")
    unconfirmed = registration_data(tomorrow, email="drie@example.org")
    post(register_url(tomorrow), unconfirmed)

    mail.outbox.clear()
    assert event_reminders_send() == 2
    assert event_reminders_send() == 0
    from supporters.tasks import event_reminders_send as task

    task()
    reminders = [m for m in mail.outbox if m.subject.startswith("Morgen")]
    assert sorted(m.to[0] for m in reminders) == ["een@example.org", "twee@example.org"]
    assert len(mail.outbox) == 2
    assert all(parsed_ics(m).walk("VEVENT") for m in reminders)


def feed_vevent(client, event, url="/agenda/feed.ics"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    uid = f"event-{event.pk}@kvm.example.org"
    return next(v for v in calendar.walk("VEVENT") if str(v["UID"]) == uid)


def test_a_moved_event_emails_each_registrant_once_and_its_sequence_rises(
    client, post, meetup, django_capture_on_commit_callbacks
):
    register_and_confirm(post, client, meetup, email="een@example.org")
    register_and_confirm(post, client, meetup, email="twee@example.org")
    assert feed_vevent(client, meetup)["SEQUENCE"] == 0
    old_when = meetup.when

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = edit_event(
            meetup,
            starts_at=meetup.starts_at + dt.timedelta(days=7),
            ends_at=meetup.ends_at + dt.timedelta(days=7),
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["een@example.org", "twee@example.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Gewijzigd")
    assert f"Tijd van “{meetup.display_title}”: {old_when} → {moved.when}." in message.body
    assert "/steun/agenda/afmelden/" in message.body
    [attached] = parsed_ics(message).walk("VEVENT")
    assert attached["SEQUENCE"] == 1
    assert attached.decoded("DTSTART") == moved.starts_at
    vevent = feed_vevent(client, meetup)
    assert vevent["SEQUENCE"] == 1
    assert vevent.decoded("DTSTART") == moved.starts_at

    # Publishing again without a change, or the task running twice, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        ActivityPage.objects.get(pk=meetup.activity_id).save_revision().publish()
    event_change_notify(EventChange.objects.get().pk)
    assert len(mail.outbox) == 2
    assert EventNotice.objects.count() == 2
    assert feed_vevent(client, meetup)["SEQUENCE"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        edit_event(moved, place_name="Het Buurthuis", address="Kraanspoor 2")
    assert len(mail.outbox) == 4
    assert "Plaats van “" in mail.outbox[-1].body and "→ Het Buurthuis, Kraanspoor 2." in mail.outbox[-1].body
    assert feed_vevent(client, meetup)["SEQUENCE"] == 2


def test_a_cancelled_event_is_cancelled_in_the_feeds_and_registrants_hear_it(
    client, post, meetup, django_capture_on_commit_callbacks
):
    register_and_confirm(post, client, meetup, email="een@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit_event(meetup, cancelled=True)
    [message] = mail.outbox
    assert message.subject.startswith("Gaat niet door")
    assert "gaat niet door" in message.body
    assert parsed_ics(message).walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    for url in (
        "/agenda/feed.ics",
        f"/agenda/stadsdeel/{meetup.district.slug}/feed.ics",
        f"/agenda/activiteit/{meetup.activity_id}/feed.ics",
        f"/agenda/{meetup.pk}/agenda.ics",
    ):
        vevent = feed_vevent(client, meetup, url)
        assert vevent["STATUS"] == "CANCELLED"
        assert vevent["SEQUENCE"] == 1
    # Registering for a cancelled event is refused with a Dutch message and stores nothing.
    response = post(register_url(meetup), registration_data(meetup, email="nieuw@example.org"))
    assert response.status_code == 400
    assert "gaat niet door" in response.content.decode()
    assert not EventRegistration.objects.filter(email="nieuw@example.org").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "jan@@example.org", "Voer een geldig e-mailadres in."),
        ("email", "jan@example.org\r\nBcc: iedereen@example.org", "Voer een geldig e-mailadres in."),
        ("name", "a" * 10_000, "Zorg dat deze waarde niet meer dan 120 tekens bevat"),
        ("guests", "99", "Zorg ervoor dat deze waarde hoogstens 5 is."),
        ("guests", "-1", "Zorg ervoor dat deze waarde minstens 0 is."),
        ("guests", "²³", "Voer een geheel getal in."),
        ("guests", "1 UNION SELECT 1", "Voer een geheel getal in."),
        ("parts", ["999999"], "Selecteer een geldige keuze."),
        ("parts", ["<script>alert(1)</script>"], "Selecteer een geldige keuze."),
        ("parts", [], "Kies ten minste één onderdeel."),
        ("consent", "", "Dit is een verplicht veld."),
    ],
)
def test_hostile_inputs_get_dutch_errors_and_store_nothing(post, meetup, field, value, message):
    data = registration_data(meetup, email="lezer@example.org")
    data[field] = value
    response = post(register_url(meetup), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert not EventRegistration.objects.exists()
    assert not mail.outbox


def test_resubmitting_while_unconfirmed_keeps_one_registration_and_only_the_latest_link_confirms(
    client, post, meetup
):
    post(register_url(meetup), registration_data(meetup))
    old_link = link_in(mail.outbox[-1], r"https://kvm\.example\.org/steun/bevestigen/\S+")
    post(register_url(meetup), registration_data(meetup, guests="2"))
    new_link = link_in(mail.outbox[-1], r"https://kvm\.example\.org/steun/bevestigen/\S+")
    assert EventRegistration.objects.count() == 1
    assert post(old_link).status_code == 400
    assert post(new_link).status_code == 200
    assert rsvp_count(client, meetup) == 3


def test_registrations_are_in_the_export_and_erased_on_request(client, post, meetup):
    from supporters.services import personal_data_collect, personal_data_erase

    register_and_confirm(post, client, meetup, email="een@example.org", guests="1")
    post(register_url(meetup), registration_data(meetup, email="een@example.org"))  # "already", no change
    exported = personal_data_collect(email="een@example.org")["event_registrations"]
    assert [r["event"]["id"] for r in exported] == [meetup.pk]
    assert exported[0]["guests"] == 1 and {p["part"] for p in exported[0]["parts"]} == {
        "dialoogsessie",
        "borrel",
    }

    personal_data_erase(email="een@example.org")
    registration = EventRegistration.objects.get()
    assert registration.email is None and registration.name == ""
    assert rsvp_count(client, meetup) == 2  # the places still count, anonymously
    assert personal_data_collect(email="een@example.org")["event_registrations"] == []
