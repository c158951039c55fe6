"""The organisers' view of an event's registrations: by part (places, waiting list), a CSV and an attendance list.

Read-only. Email addresses only for users with `supporters.view_supporter_email`; every CSV cell a person typed
is neutralised so a spreadsheet never runs it as a formula.
"""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pages.events.selectors import with_counts
from pages.models import Event

from . import selectors

VIEW_PERMISSION = "supporters.view_eventregistration"
EMAIL_PERMISSION = "supporters.view_supporter_email"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A CSV cell that no spreadsheet runs as a formula (CSV injection): such cells get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _allowed(request) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def _event(event_id: int) -> Event:
    event = Event.objects.select_related("activity", "district").filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


def event_index(request):
    """Every event, soonest upcoming first then the past, with confirmed places and the waiting list."""
    _allowed(request)
    now = timezone.now()
    events = Event.objects.select_related("activity", "district").prefetch_related("activity__event_parts")
    upcoming = with_counts(events.filter(ends_at__gte=now).order_by("starts_at", "pk"))
    past = with_counts(events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:200])
    return TemplateResponse(
        request, "supporters/admin/event_index.html", {"upcoming": upcoming, "past": past}
    )


def event_registrations(request, event_id: int):
    _allowed(request)
    event = _event(event_id)
    return TemplateResponse(
        request,
        "supporters/admin/event_registrations.html",
        {
            "event": event,
            "groups": selectors.event_registrations(event_id=event.pk),
            "show_email": request.user.has_perm(EMAIL_PERMISSION),
        },
    )


def event_attendance(request, event_id: int):
    """A printable attendance list: everyone with a place, per part, with a box to tick at the door."""
    _allowed(request)
    event = _event(event_id)
    return TemplateResponse(
        request,
        "supporters/admin/event_attendance.html",
        {"event": event, "groups": selectors.event_registrations(event_id=event.pk)},
    )


STATUS_LABELS = {
    "confirmed": "plaats",
    "waiting": "wachtlijst",
    "unconfirmed": "niet bevestigd",
    "cancelled": "afgemeld",
}


def event_csv(request, event_id: int):
    _allowed(request)
    event = _event(event_id)
    show_email = request.user.has_perm(EMAIL_PERMISSION)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aanmeldingen-bijeenkomst-{event.pk}.csv"'
    response.write("\ufeff")  # so spreadsheets read UTF-8
    writer = csv.writer(response)
    header = [_("onderdeel"), _("status"), _("naam")]
    if show_email:
        header.append(_("e-mailadres"))
    header += [_("introducés"), _("ingestuurd op"), _("bevestigd op")]
    writer.writerow(header)
    for group in selectors.event_registrations(event_id=event.pk):
        for status, label in STATUS_LABELS.items():
            for registration in group.get(status, []):
                row = [group["label"], label, registration.name]
                if show_email:
                    row.append(registration.email or "")
                row += [
                    registration.guests,
                    timezone.localtime(registration.created_at).isoformat(timespec="minutes"),
                    timezone.localtime(registration.confirmed_at).isoformat(timespec="minutes")
                    if registration.confirmed_at
                    else "",
                ]
                writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response
