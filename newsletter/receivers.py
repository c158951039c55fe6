"""Receivers of other apps' signals, connected in `NewsletterConfig.ready()`: each hands over to a task or service."""

from django_q.tasks import async_task

from .feedback import tracking_event_received
from .inbound import inbound_message_received
from .mailings import LAUNCH_TASK, mailing_create
from .models import MailingStatus
from .services import contacts_subscribe
from .webhooks import tracking_event_check


def on_version_published(sender, version, audiences=(), send_at=None, **kwargs) -> None:
    """The mailing is written at once, so the watchdog finds it if the broker loses the task that freezes it
    (django-q2's Redis broker is at-most-once); freezing and sending go through the queue."""
    if audiences:
        mailing = mailing_create(version=version, audience_keys=audiences, send_at=send_at)
        if mailing is not None and mailing.status == MailingStatus.QUEUED:
            async_task(LAUNCH_TASK, mailing.pk)


def on_contacts_imported(sender, contact_ids, audience=None, **kwargs) -> None:
    """At once, in the import's transaction: a mailing started right after the import must reach everyone."""
    contacts_subscribe(contact_ids=contact_ids, audience_key=audience)


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    tracking_event_check(event)  # a malformed event makes the whole request a 400 (newsletter/webhooks.py)
    tracking_event_received(esp_name=esp_name, event=event)  # stores it once, then enqueues it by id


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    inbound_message_received(esp_name=esp_name, event=event)  # stores it once, then enqueues it by id
