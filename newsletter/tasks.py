"""django-q2 entry points: each takes ids (never rendered mail), fetches what it needs, and calls a service."""

import datetime as dt

from .feedback import tracking_event_process, tracking_events_sweep
from .inbound import inbound_message_process
from .sending import mailing_launch, mailing_send, mailing_start, mailing_watch, mailings_due, mailings_watch
from .services import (
    confirmation_send,
    contacts_subscribe,
    preferences_link_send,
    unconfirmed_purge,
    welcome_send,
)


def start_mailing(version_id: int, audience_keys: list[str], send_at: str | None = None) -> None:
    when = dt.datetime.fromisoformat(send_at) if send_at else None
    mailing_start(version_id=version_id, audience_keys=audience_keys, send_at=when)


def start_due_mailings() -> None:
    mailings_due()


def watch_mailing(mailing_id: int) -> None:
    mailing_watch(mailing_id=mailing_id)


def freeze_mailing(mailing_id: int) -> None:
    mailing_launch(mailing_id=mailing_id)


def send_mailing(mailing_id: int) -> dict:
    return mailing_send(mailing_id=mailing_id).outcomes


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
