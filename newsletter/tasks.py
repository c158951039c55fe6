"""django-q2 entry points: each takes ids (never rendered mail), fetches what it needs, and calls a service."""

import datetime as dt

from pages.models import DocumentVersion

from .feedback import tracking_event_process, tracking_events_sweep
from .inbound import inbound_message_process
from .mailings import mailing_create, mailing_launch, mailings_due
from .models import MailingStatus
from .sending import mailing_send
from .services import (
    confirmation_send,
    contacts_subscribe,
    preferences_link_send,
    unconfirmed_purge,
    welcome_send,
)
from .watchdog import mailing_watch, mailings_watch


def launch_mailing(mailing_id: int) -> None:
    mailing_launch(mailing_id=mailing_id)


def start_due_mailings() -> None:
    mailings_due()


def watch_mailing(mailing_id: int) -> None:
    mailing_watch(mailing_id=mailing_id)


def send_mailing(mailing_id: int) -> dict:
    return mailing_send(mailing_id=mailing_id).outcomes


# Tasks of earlier releases that may still wait in a queue after an upgrade: they do what they did.
freeze_mailing = launch_mailing


def start_mailing(version_id: int, audience_keys: list[str], send_at: str | None = None) -> None:
    version = DocumentVersion.objects.filter(pk=version_id).first()
    when = dt.datetime.fromisoformat(send_at) if send_at else None
    mailing = version and mailing_create(version=version, audience_keys=audience_keys, send_at=when)
    if mailing and mailing.status == MailingStatus.QUEUED:
        mailing_launch(mailing_id=mailing.pk)


def watch_mailings() -> None:
    mailings_watch()
    unconfirmed_purge()
    tracking_events_sweep()  # provider events whose task was lost


def send_confirmation(subscriber_id: int) -> None:
    confirmation_send(subscriber_id=subscriber_id)


def send_welcome(subscriber_id: int) -> None:
    welcome_send(subscriber_id=subscriber_id)


def send_preferences_link(subscriber_id: int) -> None:
    preferences_link_send(subscriber_id=subscriber_id)


def subscribe_contacts(contact_ids: list[int], audience_key: str | None = None) -> int:
    return contacts_subscribe(contact_ids=contact_ids, audience_key=audience_key)


def process_tracking_event(event_pk: int) -> None:
    tracking_event_process(event_pk=event_pk)


def process_inbound_message(message_pk: int) -> None:
    inbound_message_process(message_pk=message_pk)
