"""Mailings: create one per published version, freeze its recipients, send it in batches, pause, resume, cancel.

The send loop ties the pipeline together — ledger (claim) → render (once per variant) → transport (hand over) →
ledger (record) — and is safe to run in several workers at once and to kill at any moment (see `ledger`).
"""

import datetime as dt
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from time import monotonic, sleep

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from pages.models import DocumentVersion
from pages.versioning import compute_changes, take_snapshot

from . import ledger
from .conf import newsletter_setting
from .links import LinkBuilder, recipient_token
from .models import Audience, Mailing, MailingStatus
from .render import MailTemplate, RecipientContext, RenderedEmail, personalise, render_variant
from .selectors import mailing_recipients, still_wanted, versions_between
from .transport import Outcome, OutgoingBatch, OutgoingRecipient, Transport, send_email

logger = logging.getLogger(__name__)

SEND_TASK = "newsletter.tasks.send_mailing"


# -- creating and freezing --


def mailing_create(*, version: DocumentVersion, audience_keys: Iterable[str]) -> Mailing | None:
    """The one mailing of this version (created at most once, whoever asks twice), or None without audiences."""
    audiences = list(Audience.objects.filter(key__in=list(audience_keys)))
    if not audiences:
        return None
    mailing, created = Mailing.objects.get_or_create(version=version)
    if created:
        mailing.audiences.set(audiences)
    return mailing


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


def mailing_start(*, version_id: int, audience_keys: Iterable[str]) -> Mailing | None:
    """Create the version's mailing, freeze its recipients and start its senders (the publish signal's task)."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:
        return None
    mailing = mailing_create(version=version, audience_keys=audience_keys)
    if mailing is not None:
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

    def variant(self, audience, since_number: int | None) -> MailTemplate:
        key = (getattr(audience, "pk", None), since_number)
        if key not in self.variants:
            since = versions_between(version=self.version, since_number=since_number)
            self.variants[key] = render_variant(
                version=self.version, audience=audience, since_number=since_number, since_versions=since
            )
            self.report.renders += 1
        return self.variants[key]

    def outgoing(self, template: MailTemplate, audience, rows) -> OutgoingBatch:
        people = []
        for row in rows:
            token = recipient_token(subscriber_id=row.subscriber_id, audience_key=audience.key)
            context = RecipientContext(
                name=row.name,
                unsubscribe_url=self.links.unsubscribe(token),
                preferences_url=self.links.preferences(token),
            )
            people.append(
                OutgoingRecipient(
                    delivery_id=row.id,
                    email=row.email,
                    name=row.name,
                    values=context.merge_values(),
                    headers={"List-Unsubscribe": self.links.list_unsubscribe_header(token)},
                )
            )
        list_id = f'"{audience.name}" <{audience.key or "kvm"}.{self.list_domain}>'
        return OutgoingBatch(
            template=template,
            recipients=people,
            headers={**self.headers, "List-Id": list_id},
            metadata={"kvm_mailing": str(self.mailing.pk)},
        )

    def run(self, *, transport: Transport, deadline: float) -> SendReport:
        mailing_id = self.mailing.pk
        throttle = Throttle(self.per_second)
        while True:
            if monotonic() >= deadline:
                self.report.continued = True
                break
            if not ledger.heartbeat(mailing_id=mailing_id):
                self.report.stopped = True
                break
            claim = ledger.claim_batch(
                mailing_id=mailing_id, size=self.batch_size, still_wanted=self.still_wanted
            )
            if not claim:
                break
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
                held = set(ledger.mark_sending(batch=claim.batch, ids=[row.id for row in rows]))
                if len(held) != len(rows):
                    batch.recipients[:] = [r for r in batch.recipients if r.delivery_id in held]
                throttle.before(len(batch.recipients))
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
    with Transport() as transport:
        report = sender.run(transport=transport, deadline=deadline)
    if report.continued:
        async_task(SEND_TASK, mailing_id, group=f"newsletter-{mailing_id}")
    elif not report.stopped and not ledger.finish(mailing_id=mailing_id):
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
            pk=mailing.pk, status__in=[MailingStatus.QUEUED, MailingStatus.SENDING, MailingStatus.PAUSED]
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


def mailings_watch() -> None:
    """The watchdog (every minute): turn a dead sender's rows uncertain and restart stalled mailings."""
    ledger.recover_stale()
    now = timezone.now()
    stale = now - dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))
    for mailing in Mailing.objects.filter(status=MailingStatus.QUEUED, created_at__lt=stale):
        async_task("newsletter.tasks.freeze_mailing", mailing.pk)
    for mailing in Mailing.objects.filter(status=MailingStatus.SENDING):
        if ledger.finish(mailing_id=mailing.pk):
            continue
        alive = mailing.heartbeat_at is not None and mailing.heartbeat_at >= stale
        if not alive and ledger.claimable(mailing_id=mailing.pk, now=now).exists():
            logger.warning("Mailing %s stalled; restarting its senders", mailing.pk)
            enqueue_senders(mailing_id=mailing.pk)


# -- preview and test send --


def preview_version(*, document) -> DocumentVersion:
    """An unsaved version of the document as it is live now: what the next version's email would show."""
    previous = document.versions.order_by("-number").first()
    snapshot = take_snapshot(document=document)
    return DocumentVersion(
        document=document,
        number=(previous.number if previous else 0) + 1,
        published_at=timezone.now(),
        note=_("(Hier komt de toelichting die u bij het publiceren schrijft.)"),
        snapshot=snapshot,
        changes=compute_changes(previous.snapshot if previous else None, snapshot),
    )


def preview_email(
    *, version: DocumentVersion, audience: Audience, first_time: bool, name: str = ""
) -> RenderedEmail:
    """The email a recipient of this audience would get (as a first-timer, or since the previous version)."""
    since_number = None if first_time or version.number <= 1 else version.number - 1
    since = [version] if since_number is not None else []
    if since_number is not None and version.pk:
        since = versions_between(version=version, since_number=since_number)
    template = render_variant(
        version=version, audience=audience, since_number=since_number, since_versions=since
    )
    links = LinkBuilder()
    context = RecipientContext(
        name=name, unsubscribe_url=links.preferences_request, preferences_url=links.preferences_request
    )
    return personalise(template, context)


def test_send(
    *, version: DocumentVersion, audience: Audience, first_time: bool, to: str, name: str = ""
) -> None:
    """Send the preview to an editor's own address, marked as a test; not part of any mailing or ledger."""
    email = preview_email(version=version, audience=audience, first_time=first_time, name=name)
    subject = _("[TEST] %(subject)s") % {"subject": email.subject}
    send_email(RenderedEmail(subject=subject, html=email.html, text=email.text), to=to, name=name)
