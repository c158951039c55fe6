"""The newsletter's part of a person's export and erasure: a `supporters.personal_data` source.

Kept after erasure, for the counts: each `Delivery` row, with a random stand-in address, no name and its error
text scrubbed; provider reports with no recipient and their text scrubbed. Deleted: the subscriber (and so its
subscriptions) and the suppression. The outreach's part (answers, reminders, candidacies) is its own source
(`newsletter/outreach/personal_data.py`), erased before this one, while the deliveries still carry the address.
"""

from typing import Any

from supporters.personal_data import Person, PersonalDataSource, pseudonym, record_ref

from .models import Delivery, Subscriber, Suppression, TrackingEvent


def _stamp(value) -> str | None:
    return value.isoformat() if value else None


def newsletter_collect(person: Person) -> dict[str, Any]:
    email = person.email
    subscriber = Subscriber.objects.filter(email=email).first()
    data: dict[str, Any] = {"abonnee": None, "inschrijvingen": [], "ontvangen": [], "geblokkeerd": None}
    if subscriber is not None:
        data["abonnee"] = {
            "record": record_ref(subscriber),
            "naam": subscriber.name,
            "e-mailadres": subscriber.email,
            "hoe vaak": subscriber.get_frequency_display(),
            "herkomst": subscriber.get_source_display(),
            "bevestigd op": _stamp(subscriber.confirmed_at),
            "afgemeld op": _stamp(subscriber.unsubscribed_at),
            "toestemming": subscriber.consent_wording,
            "toestemming gegeven op": _stamp(subscriber.consent_at),
            "pagina": subscriber.consent_url,
            "wacht op bevestiging": subscriber.pending or None,
        }
        data["inschrijvingen"] = [
            {
                "record": record_ref(s),
                "doelgroep": s.audience.name,
                "sinds": s.created_at.isoformat(),
                "afgemeld op": _stamp(s.unsubscribed_at),
            }
            for s in subscriber.subscriptions.select_related("audience")
        ]
    deliveries = list(
        Delivery.objects.filter(email=email).select_related("mailing__version__document").order_by("id")
    )
    data["ontvangen"] = [
        {
            "record": record_ref(d),
            "document": d.mailing.version.document.title,
            "versie": d.mailing.version.number,
            "naam": d.name,
            "status": d.status,
            "pogingen": d.attempts,
            "verzonden op": _stamp(d.sent_at),
            "afgeleverd op": _stamp(d.delivered_at),
            "laatste fout": d.last_error,
        }
        for d in deliveries
    ]
    data["meldingen van de provider"] = [
        {
            "record": record_ref(e),
            "provider": e.esp,
            "soort": e.event_type,
            "omschrijving": e.description,
            "tijdstip": _stamp(e.occurred_at),
            "ontvangen op": _stamp(e.received_at),
        }
        for e in TrackingEvent.objects.filter(recipient=email).order_by("id")
    ]
    suppression = Suppression.objects.filter(email=email).first()
    if suppression is not None:
        data["geblokkeerd"] = {
            "record": record_ref(suppression),
            "reden": suppression.get_reason_display(),
            "toelichting": suppression.detail,
            "sinds": suppression.created_at.isoformat(),
        }
    return data


def newsletter_names(email: str) -> list[str]:
    names = list(Subscriber.objects.filter(email=email).exclude(name="").values_list("name", flat=True))
    return names + list(Delivery.objects.filter(email=email).exclude(name="").values_list("name", flat=True))


def newsletter_erase(person: Person) -> None:
    email = person.email
    Subscriber.objects.filter(email=email).delete()
    for row in Delivery.objects.filter(email=email).only("pk", "last_error"):
        Delivery.objects.filter(pk=row.pk).update(
            email=pseudonym(), name="", subscriber=None, last_error=person.scrub(row.last_error)
        )
    for event in TrackingEvent.objects.filter(recipient=email).only("pk", "description"):
        TrackingEvent.objects.filter(pk=event.pk).update(
            recipient="", description=person.scrub(event.description)
        )
    Suppression.objects.filter(email=email).delete()


NEWSLETTER_SOURCE = PersonalDataSource(
    section="nieuwsbrief",
    models=(
        "newsletter.Subscriber",
        "newsletter.Subscription",
        "newsletter.Delivery",
        "newsletter.TrackingEvent",
        "newsletter.Suppression",
    ),
    collect=newsletter_collect,
    erase=newsletter_erase,
    names=newsletter_names,
)
