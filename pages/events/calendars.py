"""Calendars (RFC 5545) through the `icalendar` library: feeds and single events, the same component for both.

UIDs are stable (the event's id and the site's host), SEQUENCE comes from `EventState` (raised on every published
change), and a cancelled event stays in the feeds with STATUS:CANCELLED so subscribed calendars remove it.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.urls import reverse
from django.utils import timezone

from ..conf import pages_setting
from .models import Event

PRODID = "-//Kracht van Mokum//Agenda//NL"


def event_uid(event: Event) -> str:
    host = urlsplit(pages_setting("BASE_URL")).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def event_url(event: Event) -> str:
    return pages_setting("BASE_URL") + reverse("pages:event", args=[event.pk])


def event_sequence(event: Event) -> int:
    try:
        return event.state.sequence
    except Event.state.RelatedObjectDoesNotExist:
        return 0


def event_component(event: Event) -> icalendar.Event:
    """One VEVENT. Reads `event.activity`, `event.district`, `event.state` and the activity's parts (prefetched)."""
    component = icalendar.Event()
    url = event_url(event)
    component.add("uid", event_uid(event))
    component.add("sequence", event_sequence(event))
    component.add("dtstamp", timezone.now())
    component.add("dtstart", event.local_start)
    component.add("dtend", event.local_end)
    component.add("summary", event.display_title)
    component.add("location", event.where or url)
    component.add("url", url)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    parts = [part.label for part in event.activity.event_parts.all()]
    lines = [event.activity.title]
    if parts:
        lines.append(" · ".join(parts))
    if event.online_url:
        lines.append(event.online_url)
    lines.append(url)
    component.add("description", "\n".join(lines))
    if event.district_id:
        component.add("categories", [event.district.name])
    return component


def calendar_bytes(events: Iterable[Event], *, name: str) -> bytes:
    """A VCALENDAR with every event and the time zones they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for event in events:
        calendar.add_component(event_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
