"""What changed about an event, in the words of the document's change list ("Tijd van “…”: oud → nieuw.").

One description per event (`event_description`, plain JSON) serves three readers: the version snapshot, the state
calendars were last told (`EventState`), and the email to registrants. `describe_event_changes` compares two of
them; `snapshot_event_changes` does so for two snapshots, for the version's change list.
"""

from typing import Any

from django.conf import settings
from django.utils import translation

from .models import Event

# The fields a registrant must hear about when they change (time, place, status); others only raise SEQUENCE.
NOTIFY_FIELDS = ("when", "where", "cancelled")


def event_description(event: Event) -> dict[str, Any]:
    """The event as the public sees it, in the document's language (it is written content, like a change list)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "id": event.pk,
            "title": event.display_title,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "when": event.when,
            "where": event.where,
            "district": event.district.name if event.district_id and event.district else "",
            "cancelled": bool(event.cancelled),
        }


def _text(kind: str, title: str, old: dict, new: dict) -> str:
    if kind == "when":
        return f"Tijd van “{title}”: {old['when']} → {new['when']}."
    if kind == "where":
        return f"Plaats van “{title}”: {old['where'] or 'nog niet bekend'} → {new['where'] or 'nog niet bekend'}."
    if kind == "cancelled":
        return (
            f"“{title}” ({new['when']}) gaat niet door." if new["cancelled"] else f"“{title}” gaat toch door."
        )
    return f"“{title}” aangepast."


def _shown(field: str, value: Any) -> str:
    """A value as the change list shows it (text; a cancellation in words)."""
    if field == "cancelled":
        return "gaat niet door" if value else "gaat door"
    return "" if value is None else str(value)


def describe_event_changes(old: dict, new: dict) -> list[dict[str, Any]]:
    """The changes from `old` to `new` (two `event_description`s) that matter to someone who comes: time, place,
    status. Each has `field`, `old`, `new` and the change list's one-line `text`."""
    changes = []
    for field in NOTIFY_FIELDS:
        if old.get(field) != new.get(field):
            changes.append(
                {
                    "field": field,
                    "old": old.get(field),
                    "new": new.get(field),
                    "text": _text(field, new.get("title") or old.get("title", ""), old, new),
                }
            )
    return changes


def snapshot_event_changes(old: dict | None, new: dict) -> list[dict[str, Any]]:
    """Event changes between two document snapshots, as change-list entries (type "event").

    For `pages.versioning.compute_changes`: added, removed, moved (time), relocated (place) and cancelled events of every activity
    present in both versions (an added or removed activity is already one change of its own).
    """
    if not old:
        return []

    def events_of(snapshot: dict) -> dict[int, tuple[dict, dict]]:
        return {
            event["id"]: (event, activity)
            for call in snapshot.get("calls", [])
            for activity in call.get("activities", [])
            for event in activity.get("events", [])
        }

    def activity_ids(snapshot: dict) -> set[int]:
        return {a["id"] for call in snapshot.get("calls", []) for a in call.get("activities", [])}

    before, after = events_of(old), events_of(new)
    in_both = activity_ids(old) & activity_ids(new)
    changes: list[dict[str, Any]] = []
    for event_id, (event, activity) in after.items():
        previous = before.get(event_id)
        if previous is None:
            if activity["id"] in in_both:
                changes.append(
                    {
                        "kind": "added",
                        "type": "event",
                        "id": event_id,
                        "activity_id": activity["id"],
                        "title": event["title"],
                        "text": f"Nieuwe bijeenkomst bij “{activity['title']}”: {event['when']}.",
                    }
                )
            continue
        for change in describe_event_changes(previous[0], event):
            # The change list's kinds: a new time or place is an edited short field, a cancellation a status.
            kind = "status" if change["field"] == "cancelled" else "edited"
            changes.append(
                {
                    "kind": kind,
                    "type": "event",
                    "id": event_id,
                    "activity_id": activity["id"],
                    "title": event["title"],
                    "field": change["field"],
                    "old": _shown(change["field"], change["old"]),
                    "new": _shown(change["field"], change["new"]),
                    "text": change["text"],
                }
            )
    for event_id, (event, activity) in before.items():
        if event_id not in after and activity["id"] in in_both:
            changes.append(
                {
                    "kind": "removed",
                    "type": "event",
                    "id": event_id,
                    "activity_id": activity["id"],
                    "title": event["title"],
                    "text": f"Bijeenkomst van “{activity['title']}” op {event['when']} geschrapt.",
                }
            )
    return changes


def snapshot_events(*, activity_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each activity's events as `event_description`s, by start, for a version snapshot: one query."""
    by_activity: dict[int, list[dict[str, Any]]] = {pk: [] for pk in activity_ids}
    for event in (
        Event.objects.filter(activity_id__in=activity_ids)
        .select_related("district", "activity")
        .order_by("starts_at", "pk")
    ):
        by_activity[event.activity_id].append(event_description(event))
    return by_activity
