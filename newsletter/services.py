"""Subscriptions: double opt-in, preferences, unsubscribing, contacts from the partner network, personal data."""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supporters import bulk
from supporters.conf import supporters_setting
from supporters.models import Contact, ContactRole, LegalBasis
from supporters.tokens import InvalidToken

from .links import LinkBuilder, RecipientLink, confirm_token, read_confirm_token, recipient_token
from .models import (
    Audience,
    Frequency,
    Subscriber,
    SubscriberSource,
    Subscription,
    Suppression,
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
        first_confirmation = subscriber.confirmed_at is None
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
        if (
            first_confirmation
        ):  # once per address: a later change of preferences is confirmed without a welcome
            transaction.on_commit(lambda: async_task("newsletter.tasks.send_welcome", subscriber_id))
    return subscriber


def welcome_send(*, subscriber_id: int) -> None:
    """The one welcome mail after a first confirmation: what they signed up for, with the current version's link."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=False).first()
    if subscriber is None or not subscriber.is_active:
        return
    from pages.models import DocumentVersion

    version = DocumentVersion.objects.select_related("document").order_by("-published_at", "-pk").first()
    links = LinkBuilder()
    email = render_message(
        "newsletter/email/welcome.html",
        {
            "name": subscriber.name,
            "audiences": list(
                subscriber.subscriptions.filter(unsubscribed_at__isnull=True).values_list(
                    "audience__name", flat=True
                )
            ),
            "version": version,
            "version_url": version.full_url if version else "",
            "preferences_url": links.preferences(recipient_token(subscriber_id=subscriber.pk)),
        },
        subject=_("Welkom bij de nieuwsbrief van Kracht van Mokum"),
    )
    send_email(email, to=subscriber.email, name=subscriber.name)


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


def _memberships_sql(*, contact_ids: list[int], audience_key: str | None) -> tuple[str, list]:
    """A subquery of (contact_id, email, name, legal_basis, audience_id) and its parameters: each of these
    contacts that has an address, once per audience it joins — `audience_key`, the audience its role implies, and
    with neither of these the allies for a contact of an organisation."""
    ids = bulk.values_subquery(contact_ids, field=Contact._meta.pk)
    role_cases = " ".join("WHEN %s THEN %s" for _role in ROLE_AUDIENCES)
    roles = ", ".join("%s" for _role in ROLE_AUDIENCES)
    sql = (
        "SELECT c.id AS contact_id, lower(trim(c.email)) AS email, c.name AS name, "  # noqa: S608 - table names
        "c.legal_basis AS legal_basis, a.id AS audience_id "
        f"FROM {Contact._meta.db_table} c JOIN {Audience._meta.db_table} a ON a.key IN ("
        f"%s, CASE c.role {role_cases} END, "
        f"CASE WHEN c.organisation_id IS NOT NULL AND c.role NOT IN ({roles}) THEN %s END) "
        f"WHERE c.id IN ({ids.sql}) AND trim(c.email) <> ''"
    )
    params = [
        audience_key,
        *(value for role, key in ROLE_AUDIENCES.items() for value in (role, key)),
        *ROLE_AUDIENCES,
        None if audience_key else "allies",
        *ids.params,
    ]
    return sql, params


def contacts_subscribe(*, contact_ids: Iterable[int], audience_key: str | None = None) -> int:
    """Put imported partner-network contacts on an audience, and candidates and party leaders also on the audience
    their role implies (a party leader imported with a candidate list gets the party leaders' email too).

    They are contacted on the legal basis recorded with the contact, so no opt-in is asked. An address that is
    already a subscriber stays one (confirmed, and linked to the contact, when it was not yet); an earlier
    unsubscription from an audience is kept. Three set-based statements per 10,000 contacts (subscribers, those
    already there, subscriptions), so that the import that calls it is complete when it returns; a subscriber or a
    subscription that someone else writes meanwhile is skipped, not an error. Returns the number of subscriptions
    added.
    """
    now = timezone.now()
    wording_cases = " ".join("WHEN %s THEN %s" for _basis in LegalBasis.values)
    wording_params = [
        value
        for basis, label in LegalBasis.choices
        for value in (basis, _("Grondslag: %(basis)s") % {"basis": label})
    ]
    subscribers = Subscriber._meta.db_table
    added = 0
    for chunk in bulk.chunks(list(dict.fromkeys(contact_ids))):
        memberships, params = _memberships_sql(contact_ids=list(chunk), audience_key=audience_key or None)
        people = f"(SELECT DISTINCT contact_id, email, name, legal_basis FROM ({memberships}) AS m) AS p"  # noqa: S608
        bulk.insert_select(
            Subscriber,
            select={
                "email": "p.email",
                "name": "substr(p.name, 1, 120)",
                "consent_wording": f"CASE p.legal_basis {wording_cases} ELSE '' END",
                "contact": "p.contact_id",
            },
            source=f"FROM {people} WHERE 1 = 1",
            params=[*wording_params, *params],
            constants={
                "source": SubscriberSource.IMPORT,
                "confirmed_at": now,
                "consent_at": now,
                "created_at": now,
                "updated_at": now,
            },
            ignore_conflicts=True,
        )
        with (
            connection.cursor() as cursor
        ):  # addresses that were subscribers already: confirmed, linked, named
            cursor.execute(
                f"UPDATE {subscribers} SET "  # noqa: S608 - table names
                f"contact_id = COALESCE({subscribers}.contact_id, p.contact_id), "
                f"confirmed_at = COALESCE({subscribers}.confirmed_at, %s), "
                f"name = CASE WHEN {subscribers}.name = '' THEN substr(p.name, 1, 120) "
                f"ELSE {subscribers}.name END, "
                f"updated_at = %s FROM {people} WHERE {subscribers}.email = p.email "
                f"AND ({subscribers}.contact_id IS NULL OR {subscribers}.confirmed_at IS NULL)",
                [*[connection.ops.adapt_datetimefield_value(now)] * 2, *params],
            )
        count, _rows = bulk.insert_select(
            Subscription,
            select={"subscriber": "s.id", "audience": "m.audience_id"},
            source=f"FROM ({memberships}) AS m JOIN {subscribers} s ON s.email = m.email WHERE 1 = 1",
            params=params,
            constants={"created_at": now},
            ignore_conflicts=True,
        )
        added += count
    return added


def unconfirmed_purge() -> int:
    """Forget addresses that never confirmed, once their link has long expired."""
    age = dt.timedelta(seconds=supporters_setting("TOKEN_MAX_AGE_SECONDS")) + dt.timedelta(days=1)
    deleted, _detail = Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=timezone.now() - age
    ).delete()
    return deleted
