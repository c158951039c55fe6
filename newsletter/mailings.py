"""A mailing's life outside the send loop: created once per published version (at once, by the publish signal's
receiver), planned for later or launched — its recipients frozen into the ledger and its senders started — and
what editors do with it: pause, resume, cancel, decide about uncertain rows.

The steps have one name each: `mailing_create` → task `launch_mailing` → `mailing_launch` (`mailing_freeze`, then
`senders_start`) → task `send_mailing` → `sending.mailing_send`.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from pages.models import DocumentVersion

from . import ledger
from .conf import newsletter_setting
from .models import Audience, Mailing, MailingEvent, MailingStatus
from .selectors import recipients, sent_before

logger = logging.getLogger(__name__)

LAUNCH_TASK = "newsletter.tasks.launch_mailing"
SEND_TASK = "newsletter.tasks.send_mailing"


def mailing_note(*, mailing_id: int, message: str) -> None:
    """Keep a decision about a mailing where the editor reads it (its page) and in the log."""
    logger.warning("Mailing %s: %s", mailing_id, message)
    MailingEvent.objects.create(mailing_id=mailing_id, message=message[:500])


def mailing_create(
    *, version: DocumentVersion, audience_keys: Iterable[str], send_at: dt.datetime | None = None
) -> Mailing | None:
    """The one mailing of this version (created at most once, whoever asks twice), or None without audiences.

    With `send_at` in the future the mailing waits, `scheduled`, until then (see `mailings_due`)."""
    audiences = list(Audience.objects.filter(key__in=list(audience_keys)))
    if not audiences:
        return None
    later = send_at is not None and send_at > timezone.now()
    # By id: a mailing built from `version` would be cached on it as `version.mailing` and go stale as it sends.
    mailing, created = Mailing.objects.get_or_create(
        version_id=version.pk,
        defaults={
            "send_at": send_at if later else None,
            "status": MailingStatus.SCHEDULED if later else MailingStatus.QUEUED,
        },
    )
    if created:
        mailing.audiences.set(audiences)
        if later:
            schedule_arm(
                f"newsletter-start-{mailing.pk}", "newsletter.tasks.start_due_mailings", (), at=send_at
            )
    return mailing


def schedule_arm(name: str, func: str, args: tuple, *, at: dt.datetime) -> None:
    """A one-off django-q2 schedule `name` that runs `func(*args)` at `at` (moved when it exists)."""
    if not Schedule.objects.filter(name=name).update(next_run=at):
        Schedule.objects.create(
            name=name, func=func, args=repr(args), schedule_type=Schedule.ONCE, repeats=-1, next_run=at
        )


def schedule_disarm(name: str) -> None:
    Schedule.objects.filter(name=name).delete()


def mailing_reschedule(*, mailing: Mailing, send_at: dt.datetime) -> bool:
    """Move a planned mailing that has not started yet; False once it has started (or was cancelled)."""
    if send_at <= timezone.now():
        return False
    moved = Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SCHEDULED).update(send_at=send_at)
    if moved:
        schedule_arm(f"newsletter-start-{mailing.pk}", "newsletter.tasks.start_due_mailings", (), at=send_at)
        mailing_note(
            mailing_id=mailing.pk,
            message=_("Verzending verzet naar %(at)s.")
            % {"at": timezone.localtime(send_at).strftime("%d-%m-%Y %H:%M")},
        )
    return bool(moved)


def mailings_due(*, now: dt.datetime | None = None) -> list[int]:
    """Start the planned mailings whose time has come (each once, whoever asks); returns their ids."""
    now = now or timezone.now()
    started = []
    for mailing_id in Mailing.objects.filter(status=MailingStatus.SCHEDULED, send_at__lte=now).values_list(
        "pk", flat=True
    ):
        if Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SCHEDULED).update(
            status=MailingStatus.QUEUED
        ):
            schedule_disarm(f"newsletter-start-{mailing_id}")
            mailing_launch(mailing_id=mailing_id)
            started.append(mailing_id)
    return started


def mailing_freeze(*, mailing_id: int) -> int:
    """Fix the recipients: one Delivery per address, with the template audience and last version received.

    One transaction (one INSERT … SELECT): a worker killed halfway leaves nothing behind; the task runs again.
    """
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().select_related("version").get(pk=mailing_id)
        if mailing.frozen_at is not None or mailing.status != MailingStatus.QUEUED:
            return mailing.recipient_count
        version = mailing.version
        ledger.add_recipients(
            mailing_id=mailing.pk,
            rows=recipients(
                audience_ids=list(mailing.audiences.values_list("pk", flat=True)), is_major=version.is_major
            ),
            history=sent_before(document_id=version.document_id, before=version.number),
        )
        total = mailing.deliveries.count()
        mailing.recipient_count = total
        mailing.frozen_at = timezone.now()
        mailing.status = MailingStatus.SENDING
        mailing.save(update_fields=["recipient_count", "frozen_at", "status"])
    return total


def senders_start(*, mailing_id: int, count: int | None = None) -> None:
    for _n in range(count or newsletter_setting("SENDERS")):
        async_task(SEND_TASK, mailing_id, group=f"newsletter-{mailing_id}")


def mailing_launch(*, mailing_id: int) -> None:
    """Freeze the recipients (if not yet done) and start the senders."""
    mailing_freeze(mailing_id=mailing_id)
    if Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
        senders_start(mailing_id=mailing_id)


# -- what editors do --


def mailing_pause(*, mailing: Mailing) -> bool:
    return bool(
        Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).update(
            status=MailingStatus.PAUSED
        )
    )


def mailing_resume(*, mailing: Mailing) -> bool:
    resumed = Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.PAUSED).update(
        status=MailingStatus.SENDING
    )
    if resumed:
        senders_start(mailing_id=mailing.pk)
    return bool(resumed)


def mailing_cancel(*, mailing: Mailing) -> bool:
    return bool(
        Mailing.objects.filter(
            pk=mailing.pk,
            status__in=[
                MailingStatus.SCHEDULED,
                MailingStatus.QUEUED,
                MailingStatus.SENDING,
                MailingStatus.PAUSED,
            ],
        ).update(status=MailingStatus.CANCELLED, finished_at=timezone.now())
    )


def uncertain_resend(*, mailing: Mailing, batch=None) -> int:
    """ "Resend to these": the uncertain rows are sent again (the editor knows they did not arrive)."""
    count = ledger.uncertain_resend(mailing_id=mailing.pk, batch=batch)
    if count:
        Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.DONE).update(
            status=MailingStatus.SENDING, finished_at=None
        )
        if Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).exists():
            senders_start(mailing_id=mailing.pk, count=1)
    return count


def uncertain_mark_sent(*, mailing: Mailing, batch=None) -> int:
    return ledger.uncertain_mark_sent(mailing_id=mailing.pk, batch=batch)
