"""Receivers of other apps' signals, connected in `NewsletterConfig.ready()`: each hands over to a task or service."""

from django_q.tasks import async_task

from .feedback import tracking_event_received
from .services import personal_data_collect, personal_data_erase


def on_version_published(sender, version, audiences=(), **kwargs) -> None:
    if audiences:
        async_task("newsletter.tasks.start_mailing", version.pk, list(audiences))


def on_contacts_imported(sender, contact_ids, audience=None, **kwargs) -> None:
    async_task("newsletter.tasks.subscribe_contacts", list(contact_ids), audience)


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    tracking_event_received(esp_name=esp_name, event=event)  # stores it once, then enqueues it by id


def on_collect_personal_data(sender, email, **kwargs) -> dict:
    return {"nieuwsbrief": personal_data_collect(email=email)}


def on_erase_personal_data(sender, email, **kwargs) -> None:
    personal_data_erase(email=email)
