"""Writes for events: recording what a publish changed (SEQUENCE, the change ledger) and generating series.

`event_changes_record` runs after an activity page is published (`page_published`): every event's description
is compared with what calendars were last told; any difference raises SEQUENCE, and a change of time, place or
status becomes one `EventChange`, announced by `pages.signals.event_changed` after the commit. Apps that keep
registrants (supporters) receive that signal; `pages` never knows them.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from dateutil import rrule
from django.db import transaction
from django.utils import timezone

from ..signals import event_changed
from .changes import describe_event_changes, event_description
from .models import District, Event, EventChange, EventState


def event_changes_record(*, activity_id: int) -> list[EventChange]:
    """Compare the activity's (now live) events with their recorded state; raise SEQUENCE; log notable changes."""
    recorded: list[EventChange] = []
    with transaction.atomic():
        events = list(Event.objects.filter(activity_id=activity_id).select_related("district", "activity"))
        states = {
            state.event_id: state
            for state in EventState.objects.select_for_update().filter(event__in=[e.pk for e in events])
        }
        for event in events:
            description = event_description(event)
            state = states.get(event.pk)
            if state is None:
                EventState.objects.create(event=event, sequence=0, description=description)
                continue
            if state.description == description:
                continue
            changes = describe_event_changes(state.description, description)
            state.sequence += 1
            state.description = description
            state.save(update_fields=["sequence", "description", "updated_at"])
            if changes:
                recorded.append(
                    EventChange.objects.create(event=event, sequence=state.sequence, changes=changes)
                )
    for change in recorded:
        transaction.on_commit(lambda change=change: event_changed.send(sender=EventChange, change=change))
    return recorded


WEEKDAYS = {"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH, "FR": rrule.FR, "SA": rrule.SA}


def series_occurrences(*, rule: str, first: dt.date, until: dt.date) -> list[dt.date]:
    """The dates of an RFC 5545 RRULE ("FREQ=MONTHLY;BYDAY=+2TH") from `first` up to and including `until`."""
    start = dt.datetime.combine(first, dt.time(0, 0))
    recurrence = rrule.rrulestr(rule, dtstart=start, ignoretz=True)
    return [
        moment.date()
        for moment in recurrence.between(start, dt.datetime.combine(until, dt.time(23, 59)), inc=True)
    ]


def event_series_build(
    *,
    activity,
    rule: str,
    first: dt.date,
    until: dt.date,
    starts: dt.time,
    ends: dt.time,
    districts: Iterable[District] = (),
    place_name: str = "",
    address: str = "",
    capacity: int | None = None,
) -> list[Event]:
    """Add one event per occurrence (and per district, when given) to `activity`'s cluster, unsaved.

    The caller saves a revision (and publishes), so the series lands in the page's history like any edit.
    Each occurrence is then an ordinary event: move or cancel it on its own in the admin.
    """
    series = uuid.uuid4().hex
    zone = timezone.get_current_timezone()
    districts = list(districts) or [None]
    added = []
    for day in series_occurrences(rule=rule, first=first, until=until):
        for district in districts:
            event = Event(
                starts_at=dt.datetime.combine(day, starts, tzinfo=zone),
                ends_at=dt.datetime.combine(day, ends, tzinfo=zone),
                district=district,
                place_name=place_name,
                address=address,
                capacity=capacity,
                series=series,
            )
            activity.events.add(event)
            added.append(event)
    return added
