"""Subscriptions: double opt-in, preferences, unsubscribing, contacts from the partner network, personal data."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supporters.conf import supporters_setting
from supporters.models import Contact, ContactRole
from supporters.tokens import InvalidToken

from .links import LinkBuilder, RecipientLink, confirm_token, read_confirm_token, recipient_token
from .models import (
    Audience,
    Delivery,
    Frequency,
    Subscriber,
    SubscriberSource,
    Subscription,
    Suppression,
    TrackingEvent,
)
from .render import render_message
from .selectors import preference_audiences
from .transport import send_email

ROLE_AUDIENCES = {ContactRole.CANDIDATE: "candidates", ContactRole.PARTY_LEADER: "party_leaders"}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def subscription_request(
    *,
    email: str,
    name: str,
    audience_keys: Iterable[str],
    frequency: str,
    consent_wording: str,
    source_url: str = "",
) -> Subscriber:
    """Record what was asked and send a confirmation link. Nothing changes for the address until it is confirmed.

    Known and unknown addresses are treated alike (a new link either way), so the response reveals nothing.
    """
    email = normalise_email(email)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"source": SubscriberSource.FORM}
        )
        subscriber.pending = {
            "audiences": list(dict.fromkeys(audience_keys)),
            "frequency": frequency if frequency in Frequency.values else Frequency.EVERY,
            "name": " ".join((name or "").split())[:120],
            "consent": consent_wording,
            "url": source_url[:500],
        }
        subscriber.nonce = secrets.token_hex(16)
        subscriber.save(update_fields=["pending", "nonce", "updated_at"])
    async_task("newsletter.tasks.send_confirmation", subscriber.pk)
    return subscriber


def confirmation_send(*, subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).exclude(nonce="").first()
    if subscriber is None:
        return
    link = LinkBuilder().confirm(confirm_token(subscriber_id=subscriber.pk, nonce=subscriber.nonce))
    name = subscriber.pending.get("name") or subscriber.name
    days = max(1, supporters_setting("TOKEN_MAX_AGE_SECONDS") // 86400)
    email = render_message(
        "newsletter/email/confirm.html",
        {"name": name, "confirm_url": link, "days": days},
        subject=_("Bevestig uw aanmelding voor de nieuwsbrief van Kracht van Mokum"),
    )
    send_email(email, to=subscriber.email, name=name)


def subscription_confirm(*, token: str) -> Subscriber | None:
    """Apply the request behind a confirmation link (its latest one only); None when the link is not valid."""
    try:
        subscriber_id, nonce = read_confirm_token(token)
    except InvalidToken:
        return None
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or not subscriber.nonce or not constant_time_compare(subscriber.nonce, nonce):
            return None
        pending = subscriber.pending or {}
        for audience in Audience.objects.filter(key__in=pending.get("audiences", []), is_public=True):
            Subscription.objects.update_or_create(
                subscriber=subscriber, audience=audience, defaults={"unsubscribed_at": None}
            )
        subscriber.frequency = pending.get("frequency") or subscriber.frequency
        subscriber.name = pending.get("name") or subscriber.name
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at = None
        subscriber.consent_wording = pending.get("consent", "")
        subscriber.consent_url = pending.get("url", "")
        subscriber.consent_at = now
        subscriber.nonce, subscriber.pending = "", {}
        subscriber.save()
        Suppression.objects.filter(email=subscriber.email).delete()
    return subscriber


def subscriber_for_link(link: RecipientLink) -> Subscriber | None:
    return Subscriber.objects.filter(pk=link.subscriber_id, confirmed_at__isnull=False).first()


def unsubscribe(*, link: RecipientLink) -> Subscriber | None:
    """One-click unsubscribe: off the list the email came from (or off everything for a link without a list)."""
    subscriber = subscriber_for_link(link)
    if subscriber is None:
        return None
    now = timezone.now()
    if link.audience_key:
        Subscription.objects.filter(
            subscriber=subscriber, audience__key=link.audience_key, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=now)
    else:
        unsubscribe_all(subscriber=subscriber)
    return subscriber


def unsubscribe_all(*, subscriber: Subscriber) -> None:
    now = timezone.now()
    subscriber.subscriptions.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=now)
    subscriber.unsubscribed_at = now


def preferences_update(*, subscriber: Subscriber, audience_keys: Iterable[str], frequency: str) -> None:
    """Set the subscriber's audiences (of those offered to them) and frequency; choosing some re-subscribes."""
    keys = set(audience_keys)
    now = timezone.now()
    with transaction.atomic():
        for audience in preference_audiences(subscriber=subscriber):
            if audience.key in keys:
                Subscription.objects.update_or_create(
                    subscriber=subscriber, audience=audience, defaults={"unsubscribed_at": None}
                )
            else:
                Subscription.objects.filter(
                    subscriber=subscriber, audience=audience, unsubscribed_at__isnull=True
                ).update(unsubscribed_at=now)
        subscriber.frequency = frequency if frequency in Frequency.values else subscriber.frequency
        if keys:
            subscriber.unsubscribed_at = None
            Suppression.objects.filter(email=subscriber.email).delete()
        subscriber.save(update_fields=["frequency", "unsubscribed_at", "updated_at"])


def preferences_link_request(*, email: str) -> None:
    """Mail a fresh preference link to a known subscriber; unknown addresses get nothing (same response)."""
    subscriber = Subscriber.objects.filter(email=normalise_email(email), confirmed_at__isnull=False).first()
    if subscriber is not None:
        async_task("newsletter.tasks.send_preferences_link", subscriber.pk)


def preferences_link_send(*, subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=False).first()
    if subscriber is None:
        return
    url = LinkBuilder().preferences(recipient_token(subscriber_id=subscriber.pk))
    email = render_message(
        "newsletter/email/preferences_link.html",
        {"name": subscriber.name, "preferences_url": url},
        subject=_("Uw voorkeuren voor de nieuwsbrief van Kracht van Mokum"),
    )
    send_email(email, to=subscriber.email, name=subscriber.name)


def contacts_subscribe(*, contact_ids: Iterable[int], audience_key: str | None = None) -> int:
    """Put imported partner-network contacts on an audience (by default the one their role implies).

    They are contacted on the legal basis recorded with the contact, so no opt-in is asked; an earlier
    unsubscription from that audience is kept.
    """
    audiences = {audience.key: audience for audience in Audience.objects.all()}
    now = timezone.now()
    added = 0
    for contact in Contact.objects.filter(pk__in=list(contact_ids)).select_related("organisation"):
        key = (
            audience_key
            or ROLE_AUDIENCES.get(contact.role)
            or ("allies" if contact.organisation_id else None)
        )
        audience = audiences.get(key) if key else None
        email = normalise_email(contact.email)
        if audience is None or not email:
            continue
        with transaction.atomic():
            subscriber, created = Subscriber.objects.select_for_update().get_or_create(
                email=email,
                defaults={
                    "name": contact.name,
                    "source": SubscriberSource.IMPORT,
                    "confirmed_at": now,
                    "consent_wording": _("Grondslag: %(basis)s")
                    % {"basis": contact.get_legal_basis_display()},
                    "consent_at": now,
                    "contact": contact,
                },
            )
            if not created and (subscriber.contact_id is None or subscriber.confirmed_at is None):
                subscriber.contact = subscriber.contact or contact
                subscriber.confirmed_at = subscriber.confirmed_at or now
                subscriber.name = subscriber.name or contact.name
                subscriber.save(update_fields=["contact", "confirmed_at", "name", "updated_at"])
            _subscription, made = Subscription.objects.get_or_create(subscriber=subscriber, audience=audience)
            added += int(made)
    return added


def unconfirmed_purge() -> int:
    """Forget addresses that never confirmed, once their link has long expired."""
    age = dt.timedelta(seconds=supporters_setting("TOKEN_MAX_AGE_SECONDS")) + dt.timedelta(days=1)
    deleted, _detail = Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=timezone.now() - age
    ).delete()
    return deleted


def personal_data_collect(*, email: str) -> dict:
    """Everything the newsletter stores about an address, for an export request."""
    email = normalise_email(email)
    subscriber = Subscriber.objects.filter(email=email).first()
    data: dict = {"abonnee": None, "inschrijvingen": [], "ontvangen": [], "geblokkeerd": None}
    if subscriber is not None:
        data["abonnee"] = {
            "naam": subscriber.name,
            "e-mailadres": subscriber.email,
            "hoe vaak": subscriber.get_frequency_display(),
            "bevestigd op": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
            "afgemeld op": subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None,
            "toestemming": subscriber.consent_wording,
            "toestemming gegeven op": subscriber.consent_at.isoformat() if subscriber.consent_at else None,
            "pagina": subscriber.consent_url,
        }
        data["inschrijvingen"] = [
            {
                "doelgroep": s.audience.name,
                "sinds": s.created_at.isoformat(),
                "afgemeld op": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
            }
            for s in subscriber.subscriptions.select_related("audience")
        ]
    data["ontvangen"] = [
        {
            "document": row["mailing__version__document__title"],
            "versie": row["mailing__version__number"],
            "status": row["status"],
            "verzonden op": row["sent_at"].isoformat() if row["sent_at"] else None,
        }
        for row in Delivery.objects.filter(email=email)
        .order_by("id")
        .values("mailing__version__document__title", "mailing__version__number", "status", "sent_at")
    ]
    suppression = Suppression.objects.filter(email=email).first()
    if suppression is not None:
        data["geblokkeerd"] = {
            "reden": suppression.get_reason_display(),
            "sinds": suppression.created_at.isoformat(),
        }
    return data


def personal_data_erase(*, email: str) -> None:
    """Delete the subscriber; keep the ledger's rows for the counts, with the address replaced by a stand-in."""
    email = normalise_email(email)
    if not email:
        return
    stand_in = f"gewist-{hashlib.sha256(email.encode()).hexdigest()[:20]}@gewist.invalid"
    with transaction.atomic():
        Subscriber.objects.filter(email=email).delete()
        Delivery.objects.filter(email=email).update(email=stand_in, name="", subscriber=None)
        TrackingEvent.objects.filter(recipient=email).update(recipient="")
        Suppression.objects.filter(email=email).delete()
