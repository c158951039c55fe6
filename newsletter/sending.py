"""Mailings: create one per published version, freeze its recipients, send it in batches, pause, resume, cancel.

The send loop ties the pipeline together — ledger (claim) → render (once per variant) → transport (hand over) →
ledger (record) — and is safe to run in several workers at once and to kill at any moment (see `ledger`).
"""

import datetime as dt
import itertools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from time import monotonic, sleep

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from pages.cache import invalidate_public_pages
from pages.models import DocumentVersion
from pages.snapshots import version_preview

from . import ledger
from .conf import newsletter_setting
from .links import LinkBuilder, recipient_token
from .models import Audience, Mailing, MailingEvent, MailingStatus
from .outcomes import Outcome
from .personalisers import BatchValues, personaliser_for
from .render import MailTemplate, RecipientContext, RenderedEmail, personalise, render_variant
from .replies import delivery_reply_headers
from .selectors import mailing_recipients, still_wanted, versions_between
from .transport import OutgoingBatch, OutgoingRecipient, Transport, send_email

logger = logging.getLogger(__name__)

SEND_TASK = "newsletter.tasks.send_mailing"


# -- creating and freezing --


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
            _arm(f"newsletter-start-{mailing.pk}", "newsletter.tasks.start_due_mailings", (), at=send_at)
    return mailing


def _arm(name: str, func: str, args: tuple, *, at: dt.datetime) -> None:
    """A one-off django-q2 schedule `name` that runs `func(*args)` at `at` (moved when it exists)."""
    if not Schedule.objects.filter(name=name).update(next_run=at):
        Schedule.objects.create(
            name=name, func=func, args=repr(args), schedule_type=Schedule.ONCE, repeats=-1, next_run=at
        )


def _disarm(name: str) -> None:
    Schedule.objects.filter(name=name).delete()


def mailing_reschedule(*, mailing: Mailing, send_at: dt.datetime) -> bool:
    """Move a planned mailing that has not started yet; False once it has started (or was cancelled)."""
    if send_at <= timezone.now():
        return False
    moved = Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SCHEDULED).update(send_at=send_at)
    if moved:
        _arm(f"newsletter-start-{mailing.pk}", "newsletter.tasks.start_due_mailings", (), at=send_at)
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
            _disarm(f"newsletter-start-{mailing_id}")
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
        rows = mailing_recipients(
            audience_ids=list(mailing.audiences.values_list("pk", flat=True)), version=mailing.version
        )
        ledger.add_recipients(mailing_id=mailing.pk, rows=rows)
        total = mailing.deliveries.count()
        mailing.recipient_count = total
        mailing.frozen_at = timezone.now()
        mailing.status = MailingStatus.SENDING
        mailing.save(update_fields=["recipient_count", "frozen_at", "status"])
    return total


def enqueue_senders(*, mailing_id: int, count: int | None = None) -> None:
    for _n in range(count or newsletter_setting("SENDERS")):
        async_task(SEND_TASK, mailing_id, group=f"newsletter-{mailing_id}")


def mailing_start(
    *, version_id: int, audience_keys: Iterable[str], send_at: dt.datetime | None = None
) -> Mailing | None:
    """Create the version's mailing, freeze its recipients and start its senders (the publish signal's task);
    a mailing planned for later only waits."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:
        return None
    mailing = mailing_create(version=version, audience_keys=audience_keys, send_at=send_at)
    if mailing is not None and mailing.status == MailingStatus.QUEUED:
        mailing_launch(mailing_id=mailing.pk)
    return mailing


def mailing_launch(*, mailing_id: int) -> None:
    """Freeze the recipients (if not yet done) and start the senders."""
    mailing_freeze(mailing_id=mailing_id)
    if Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
        enqueue_senders(mailing_id=mailing_id)


# -- sending --


class Throttle:
    """Keeps one sender at or under its share of MAX_PER_SECOND, by waiting before each hand-over."""

    def __init__(self, per_second: float | None):
        self.per_second = per_second
        self.ready_at = 0.0

    def before(self, count: int) -> None:
        if not self.per_second:
            return
        now = monotonic()
        if now < self.ready_at:
            sleep(self.ready_at - now)
        self.ready_at = max(now, self.ready_at) + count / self.per_second


WATCH_TASK = "newsletter.tasks.watch_mailing"


def watch_arm(*, mailing_id: int, now: dt.datetime | None = None) -> None:
    """The dead man's switch: a one-off check of this mailing one lease from now, pushed back by every sign of
    life. When the senders die (even the whole worker), it fires as soon as a scheduler runs again."""
    at = (now or timezone.now()) + dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    _arm(f"newsletter-watch-{mailing_id}", WATCH_TASK, (mailing_id,), at=at)


class LeaseKeeper:
    """Renews a sender's lease, heartbeat and dead man's switch every third of the lease, from a thread, so a long
    provider call never looks like a crash while a real crash is noticed within one lease.

    Inside an open transaction (a test's) the thread would wait on the caller's locks: there the send loop renews
    before each batch instead.
    """

    def __init__(self, mailing_id: int):
        self.mailing_id = mailing_id
        self.batch = None
        self.interval = newsletter_setting("CLAIM_LEASE_SECONDS") / 3
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def renew(self) -> bool:
        alive = ledger.renew(mailing_id=self.mailing_id, batch=self.batch)
        if alive:
            watch_arm(mailing_id=self.mailing_id)
        return alive

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self.renew()
        except Exception:  # the send loop's own renewals still happen; a dead keeper must not kill the send
            logger.exception("Mailing %s: lease keeper stopped", self.mailing_id)
        finally:
            connection.close()

    def __enter__(self) -> "LeaseKeeper":
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._run, name=f"lease-{self.mailing_id}", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


@dataclass
class SendReport:
    """What one run of the send loop did, by outcome (for logs, tests and the benchmark)."""

    batches: int = 0
    renders: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    stopped: bool = False
    continued: bool = False

    def add(self, results) -> None:
        for result in results:
            self.outcomes[result.outcome.value] = self.outcomes.get(result.outcome.value, 0) + 1

    @property
    def sent(self) -> int:
        return self.outcomes.get(Outcome.SENT.value, 0)


class _FallbackAudience:
    """Stands in for an audience deleted after the recipients were frozen."""

    key = ""
    name = "Kracht van Mokum"
    template = "full"


class MailingSender:
    """One sender working through one mailing's claimable rows until none are left or its time is up."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing
        self.version = mailing.version
        self.audiences = {audience.pk: audience for audience in mailing.audiences.all()}
        self.still_wanted = still_wanted(audience_ids=list(self.audiences), is_major=self.version.is_major)
        self.links = LinkBuilder()
        self.variants: dict[tuple[int | None, int | None], MailTemplate] = {}
        per_second = newsletter_setting("MAX_PER_SECOND")
        self.per_second = per_second / newsletter_setting("SENDERS") if per_second else None
        size = newsletter_setting("BATCH_SIZE")
        self.batch_size = min(size, max(1, int(self.per_second))) if self.per_second else size
        self.headers = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        self.list_domain = newsletter_setting("LIST_ID_DOMAIN")
        self.report = SendReport()
        self.batch_values: dict[int, BatchValues] = {}

    def variant(self, audience, since_number: int | None) -> MailTemplate:
        key = (getattr(audience, "pk", None), since_number)
        if key not in self.variants:
            since = versions_between(version=self.version, since_number=since_number)
            self.variants[key] = render_variant(
                version=self.version,
                audience=audience,
                since_number=since_number,
                since_versions=since,
                extra_context=personaliser_for(audience).variant_context(
                    version=self.version, audience=audience
                ),
            )
            self.report.renders += 1
        return self.variants[key]

    def outgoing(self, template: MailTemplate, audience, rows) -> OutgoingBatch:
        people = []
        if audience.pk not in self.batch_values:
            self.batch_values[audience.pk] = personaliser_for(audience).batch_values(
                mailing_id=self.mailing.pk
            )
        extras = self.batch_values[audience.pk].values(row.subscriber_id for row in rows)
        for row in rows:
            token = recipient_token(subscriber_id=row.subscriber_id, audience_key=audience.key)
            context = RecipientContext(
                name=row.name,
                unsubscribe_url=self.links.unsubscribe(token),
                preferences_url=self.links.preferences(token),
                extra=extras.get(row.subscriber_id, {}),
            )
            people.append(
                OutgoingRecipient(
                    delivery_id=row.id,
                    email=row.email,
                    name=row.name,
                    values=context.merge_values(),
                    headers={
                        "List-Unsubscribe": self.links.list_unsubscribe_header(token),
                        **delivery_reply_headers(delivery_id=row.id),
                    },
                )
            )
        list_id = f'"{audience.name}" <{audience.key or "kvm"}.{self.list_domain}>'
        return OutgoingBatch(
            template=template,
            recipients=people,
            headers={**self.headers, "List-Id": list_id},
            metadata={"kvm_mailing": str(self.mailing.pk)},
        )

    def run(self, *, transport: Transport, deadline: float, keeper: LeaseKeeper) -> SendReport:
        mailing_id = self.mailing.pk
        throttle = Throttle(self.per_second)
        while True:
            if monotonic() >= deadline:
                self.report.continued = True
                break
            keeper.batch = None
            if not keeper.renew():
                self.report.stopped = True
                break
            claim = ledger.claim_batch(
                mailing_id=mailing_id, size=self.batch_size, still_wanted=self.still_wanted
            )
            if not claim:
                break
            keeper.batch = claim.batch
            self.report.skipped += claim.skipped
            self.report.batches += 1
            groups = itertools.groupby(claim.rows, key=lambda row: (row.audience_id, row.since_number))
            for (audience_id, since_number), group in groups:
                rows = list(group)
                audience = self.audiences.get(audience_id) or _FallbackAudience()
                try:
                    template = self.variant(audience, since_number)
                    batch = self.outgoing(template, audience, rows)
                except Exception:
                    ledger.release(batch=claim.batch)
                    raise
                # Wait for the rate limit while the rows are only claimed: a crash now lets them be sent later,
                # whereas rows marked "sending" would become uncertain although nothing left.
                throttle.before(len(rows))
                held = set(ledger.mark_sending(batch=claim.batch, ids=[row.id for row in rows]))
                if len(held) != len(rows):
                    batch.recipients[:] = [r for r in batch.recipients if r.delivery_id in held]
                results = transport.deliver(batch)
                ledger.record(batch=claim.batch, results=results)
                self.report.add(results)
        return self.report


def mailing_send(*, mailing_id: int) -> SendReport:
    """Send what can be sent now; queue a continuation or a retry when needed; finish when all is done."""
    mailing = Mailing.objects.select_related("version__document").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return SendReport(stopped=True)
    ledger.recover_stale(mailing_id=mailing_id)
    sender = MailingSender(mailing)
    deadline = monotonic() + newsletter_setting("TASK_TIME_BUDGET_SECONDS")
    with Transport() as transport, LeaseKeeper(mailing_id) as keeper:
        report = sender.run(transport=transport, deadline=deadline, keeper=keeper)
    if report.continued:
        async_task(SEND_TASK, mailing_id, group=f"newsletter-{mailing_id}")
    elif not report.stopped:
        if ledger.finish(mailing_id=mailing_id):
            _disarm(f"newsletter-watch-{mailing_id}")
            invalidate_public_pages()  # the outreach's public counts read the ledger
        else:
            _schedule_retry(mailing_id)
    logger.info(
        "Mailing %s: %s batches, %s renders, %s", mailing_id, report.batches, report.renders, report.outcomes
    )
    return report


def _schedule_retry(mailing_id: int) -> None:
    """Come back when the earliest backed-off row is due, or another sender's lease ends."""
    at = ledger.next_wakeup_at(mailing_id=mailing_id)
    if at is None or at <= timezone.now():
        return
    name = f"newsletter-retry-{mailing_id}"
    updated = Schedule.objects.filter(name=name, next_run__gt=at).update(next_run=at)
    if not updated and not Schedule.objects.filter(name=name).exists():
        Schedule.objects.create(
            name=name,
            func=SEND_TASK,
            args=repr((mailing_id,)),
            schedule_type=Schedule.ONCE,
            repeats=-1,
            next_run=at,
        )


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
        enqueue_senders(mailing_id=mailing.pk)
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
            enqueue_senders(mailing_id=mailing.pk, count=1)
    return count


def uncertain_mark_sent(*, mailing: Mailing, batch=None) -> int:
    return ledger.uncertain_mark_sent(mailing_id=mailing.pk, batch=batch)


def mailing_watch(*, mailing_id: int) -> None:
    """Look after one sending mailing: a dead sender's hand-overs become uncertain, its other rows are sent by
    new senders, a mailing with nothing left is finished. Each decision is noted on the mailing's page."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MailingStatus.SENDING:
        _disarm(f"newsletter-watch-{mailing_id}")
        return
    now = timezone.now()
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
    if ledger.finish(mailing_id=mailing_id):
        _disarm(f"newsletter-watch-{mailing_id}")
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
        enqueue_senders(mailing_id=mailing_id)
    watch_arm(mailing_id=mailing_id, now=now)


def mailings_watch() -> None:
    """The watchdog (every minute, and per mailing by its dead man's switch): planned mailings that are due,
    queued mailings never frozen, sending mailings whose senders died."""
    mailings_due()
    now = timezone.now()
    stale = now - dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    for mailing in Mailing.objects.filter(status=MailingStatus.QUEUED, created_at__lt=stale):
        async_task("newsletter.tasks.freeze_mailing", mailing.pk)
    for mailing_id in Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True):
        mailing_watch(mailing_id=mailing_id)
    ledger.recover_stale()


# -- preview and test send --


def preview_version(*, document) -> DocumentVersion:
    """An unsaved version of the document as it is live now: what the next version's email would show."""
    version = version_preview(document)
    version.note = _("(Hier komt de toelichting die u bij het publiceren schrijft.)")
    return version


def preview_email(
    *, version: DocumentVersion, audience: Audience, first_time: bool, name: str = ""
) -> RenderedEmail:
    """The email a recipient of this audience would get (as a first-timer, or since the previous version)."""
    since_number = None if first_time or version.number <= 1 else version.number - 1
    since = [version] if since_number is not None else []
    if since_number is not None and version.pk:
        since = versions_between(version=version, since_number=since_number)
    template = render_variant(
        version=version,
        audience=audience,
        since_number=since_number,
        since_versions=since,
        extra_context=personaliser_for(audience).variant_context(version=version, audience=audience),
    )
    links = LinkBuilder()
    context = RecipientContext(
        name=name,
        unsubscribe_url=links.preferences_request,
        preferences_url=links.preferences_request,
        extra=personaliser_for(audience).sample_values(),
    )
    return personalise(template, context)


def test_send(
    *, version: DocumentVersion, audience: Audience, first_time: bool, to: str, name: str = ""
) -> None:
    """Send the preview to an editor's own address, marked as a test; not part of any mailing or ledger."""
    email = preview_email(version=version, audience=audience, first_time=first_time, name=name)
    subject = _("[TEST] %(subject)s") % {"subject": email.subject}
    send_email(RenderedEmail(subject=subject, html=email.html, text=email.text), to=to, name=name)
