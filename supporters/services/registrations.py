"""Registrations for events: submit, confirm (a place or the waiting list per part), cancel, move up, remind, tell.

Like a sign-up: stored unconfirmed with its consent, one email with a signed link, counted only once confirmed.
Places are given per part (or for the event as a whole when it has none), counting the person and their guests,
with confirmations for one event serialised by a row lock so two people cannot take the last place. The waiting
list is first come, first served: a freed place goes to the longest waiting, who is emailed. Every email carries
the event's `.ics` where it helps and a link to cancel.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from pages.cache import invalidate_public_pages
from pages.conf import pages_setting
from pages.events.calendars import calendar_bytes
from pages.models import Event, EventChange, EventPart

from ..emails import message_send
from ..models import Consent, EventNotice, EventRegistration, RegistrationPart, new_nonce
from ..tokens import make_token, read_token

logger = logging.getLogger(__name__)

KIND = "agenda"
CANCEL_PURPOSE = "rsvp-cancel"
# A cancel link must work until the event, which may be months after the registration.
CANCEL_MAX_AGE_SECONDS = 400 * 24 * 3600
REMINDER_BEFORE = dt.timedelta(hours=24)


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def registration_submit(
    *,
    event: Event,
    name: str,
    email: str,
    parts: list[EventPart],
    guests: int,
    consent_text: str,
    source_url: str,
    language: str = "",
) -> None:
    """Record (or refresh, while unconfirmed or cancelled) one registration and queue its confirmation email.

    A confirmed registration is not changed by a new submission; the person gets "you had already confirmed",
    with the link to cancel (and then register anew, for other parts).
    """
    email = _normalise(email)
    fields = {
        "name": name.strip(),
        "guests": guests or 0,
        "language": language or translation.get_language() or "",
    }
    with transaction.atomic():
        consent = Consent.objects.create(
            email=email, purpose="registration", wording=consent_text, source_url=(source_url or "")[:500]
        )
        registration, created = EventRegistration.objects.get_or_create(
            email=email, event=event, defaults={**fields, "consent": consent}
        )
        if created or not registration.is_active:
            for key, value in fields.items():
                setattr(registration, key, value)
            registration.consent = consent
            if not created:
                registration.nonce = new_nonce()
                registration.confirmed_at = None
                registration.cancelled_at = None
                registration.reminded_at = None
            registration.save()
            registration.parts.all().delete()
            RegistrationPart.objects.bulk_create(
                [RegistrationPart(registration=registration, part=part) for part in parts]
                or [RegistrationPart(registration=registration, part=None)]
            )
        language = fields["language"]
        transaction.on_commit(
            lambda: async_task("supporters.tasks.submission_mail_send", KIND, registration.pk, language)
        )


def _lock_event(event_id: int) -> None:
    list(Event.objects.select_for_update().filter(pk=event_id).values_list("pk", flat=True))


def _taken(*, event_id: int, part_id: int | None, exclude_id: int | None = None) -> int:
    rows = RegistrationPart.objects.filter(
        registration__event_id=event_id,
        registration__confirmed_at__isnull=False,
        registration__cancelled_at__isnull=True,
        waitlisted=False,
    )
    rows = rows.filter(part__isnull=True) if part_id is None else rows.filter(part_id=part_id)
    if exclude_id is not None:
        rows = rows.exclude(registration_id=exclude_id)
    return rows.aggregate(n=Sum(F("registration__guests") + 1))["n"] or 0


def _capacity(event: Event, row: RegistrationPart) -> int | None:
    return row.part.capacity if row.part_id else event.capacity


def _someone_waiting(*, event_id: int, part_id: int | None, exclude_id: int) -> bool:
    rows = RegistrationPart.objects.filter(
        registration__event_id=event_id,
        registration__confirmed_at__isnull=False,
        registration__cancelled_at__isnull=True,
        waitlisted=True,
    ).exclude(registration_id=exclude_id)
    rows = rows.filter(part__isnull=True) if part_id is None else rows.filter(part_id=part_id)
    return rows.exists()


def registration_place(registration: EventRegistration) -> None:
    """Give a just-confirmed registration a place in each part, or the waiting list where the part is full (or
    others already wait). Call inside a transaction, after `confirmed_at` is set."""
    _lock_event(registration.event_id)
    event = Event.objects.filter(pk=registration.event_id).first()
    if event is None:
        return
    for row in registration.parts.select_related("part"):
        capacity = _capacity(event, row)
        if capacity is None:
            waitlisted = False
        else:
            taken = _taken(event_id=event.pk, part_id=row.part_id, exclude_id=registration.pk)
            waitlisted = taken + registration.places > capacity or _someone_waiting(
                event_id=event.pk, part_id=row.part_id, exclude_id=registration.pk
            )
        if row.waitlisted != waitlisted:
            row.waitlisted = waitlisted
            row.save(update_fields=["waitlisted"])
    transaction.on_commit(
        lambda: async_task("supporters.tasks.registration_mail_send", registration.pk, "registered")
    )


def registration_waitlist_promote(*, event_id: int) -> list[int]:
    """Give freed places to the longest waiting, part by part, first come first served; email each once.

    Returns the ids of the registrations that moved up (at least one part).
    """
    promoted: set[int] = set()
    now = timezone.now()
    with transaction.atomic():
        _lock_event(event_id)
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            return []
        waiting = (
            RegistrationPart.objects.filter(
                registration__event_id=event_id,
                registration__confirmed_at__isnull=False,
                registration__cancelled_at__isnull=True,
                waitlisted=True,
            )
            .select_related("registration", "part")
            .order_by("registration__confirmed_at", "registration_id")
        )
        blocked: set[int | None] = set()
        for row in waiting:
            if row.part_id in blocked:
                continue
            capacity = _capacity(event, row)
            taken = _taken(event_id=event_id, part_id=row.part_id)
            if capacity is not None and taken + row.registration.places > capacity:
                blocked.add(row.part_id)  # the first in line does not fit yet: nobody jumps the queue
                continue
            RegistrationPart.objects.filter(pk=row.pk).update(waitlisted=False, promoted_at=now)
            promoted.add(row.registration_id)
        if promoted:
            invalidate_public_pages()
    for registration_id in sorted(promoted):
        transaction.on_commit(
            lambda pk=registration_id: async_task("supporters.tasks.registration_mail_send", pk, "promoted")
        )
    return sorted(promoted)


def cancel_token(registration: EventRegistration) -> str:
    return make_token(CANCEL_PURPOSE, {"id": registration.pk, "n": registration.nonce})


def cancel_url(registration: EventRegistration) -> str:
    return pages_setting("BASE_URL") + reverse(
        "supporters:registration_cancel", args=[cancel_token(registration)]
    )


def registration_from_cancel_token(token: str) -> EventRegistration | None:
    """The registration a cancel link points at, or None (bad, foreign, expired or superseded link)."""
    from ..tokens import InvalidToken

    try:
        payload = read_token(CANCEL_PURPOSE, token, max_age=CANCEL_MAX_AGE_SECONDS)
    except InvalidToken:
        return None
    return (
        EventRegistration.objects.filter(pk=payload.get("id"), nonce=payload.get("n"), email__isnull=False)
        .select_related("event")
        .first()
    )


def registration_cancel(*, registration: EventRegistration) -> bool:
    """Cancel; a freed place goes to the first waiting. Returns False when it was already cancelled."""
    with transaction.atomic():
        updated = EventRegistration.objects.filter(pk=registration.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        if updated and registration.event_id and registration.confirmed_at:
            invalidate_public_pages()
            registration_waitlist_promote(event_id=registration.event_id)
    return bool(updated)


# --- Emails ---------------------------------------------------------------------------------------------------


def _event_for_mail(event_id: int) -> Event | None:
    return (
        Event.objects.filter(pk=event_id)
        .select_related("activity", "district", "state")
        .prefetch_related("activity__event_parts")
        .first()
    )


def _ics(event: Event) -> tuple[str, bytes, str]:
    return (f"bijeenkomst-{event.pk}.ics", calendar_bytes([event], name=event.display_title), "text/calendar")


def _context(registration: EventRegistration, event: Event) -> dict:
    rows = list(registration.parts.select_related("part").order_by("part__sort_order", "pk"))
    return {
        "registration": registration,
        "event": event,
        "event_url": pages_setting("BASE_URL") + reverse("pages:event", args=[event.pk]),
        "cancel_url": cancel_url(registration),
        "rows": [
            {"label": row.part.label if row.part_id else event.display_title, "waitlisted": row.waitlisted}
            for row in rows
        ],
        "all_waitlisted": bool(rows) and all(row.waitlisted for row in rows),
    }


def registration_confirm_mail_send(*, registration: EventRegistration) -> None:
    """The double opt-in email of a registration: the confirm link (or "already confirmed") and the cancel link."""
    from .submissions import confirm_purpose

    event = _event_for_mail(registration.event_id) if registration.event_id else None
    if event is None:
        return
    context = _context(registration, event)
    if registration.is_confirmed:
        message_send(
            to=registration.email,
            subject=_("U had zich al aangemeld voor “%(title)s”") % {"title": event.display_title},
            template="registration_already",
            context=context,
        )
        return
    token = make_token(confirm_purpose(KIND), {"id": registration.pk, "n": registration.nonce})
    context["confirm_url"] = pages_setting("BASE_URL") + reverse(
        "supporters:confirm", kwargs={"kind": KIND, "token": token}
    )
    message_send(
        to=registration.email,
        subject=_("Bevestig uw aanmelding voor “%(title)s”") % {"title": event.display_title},
        template="registration_confirm",
        context=context,
    )


MAIL_SUBJECTS = {
    "registered": gettext_lazy("U bent aangemeld voor “%(title)s”"),
    "promoted": gettext_lazy("Er is een plaats vrijgekomen: “%(title)s”"),
    "reminder": gettext_lazy("Morgen: “%(title)s”"),
}


def registration_mail_send(
    *, registration: EventRegistration, purpose: str, change: EventChange | None = None
) -> bool:
    """One of the registrant's emails after confirming ("registered", "promoted", "reminder", "changed"), with the
    event's `.ics` attached. Returns whether it was sent."""
    if not registration.email or not registration.event_id:
        return False
    event = _event_for_mail(registration.event_id)
    if event is None:
        return False
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = _context(registration, event)
        if change is not None:
            context["changes"] = change.changes
            subject = _("Gewijzigd: “%(title)s”") % {"title": event.display_title}
            if event.cancelled:
                subject = _("Gaat niet door: “%(title)s”") % {"title": event.display_title}
        else:
            subject = str(MAIL_SUBJECTS[purpose]) % {"title": event.display_title}
        message_send(
            to=registration.email,
            subject=subject,
            template=f"registration_{purpose}",
            context=context,
            attachments=(_ics(event),),
        )
    return True


# --- Reminders and change notices (django-q2 tasks call these) ------------------------------------------------


def _active(queryset):
    return queryset.filter(confirmed_at__isnull=False, cancelled_at__isnull=True, email__isnull=False)


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind everyone with a place whose event starts within 24 hours: each registration once, ever.

    The row is claimed (`reminded_at`) before the email goes, so two runs at once or a rerun send nothing twice;
    a failed send is logged, not retried.
    """
    now = now or timezone.now()
    has_place = Exists(RegistrationPart.objects.filter(registration=OuterRef("pk"), waitlisted=False))
    due = _active(EventRegistration.objects).filter(
        has_place,
        reminded_at__isnull=True,
        event__cancelled=False,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    )
    sent = 0
    for registration in due.order_by("pk"):
        claimed = EventRegistration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue
        try:
            sent += registration_mail_send(registration=registration, purpose="reminder")
        except Exception:
            logger.exception("Reminder for registration %s failed", registration.pk)
    return sent


def event_change_notify(*, change: EventChange) -> int:
    """Tell every confirmed registrant of the event what changed (old → new): one email each per change."""
    sent = 0
    for registration in _active(EventRegistration.objects.filter(event_id=change.event_id)).order_by("pk"):
        notice, created = EventNotice.objects.get_or_create(registration=registration, change=change)
        if not created:
            continue
        try:
            if registration_mail_send(registration=registration, purpose="changed", change=change):
                EventNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
                sent += 1
        except Exception:
            logger.exception("Change notice for registration %s failed", registration.pk)
    return sent


# --- Public counts ---------------------------------------------------------------------------------------------


def event_counts(events: list[Event]) -> dict[int, dict]:
    """Confirmed places per event (a person and their guests, once however many parts) and per part, and how many
    wait: two queries for any number of events. Only confirmed, not cancelled registrations count (erased ones
    still count, anonymously)."""
    ids = [event.pk for event in events]
    counts: dict[int, dict] = {
        pk: {"confirmed": 0, "waiting": 0, "parts": {}, "parts_waiting": {}} for pk in ids
    }
    has_place = Exists(RegistrationPart.objects.filter(registration=OuterRef("pk"), waitlisted=False))
    per_event = (
        EventRegistration.objects.filter(
            event_id__in=ids, confirmed_at__isnull=False, cancelled_at__isnull=True
        )
        .annotate(has_place=has_place)
        .values("event_id", "has_place")
        .annotate(places=Sum(F("guests") + 1))
    )
    for row in per_event:
        counts[row["event_id"]]["confirmed" if row["has_place"] else "waiting"] += row["places"] or 0
    per_part = (
        RegistrationPart.objects.filter(
            Q(registration__event_id__in=ids),
            registration__confirmed_at__isnull=False,
            registration__cancelled_at__isnull=True,
        )
        .values("registration__event_id", "part_id", "waitlisted")
        .annotate(places=Sum(F("registration__guests") + 1))
    )
    for row in per_part:
        key = "parts_waiting" if row["waitlisted"] else "parts"
        counts[row["registration__event_id"]][key][row["part_id"]] = row["places"] or 0
    return counts
