"""Receivers of other apps' signals, connected in `SupportersConfig.ready()`. Each enqueues work by primary key."""

from django_q.tasks import async_task

from pages.cache import invalidate_public_pages


def version_published_received(sender, version, **kwargs) -> None:
    async_task("supporters.tasks.version_notifications_send", version.pk)


def public_data_changed(sender, **kwargs) -> None:
    """Counts and lists of supporters show on the document's pages: drop cached copies after the change commits."""
    if not kwargs.get("raw"):
        invalidate_public_pages()


def page_deleted(sender, instance, **kwargs) -> None:
    """Before a page row goes, remember it on the support for it (the foreign keys are about to become NULL)."""
    from .models import Endorsement, SignUp

    Endorsement.objects.filter(target_id=instance.pk).update(former_page_id=instance.pk)
    SignUp.objects.filter(activity_id=instance.pk).update(former_page_id=instance.pk)


def event_changed_received(sender, change, **kwargs) -> None:
    async_task("supporters.tasks.event_change_notify", change.pk)
