"""Reads for the agenda, the feeds and the API: a fixed number of queries whatever the number of events."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..extensions import event_counts
from ..models import ActivityPage
from .models import Event, EventPart


def public_events() -> QuerySet[Event]:
    """Events of live activities without view restrictions, with what every listing shows (three queries)."""
    activities = ActivityPage.objects.live().public().values("pk")
    return (
        Event.objects.filter(activity__in=activities)
        .select_related("activity", "district", "state")
        .prefetch_related(
            Prefetch("activity__event_parts", queryset=EventPart.objects.order_by("sort_order", "pk"))
        )
    )


def upcoming_events(*, district=None, activity_id: int | None = None) -> QuerySet[Event]:
    """Events that have not ended yet, soonest first; cancelled ones included (calendars must hear of them)."""
    events = public_events().filter(ends_at__gte=timezone.now())
    if district is not None:
        events = events.filter(district=district)
    if activity_id is not None:
        events = events.filter(activity_id=activity_id)
    return events.order_by("starts_at", "pk")


def past_events() -> QuerySet[Event]:
    return public_events().filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")


def public_event(*, event_id: int) -> Event | None:
    return public_events().filter(pk=event_id).first()


def with_counts(events) -> list[Event]:
    """The events as a list, each with `counts` (from the `kvm_event_counts` hook) and `confirmed_count`."""
    events = list(events)
    counts = event_counts(events)
    for event in events:
        event.counts = counts.get(event.pk, {})
        event.confirmed_count = event.counts.get("confirmed", 0)
    return events
