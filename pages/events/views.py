"""The agenda (agenda/): upcoming events by date, per district, the archive, each event's page and the feeds.

Every view answers in a fixed number of queries (events, districts and counts each in one go); filters are plain
paths, so the page cache keeps one copy of each.
"""

from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..extensions import event_sections
from .calendars import calendar_bytes
from .models import District
from .selectors import past_events, public_event, upcoming_events, with_counts

ARCHIVE_LIMIT = 500


def _by_day(events) -> list[tuple]:
    return [(day, list(items)) for day, items in groupby(events, key=lambda event: event.local_start.date())]


def agenda(request, district: str | None = None):
    districts = list(District.objects.all())
    current = None
    if district is not None:
        current = next((d for d in districts if d.slug == district), None)
        if current is None:
            raise Http404
    events = with_counts(upcoming_events(district=current))
    return TemplateResponse(
        request,
        "pages/agenda.html",
        {"districts": districts, "current": current, "days": _by_day(events), "count": len(events)},
    )


def archive(request):
    events = with_counts(past_events()[:ARCHIVE_LIMIT])
    return TemplateResponse(request, "pages/agenda_archive.html", {"events": events})


def event_detail(request, event_id: int):
    event = public_event(event_id=event_id)
    if event is None:
        raise Http404
    [event] = with_counts([event])
    context = {"event": event, "activity": event.activity, "parts": list(event.activity.event_parts.all())}
    context["sections"] = event_sections(request, event, context)
    return TemplateResponse(request, "pages/event.html", context)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed(request):
    return _ics(calendar_bytes(upcoming_events(), name=_("Kracht van Mokum — agenda")), "agenda.ics")


def district_feed(request, district: str):
    current = get_object_or_404(District, slug=district)
    name = _("Kracht van Mokum — %(district)s") % {"district": current.name}
    return _ics(calendar_bytes(upcoming_events(district=current), name=name), f"agenda-{current.slug}.ics")


def activity_feed(request, activity_id: int):
    from ..models import ActivityPage

    activity = ActivityPage.objects.live().public().filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    name = _("Kracht van Mokum — %(title)s") % {"title": activity.title}
    return _ics(
        calendar_bytes(upcoming_events(activity_id=activity.pk), name=name), f"activiteit-{activity.pk}.ics"
    )


def event_ics(request, event_id: int):
    event = public_event(event_id=event_id)
    if event is None:
        raise Http404
    return _ics(calendar_bytes([event], name=event.display_title), f"bijeenkomst-{event.pk}.ics")
