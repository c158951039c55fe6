"""How the candidates' commitments react to other apps: one-liners that hand over to a task or a service.
`connect()` is called from `OutreachConfig.ready()`."""

from django_q.tasks import async_task

from pages.cache import invalidate_public_pages

from .candidate_lists import candidate_contacts_link
from .commitments import ASK_AGAIN_TASK, commitments_erase, commitments_personal_data


def on_version_published(sender, version, **kwargs) -> None:
    async_task(ASK_AGAIN_TASK, version.pk)


def on_contacts_imported(sender, contact_ids, **kwargs) -> None:
    candidate_contacts_link(contact_ids=contact_ids)


def on_collect_personal_data(sender, email, **kwargs) -> dict:
    return {"standpunten_als_kandidaat": commitments_personal_data(email=email)}


def on_erase_personal_data(sender, email, **kwargs) -> None:
    commitments_erase(email=email)


def on_public_outreach_change(sender, **kwargs) -> None:
    """Which activities show the outreach's progress changed: drop cached pages after the change commits."""
    if not kwargs.get("raw"):
        invalidate_public_pages()


def connect() -> None:
    from pages.signals import version_published
    from supporters.signals import collect_personal_data, contacts_imported, erase_personal_data

    version_published.connect(on_version_published, dispatch_uid="newsletter.outreach.version_published")
    contacts_imported.connect(on_contacts_imported, dispatch_uid="newsletter.outreach.contacts_imported")
    collect_personal_data.connect(on_collect_personal_data, dispatch_uid="newsletter.outreach.collect")
    erase_personal_data.connect(on_erase_personal_data, dispatch_uid="newsletter.outreach.erase")
