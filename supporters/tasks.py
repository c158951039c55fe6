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


def signup_promoted_mail_send(signup_id: int) -> None:
    """Email a sign-up that moved up from the waiting list."""
    from .models import SignUp

    signup = SignUp.objects.filter(pk=signup_id).select_related("activity").first()
    if signup is not None:
        services.signup_promoted_mail_send(signup=signup)


def registration_mail_send(registration_id: int, purpose: str) -> None:
    """A registrant's email after confirming: "registered" (with the .ics) or "promoted" from the waiting list."""
    from .models import EventRegistration
    from .services.registrations import registration_mail_send as send

    registration = EventRegistration.objects.filter(pk=registration_id).first()
    if registration is not None and registration.is_active:
        send(registration=registration, purpose=purpose)


def event_reminders_send() -> None:
    """The reminder schedule (every 10 minutes): each registrant of an event starting within 24 hours, once."""
    from .services.registrations import event_reminders_send as send

    send()


def event_change_notify(change_id: int) -> None:
    """After a publish changed an event's time, place or status: every registrant once (old → new, new .ics)."""
    from pages.models import EventChange

    from .services.registrations import event_change_notify as notify

    change = EventChange.objects.filter(pk=change_id).first()
    if change is not None:
        notify(change=change)


def data_links_send(sealed_email: str) -> None:
    """The email with the export and erasure links; the argument is the sealed address (never readable)."""
    services.data_links_send(sealed_email=sealed_email)
