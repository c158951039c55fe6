"""The watchdog: every minute, and per mailing by a dead man's switch that each sign of life pushes back. It starts
planned mailings that are due and queued ones whose launch task was lost (django-q2's Redis broker is
at-most-once), marks a dead sender's hand-overs uncertain and starts new senders for the rest, and finishes a
mailing with nothing left. Each decision is noted on the mailing's page.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from . import ledger
from .conf import newsletter_setting
from .mailings import LAUNCH_TASK, mailing_note, mailings_due, schedule_arm, schedule_disarm, senders_start
from .models import Mailing, MailingStatus

WATCH_TASK = "newsletter.tasks.watch_mailing"


def watch_arm(*, mailing_id: int, now: dt.datetime | None = None) -> None:
    """The dead man's switch: a one-off check of this mailing one lease from now, pushed back by every sign of
    life. When the senders die (even the whole worker), it fires as soon as a scheduler runs again."""
    at = (now or timezone.now()) + dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    schedule_arm(f"newsletter-watch-{mailing_id}", WATCH_TASK, (mailing_id,), at=at)


def watch_disarm(*, mailing_id: int) -> None:
    """The mailing needs no looking after any more (finished, or no longer sending)."""
    schedule_disarm(f"newsletter-watch-{mailing_id}")


def stale_recover(*, mailing_id: int) -> int:
    """A dead sender's hand-overs become uncertain, noted on the mailing's page — by whoever notices first: the
    watchdog, or a sender starting on the mailing."""
    uncertain = ledger.recover_stale(mailing_id=mailing_id)
    if uncertain:
        mailing_note(
            mailing_id=mailing_id,
            message=_(
                "Een verzender stopte tijdens het overdragen: %(count)s ontvanger(s) op “onzeker” gezet "
                "(niet opnieuw verstuurd; u beslist)."
            )
            % {"count": uncertain},
        )
    return uncertain


def mailing_watch(*, mailing_id: int) -> None:
    """Look after one sending mailing: a dead sender's hand-overs become uncertain, its other rows are sent by
    new senders, a mailing with nothing left is finished. Each decision is noted on the mailing's page."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MailingStatus.SENDING:
        watch_disarm(mailing_id=mailing_id)
        return
    now = timezone.now()
    uncertain = stale_recover(mailing_id=mailing_id)
    if ledger.finish(mailing_id=mailing_id):
        watch_disarm(mailing_id=mailing_id)
        if uncertain:
            mailing_note(mailing_id=mailing_id, message=_("Verzending afgerond door de bewaker."))
        return
    stale = now - dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    alive = mailing.heartbeat_at is not None and mailing.heartbeat_at >= stale
    if not alive and ledger.claimable(mailing_id=mailing_id, now=now).exists():
        mailing_note(
            mailing_id=mailing_id,
            message=_("Geen teken van leven van de verzenders sinds %(at)s: nieuwe verzenders gestart.")
            % {
                "at": timezone.localtime(mailing.heartbeat_at).strftime("%H:%M:%S")
                if mailing.heartbeat_at
                else "—"
            },
        )
        senders_start(mailing_id=mailing_id)
    watch_arm(mailing_id=mailing_id, now=now)


def mailings_watch() -> None:
    """The watchdog (every minute, and per mailing by its dead man's switch): planned mailings that are due,
    queued mailings never frozen, sending mailings whose senders died."""
    mailings_due()
    now = timezone.now()
    stale = now - dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    for mailing in Mailing.objects.filter(status=MailingStatus.QUEUED, created_at__lt=stale):
        async_task(LAUNCH_TASK, mailing.pk)
    for mailing_id in Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True):
        mailing_watch(mailing_id=mailing_id)
    for mailing_id in ledger.stale_mailing_ids():  # paused or cancelled while a sender died
        stale_recover(mailing_id=mailing_id)
