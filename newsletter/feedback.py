"""Provider feedback: anymail tracking events update the ledger and the suppression list, once per event."""

import datetime as dt
import hashlib
import json
import logging

from anymail.signals import AnymailTrackingEvent, EventType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from . import ledger
from .conf import newsletter_setting
from .models import SOFT_BOUNCE, Delivery, DeliveryStatus, Subscriber, SuppressionReason, TrackingEvent
from .services import unsubscribe_all

logger = logging.getLogger(__name__)

# anymail event type → the suppression it causes (None: none)
SUPPRESSING = {
    EventType.BOUNCED: SuppressionReason.BOUNCED,
    EventType.REJECTED: SuppressionReason.REJECTED,
    EventType.COMPLAINED: SuppressionReason.COMPLAINED,
    EventType.UNSUBSCRIBED: SuppressionReason.UNSUBSCRIBED,
}


# SOFT_BOUNCE is recorded in place of anymail's "bounced" when the provider says the failure is temporary (mailbox
# full, greylisting): anymail reports Postmark's SoftBounce and Amazon SES's Transient bounces as "bounced" too.
_SOFT_TYPES = {"softbounce", "transient", "dnserror", "autoresponder", "undeliverable"}


def bounce_kind(event: AnymailTrackingEvent) -> str:
    """The event type to keep: anymail's, except a temporary bounce becomes SOFT_BOUNCE."""
    event_type = event.event_type or EventType.UNKNOWN
    if event_type == EventType.DEFERRED:
        return SOFT_BOUNCE
    if event_type != EventType.BOUNCED or not isinstance(event.esp_event, dict):
        return event_type
    raw = event.esp_event
    bounce = raw.get("bounce") if isinstance(raw.get("bounce"), dict) else {}  # Amazon SES
    kind = str(raw.get("Type") or bounce.get("bounceType") or raw.get("severity") or "").lower()
    return SOFT_BOUNCE if kind in _SOFT_TYPES or kind == "temporary" else event_type


def _soft_bounces_exceeded(*, email: str, now: dt.datetime) -> bool:
    """Only repeated soft bounces suppress: SOFT_BOUNCE_LIMIT of them within SOFT_BOUNCE_WINDOW_DAYS."""
    since = now - dt.timedelta(days=newsletter_setting("SOFT_BOUNCE_WINDOW_DAYS"))
    count = TrackingEvent.objects.filter(
        recipient=email, event_type=SOFT_BOUNCE, received_at__gte=since
    ).count()
    return count >= newsletter_setting("SOFT_BOUNCE_LIMIT")


def _text(value, limit: int) -> str:
    """A provider's string as the database will take it: no NUL characters, no lone surrogates, bounded."""
    text = str(value or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]


def _event_id(event: AnymailTrackingEvent) -> str:
    """The provider's event id, or a digest of the raw event (some providers send no id for some events)."""
    if event.event_id:
        return _text(event.event_id, 255)
    raw = json.dumps(event.esp_event, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def tracking_event_record(*, esp_name: str, event: AnymailTrackingEvent) -> int | None:
    """Store the event once; returns its id when it is new (a replayed event returns None)."""
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    try:
        with transaction.atomic():
            stored = TrackingEvent.objects.create(
                esp=_text(esp_name, 40),
                event_id=_event_id(event),
                event_type=_text(bounce_kind(event), 40),
                recipient=_text(event.recipient, 254).strip().lower(),
                message_id=_text(event.message_id, 255),
                delivery_ref=_text(metadata.get("kvm_delivery"), 40),
                description=_text(event.description or event.mta_response, 500),
                occurred_at=event.timestamp if isinstance(event.timestamp, dt.datetime) else None,
            )
    except IntegrityError:
        return None
    return stored.pk


def tracking_event_received(*, esp_name: str, event: AnymailTrackingEvent) -> None:
    """Store the event and queue its processing; a redelivered event that was never processed is queued again
    (its first task may have been lost: the Redis broker hands a task out at most once)."""
    event_pk = tracking_event_record(esp_name=esp_name, event=event)
    if event_pk is None:
        event_pk = (
            TrackingEvent.objects.filter(
                esp=_text(esp_name, 40), event_id=_event_id(event), processed_at__isnull=True
            )
            .values_list("pk", flat=True)
            .first()
        )
    if event_pk is not None:
        # After the webhook's transaction commits: a worker must find the row.
        transaction.on_commit(lambda: async_task("newsletter.tasks.process_tracking_event", event_pk))


def tracking_events_sweep(*, older_than_seconds: int = 120) -> int:
    """Process every stored event still unprocessed after `older_than_seconds` (its task was lost); returns how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pks = list(
        TrackingEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in pks:
        tracking_event_process(event_pk=pk)
    return len(pks)


def _find_delivery(event: TrackingEvent) -> Delivery | None:
    rows = Delivery.objects.all()
    if event.delivery_ref.isdigit():
        found = rows.filter(pk=int(event.delivery_ref))
        if event.recipient:
            found = found.filter(email=event.recipient)
        return found.first()
    if event.message_id:
        found = rows.filter(provider_message_id=event.message_id)
        if event.recipient:
            found = found.filter(email=event.recipient)
        return found.order_by("-id").first()
    return None


def tracking_event_process(*, event_pk: int) -> None:
    """Apply one stored event: delivered confirms a send; bounces, rejections, complaints and unsubscribes
    mark the recipient failed where the ledger knows it and suppress the address. Other events are kept only.
    """
    now = timezone.now()
    with transaction.atomic():
        event = (
            TrackingEvent.objects.select_for_update().filter(pk=event_pk, processed_at__isnull=True).first()
        )
        if event is None:
            return
        delivery = _find_delivery(event)
        email = event.recipient or (delivery.email if delivery else "")
        if delivery is not None and event.event_type == EventType.DELIVERED:
            Delivery.objects.filter(pk=delivery.pk).update(
                delivered_at=event.occurred_at or now, updated_at=now
            )
            # Proof of sending settles an uncertain row (this is knowledge, not a resend).
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.UNCERTAIN).update(
                status=DeliveryStatus.SENT, sent_at=event.occurred_at or now, last_error=""
            )
        reason = SUPPRESSING.get(event.event_type)
        if event.event_type == SOFT_BOUNCE and email and _soft_bounces_exceeded(email=email, now=now):
            reason = SuppressionReason.BOUNCED
        if reason is not None and email:
            detail = event.description or str(event.event_type)
            if delivery is not None and event.event_type in (EventType.BOUNCED, EventType.REJECTED):
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.FAILED, last_error=detail[:2000], updated_at=now
                )
            ledger.suppress(emails=[email], reason=reason, detail=detail)
            if event.event_type in (EventType.COMPLAINED, EventType.UNSUBSCRIBED):
                subscriber = Subscriber.objects.filter(email=email).first()
                if subscriber is not None:
                    unsubscribe_all(subscriber=subscriber)
        event.delivery = delivery
        event.processed_at = now
        event.save(update_fields=["delivery", "processed_at"])
    logger.info("Tracking event %s (%s) processed", event_pk, event.event_type)
