"""The agenda in the headless API: upcoming events (with public counts), one event, and its parts.

Only events of live activities without view restrictions, as on the site's agenda. Lists answer in a fixed number
of queries; counts come in bulk through `pages.extensions.event_counts` (confirmed places only). Registering goes
through `supporters.api` (`POST /supporters/events/{id}/registrations/`), the same intake as the site's form.
"""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from ..conf import pages_setting
from ..events.models import District
from ..events.selectors import public_event, upcoming_events, with_counts
from .contract import MAX_ID, ContractPagination, IdPath, operation, paged
from .problems import ApiProblem

router = Router(tags=["agenda"])

EventId = IdPath("Het id van de bijeenkomst.")

EVENT_EXAMPLE = {
    "id": 7,
    "title": "Ontmoetingsmoment Noord",
    "activity_id": 41,
    "activity_title": "Maandelijkse ontmoetingsmomenten in alle wijken",
    "starts_at": "2026-12-10T19:30:00+01:00",
    "ends_at": "2026-12-10T21:30:00+01:00",
    "when": "donderdag 10 december 2026, 19.30–21.30 uur",
    "place_name": "Buurthuis De Meeuw",
    "address": "Meeuwenlaan 88, Amsterdam",
    "online_url": "",
    "district": "Noord",
    "cancelled": False,
    "capacity": 40,
    "sequence": 0,
    "confirmed": 12,
    "waiting": 0,
    "parts": [
        {
            "id": 1,
            "name": "dialoog",
            "label": "Dialoogsessie 19.30–20.30",
            "capacity": 30,
            "confirmed": 10,
            "waiting": 0,
        },
        {
            "id": 2,
            "name": "borrel",
            "label": "Borrel vanaf 20.30",
            "capacity": None,
            "confirmed": 12,
            "waiting": 0,
        },
    ],
    "url": "https://krachtvanmokum.nl/agenda/7/",
    "ics_url": "https://krachtvanmokum.nl/agenda/7/agenda.ics",
}


class EventPartOut(Schema):
    """A part of the evening that people register for on its own, with its places."""

    id: int
    name: str
    label: str
    capacity: int | None
    confirmed: int = Field(description="Bezette plaatsen (bevestigd, met introducés).")
    waiting: int = Field(description="Plaatsen op de wachtlijst.")


class EventOut(Schema):
    """One event of an activity: when, where, district, status, parts and confirmed counts."""

    id: int
    title: str
    activity_id: int
    activity_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    when: str
    place_name: str
    address: str
    online_url: str
    district: str | None
    cancelled: bool
    capacity: int | None
    sequence: int
    confirmed: int = Field(
        description="Bevestigde plaatsen (mensen en hun introducés); alleen na bevestiging."
    )
    waiting: int
    parts: list[EventPartOut]
    url: str
    ics_url: str


class EventFilters(Schema):
    district: str | None = Field(
        None, max_length=80, description="Alleen dit stadsdeel (korte naam, bv. noord)."
    )
    activity: int | None = Field(
        None, ge=1, le=MAX_ID, description="Alleen de bijeenkomsten van deze activiteit."
    )


def _event_out(event) -> dict:
    counts = event.counts
    base = pages_setting("BASE_URL")
    try:
        sequence = event.state.sequence
    except event.__class__.state.RelatedObjectDoesNotExist:
        sequence = 0
    parts = list(event.activity.event_parts.all())
    return {
        "id": event.pk,
        "title": event.display_title,
        "activity_id": event.activity_id,
        "activity_title": event.activity.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "when": event.when,
        "place_name": event.place_name,
        "address": event.address,
        "online_url": event.online_url,
        "district": event.district.name if event.district_id else None,
        "cancelled": event.cancelled,
        "capacity": event.capacity,
        "sequence": sequence,
        "confirmed": counts.get("confirmed", 0),
        "waiting": counts.get("waiting", 0),
        "parts": [
            {
                "id": part.pk,
                "name": part.name,
                "label": part.label,
                "capacity": part.capacity,
                "confirmed": counts.get("parts", {}).get(part.pk, 0),
                "waiting": counts.get("parts_waiting", {}).get(part.pk, 0),
            }
            for part in parts
        ],
        "url": base + reverse("pages:event", args=[event.pk]),
        "ics_url": base + reverse("pages:event_ics", args=[event.pk]),
    }


class EventListing:
    """A lazily sliced list of events that fills in counts for the slice only."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, items):
        return [_event_out(event) for event in with_counts(self.queryset[items])]


@router.get(
    "/events/",
    response=list[EventOut],
    url_name="kvm_events",
    operation_id="agenda_events_list",
    summary="Komende bijeenkomsten",
    openapi_extra=operation(example=paged([EVENT_EXAMPLE]), problems=(400, 404, 422)),
)
@paginate(ContractPagination)
def list_events(request: HttpRequest, filters: Query[EventFilters], **kwargs):
    """Upcoming events, soonest first (cancelled ones included, with `cancelled: true`), with confirmed counts."""
    district = None
    if filters.district:
        district = District.objects.filter(slug=filters.district).first()
        if district is None:
            raise ApiProblem(404, _("Er is geen stadsdeel met deze naam."))
    return EventListing(upcoming_events(district=district, activity_id=filters.activity))


@router.get(
    "/events/{event_id}/",
    response=EventOut,
    url_name="kvm_event",
    operation_id="agenda_event",
    summary="Eén bijeenkomst",
    openapi_extra=operation(example=EVENT_EXAMPLE, problems=(404, 422)),
)
def event_detail(request: HttpRequest, event_id: int = EventId):
    event = public_event(event_id=event_id)
    if event is None:
        raise ApiProblem(404, _("Er is geen openbare bijeenkomst met dit id."))
    [event] = with_counts([event])
    return _event_out(event)
