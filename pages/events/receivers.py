"""Signal receivers for events, connected in `PagesConfig.ready()`."""


def activity_published(sender, instance, **kwargs) -> None:
    """After an activity is published, record what changed about its events (SEQUENCE, the change ledger)."""
    from ..models import ActivityPage
    from .services import event_changes_record

    if isinstance(instance, ActivityPage):
        event_changes_record(activity_id=instance.pk)
