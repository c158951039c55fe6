"""django-q2 entry points: fetch by id, call a service. Enqueued with `django_q.tasks.async_task`."""

from pages.models import DocumentVersion

from . import services


def submission_mail_send(kind: str, pk: int, language: str | None = None) -> None:
    """Send the confirmation (or "already confirmed") email of one submission, in the reader's language."""
    model = services.SUBMISSION_MODELS.get(kind)
    submission = model.objects.filter(pk=pk).first() if model else None
    if submission is not None:
        services.submission_mail_send(kind=kind, submission=submission, language=language)


def version_notifications_send(version_id: int) -> None:
    """After a version is published: suggestion notices and change notices, each at most once per person."""
    version = DocumentVersion.objects.filter(pk=version_id).select_related("document").first()
    if version is not None:
        services.version_notify(version=version)
