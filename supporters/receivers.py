"""Receivers of other apps' signals, connected in `SupportersConfig.ready()`. Each enqueues work by primary key."""

from django_q.tasks import async_task


def version_published_received(sender, version, **kwargs) -> None:
    async_task("supporters.tasks.version_notifications_send", version.pk)
