"""Receivers of other apps' signals, connected in `SupportersConfig.ready()`. Each enqueues work by primary key."""

from django_q.tasks import async_task

from pages.cache import invalidate_public_pages


def version_published_received(sender, version, **kwargs) -> None:
    async_task("supporters.tasks.version_notifications_send", version.pk)


def public_data_changed(sender, **kwargs) -> None:
    """Counts and lists of supporters show on the document's pages: drop cached copies after the change commits."""
    if not kwargs.get("raw"):
        invalidate_public_pages()
