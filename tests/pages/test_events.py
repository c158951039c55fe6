"""Events of activities: the agenda, calendars (RFC 5545), series, the change list, constant query counts."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.actions import PublishVersionAction
from pages.events.services import event_series_build, series_occurrences
from pages.models import ActivityPage, CallPage, District, Event
from supporters.models import EventRegistration, RegistrationPart

from ..conftest import edit_event


@pytest.fixture
def activity(make_document):
    document = make_document(calls=1, activities_per_call=2)
    call = CallPage.objects.child_of(document).get()
    return ActivityPage.objects.child_of(call).order_by("path").first()


def ics_events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def assert_complete(vevent):
    for name in ("DTSTART", "DTEND", "UID", "DTSTAMP", "SEQUENCE", "SUMMARY", "STATUS"):
        assert name in vevent, name
    assert vevent.get("LOCATION") or vevent.get("URL")
    assert vevent.decoded("DTEND") >= vevent.decoded("DTSTART")


def test_every_calendar_the_site_serves_parses_and_is_complete(client, activity, make_event):
    placed = make_event(activity, parts=[("dialoogsessie", "19:30", "20:30", 20)])
    online = make_event(
        activity, days=9, place_name="", address="", online_url="https://meet.example.org/kvm", district=None
    )
    urls = [
        "/agenda/feed.ics",
        f"/agenda/stadsdeel/{placed.district.slug}/feed.ics",
        f"/agenda/activiteit/{activity.pk}/feed.ics",
        f"/agenda/{placed.pk}/agenda.ics",
        f"/agenda/{online.pk}/agenda.ics",
    ]
    seen = set()
    for url in urls:
        for vevent in ics_events(client.get(url)):
            assert_complete(vevent)
            seen.add(str(vevent["UID"]))
    assert seen == {f"event-{placed.pk}@kvm.example.org", f"event-{online.pk}@kvm.example.org"}
    [single] = ics_events(client.get(f"/agenda/{online.pk}/agenda.ics"))
    assert str(single["LOCATION"]) == "https://meet.example.org/kvm"
    assert single.decoded("DTSTART").utcoffset() == online.local_start.utcoffset()  # Europe/Amsterdam
    calendar = icalendar.Calendar.from_ical(client.get("/agenda/feed.ics").content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    [district_only] = ics_events(client.get(f"/agenda/stadsdeel/{placed.district.slug}/feed.ics"))
    assert district_only["UID"] == f"event-{placed.pk}@kvm.example.org"
    assert client.get("/agenda/stadsdeel/atlantis/feed.ics").status_code == 404
    assert client.get("/agenda/999999999/agenda.ics").status_code == 404


def test_the_agenda_lists_upcoming_events_by_date_with_district_links_and_an_archive(
    client, activity, make_event
):
    noord = make_event(activity, days=3, title="Ontmoeting Noord")
    oost = make_event(activity, days=5, title="Ontmoeting Oost", district=District.objects.get(slug="oost"))
    past = make_event(activity, days=-30, title="Ontmoeting van vorige maand")
    registration = EventRegistration.objects.create(
        event=past, name="A", email="a@example.org", guests=2, confirmed_at=timezone.now()
    )
    RegistrationPart.objects.create(registration=registration)
    EventRegistration.objects.create(event=past, name="B", email="b@example.org")  # never confirmed

    html = client.get("/agenda/").content.decode()
    assert html.index("Ontmoeting Noord") < html.index("Ontmoeting Oost")
    assert "vorige maand" not in html
    for district in ("Centrum", "Nieuw-West", "Noord", "Oost", "West", "Zuid", "Zuidoost", "Weesp"):
        assert f">{district}</a>" in html
    assert 'href="/agenda/stadsdeel/oost/"' in html
    assert f'href="/agenda/{noord.pk}/"' in html

    filtered = client.get("/agenda/stadsdeel/oost/").content.decode()
    assert "Ontmoeting Oost" in filtered and "Ontmoeting Noord" not in filtered
    assert client.get("/agenda/stadsdeel/atlantis/").status_code == 404

    archive = client.get("/agenda/archief/").content.decode()
    assert "Ontmoeting van vorige maand" in archive and "Ontmoeting Oost" not in archive
    assert 'data-rsvp-count="3"' in archive  # the confirmed reader and two guests; the unconfirmed one not

    activity_page = client.get(activity.url).content.decode()
    assert "Ontmoeting Noord" in activity_page and "Ontmoeting Oost" in activity_page
    assert "vorige maand" not in activity_page

    event_page = client.get(f"/agenda/{oost.pk}/").content.decode()
    assert 'id="rsvp-form"' in event_page
    assert "Zet in mijn agenda" in event_page
    assert 'data-rsvp-count="0"' in event_page


def test_events_of_unpublished_or_restricted_activities_are_not_public(client, activity, make_event):
    event = make_event(activity)
    activity.unpublish()
    assert client.get(f"/agenda/{event.pk}/").status_code == 404
    assert not ics_events(client.get("/agenda/feed.ics"))
    assert "Activiteit" not in client.get("/agenda/").content.decode().split("<main")[1]


def _bulk_events(activity, n: int, parts) -> None:
    districts = list(District.objects.all())
    start = timezone.now() + dt.timedelta(days=1)
    Event.objects.bulk_create(
        [
            Event(
                activity=activity,
                starts_at=start + dt.timedelta(hours=i),
                ends_at=start + dt.timedelta(hours=i + 2),
                district=districts[i % len(districts)],
                place_name=f"Buurthuis {i}",
                sort_order=i,
            )
            for i in range(n)
        ]
    )


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/",
        "/agenda/stadsdeel/noord/",
        "/agenda/archief/",
        "/agenda/feed.ics",
        "/agenda/stadsdeel/noord/feed.ics",
        "/agenda/activiteit/{activity}/feed.ics",
    ],
)
def test_agenda_and_feeds_answer_in_a_constant_number_of_queries(client, make_document, url):
    counts = []
    for n in (10, 1000):
        document = make_document(calls=1, activities_per_call=1)
        activity = ActivityPage.objects.descendant_of(document).get()
        path = url.format(activity=activity.pk)
        Event.objects.all().delete()
        if "archief" in path:
            _bulk_events(activity, n, None)
            Event.objects.update(
                starts_at=timezone.now() - dt.timedelta(days=400),
                ends_at=timezone.now() - dt.timedelta(days=399),
            )
        else:
            _bulk_events(activity, n, None)
        registration = EventRegistration.objects.create(
            event=Event.objects.first(), email=f"r{n}@example.org", confirmed_at=timezone.now()
        )
        RegistrationPart.objects.create(registration=registration)
        counts.append(_queries(client, path))
        if "activiteit" in path:
            assert len(ics_events(client.get(path))) == n
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12


def test_a_series_gives_one_event_per_occurrence_and_district_each_movable_on_its_own(client, activity):
    dates = series_occurrences(
        rule="FREQ=MONTHLY;BYDAY=+2TH", first=dt.date(2021, 11, 1), until=dt.date(2022, 3, 16)
    )
    assert dates == [
        dt.date(2021, 11, 11),
        dt.date(2021, 12, 9),
        dt.date(2022, 1, 13),
        dt.date(2022, 2, 10),
        dt.date(2022, 3, 10),
    ]

    page = ActivityPage.objects.get(pk=activity.pk)
    first = timezone.localdate() + dt.timedelta(days=1)
    event_series_build(
        activity=page,
        rule="FREQ=MONTHLY;BYDAY=+2TH",
        first=first,
        until=first + dt.timedelta(days=120),
        starts=dt.time(19, 30),
        ends=dt.time(21, 30),
        districts=District.objects.all(),
    )
    page.save_revision().publish()
    events = list(Event.objects.filter(activity=activity).order_by("starts_at", "district__sort_order"))
    months = {event.local_start.date() for event in events}
    assert len(events) == 8 * len(months) and len(months) >= 3
    assert all(e.local_start.weekday() == 3 and 8 <= e.local_start.day <= 14 for e in events)
    assert all(e.local_start.time() == dt.time(19, 30) for e in events)
    assert len({e.series for e in events}) == 1

    moved = edit_event(
        events[0],
        starts_at=events[0].starts_at + dt.timedelta(days=1),
        ends_at=events[0].ends_at + dt.timedelta(days=1),
    )
    cancelled = edit_event(events[1], cancelled=True)
    assert moved.state.sequence == 1 and cancelled.state.sequence == 1
    others = Event.objects.filter(activity=activity).exclude(pk__in=[moved.pk, cancelled.pk])
    assert all(e.state.sequence == 0 and not e.cancelled for e in others.select_related("state"))
    assert ActivityPage.objects.get(pk=activity.pk).revisions.count() == 3  # the series, then each edit


def test_the_versions_change_list_names_event_changes(activity, make_event):
    document = activity.get_parent().get_parent().specific
    event = make_event(activity, title="Ontmoeting Noord")
    PublishVersionAction(document, note="Eerste", skip_permission_check=True).execute()
    moved = edit_event(
        event, starts_at=event.starts_at + dt.timedelta(days=7), ends_at=event.ends_at + dt.timedelta(days=7)
    )
    edit_event(moved, place_name="Het Buurthuis", address="")
    added = make_event(activity, days=40, title="Extra ontmoeting")
    version = PublishVersionAction(document, note="Tweede", skip_permission_check=True).execute()
    texts = [change["text"] for change in version.changes if change["type"] == "event"]
    assert f"Tijd van “Ontmoeting Noord”: {event.when} → {moved.when}." in texts
    assert (
        "Plaats van “Ontmoeting Noord”: Buurthuis De Meeuw, Meeuwenlaan 1, Amsterdam → Het Buurthuis."
        in texts
    )
    assert f"Nieuwe bijeenkomst bij “{activity.title}”: {added.when}." in texts
    assert not [c for c in version.changes if c["type"] == "activity" and c["kind"] == "text"]


def test_the_demo_holds_the_seeds_events(db, client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    conference = Event.objects.get(activity__title="Buurtconferentie Samen Stadmaken")
    assert conference.local_start.date() == dt.date(2021, 11, 2)
    diabat = Event.objects.get(activity__title="Diabat met de fractieleiders")
    assert diabat.local_start.date() == dt.date(2022, 3, 3) and diabat.place_name == ""  # for the editor
    meetups = Event.objects.filter(activity__title="Maandelijks ontmoetingsmoment per wijk")
    assert meetups.count() == 5 * 8
    assert {e.district.name for e in meetups} == {
        "Centrum",
        "Nieuw-West",
        "Noord",
        "Oost",
        "West",
        "Zuid",
        "Zuidoost",
        "Weesp",
    }
    assert all(e.local_start.weekday() == 3 and e.local_start.time() == dt.time(19, 30) for e in meetups)
    activity = meetups.first().activity
    assert [p.label for p in activity.event_parts.all()] == [
        "dialoogsessie 19.30–20.30",
        "borrel vanaf 20.30",
    ]
    call_command("load_demo", verbosity=0)
    assert Event.objects.count() == 42
    archive = client.get("/agenda/archief/").content.decode()
    assert "Buurtconferentie Samen Stadmaken" in archive
