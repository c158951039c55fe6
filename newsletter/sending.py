"""The send loop: ledger (claim) → render (once per variant) → transport (hand over) → ledger (record). Safe to
run in several workers at once and to kill at any moment (see `ledger`); `mailings` creates and launches the
mailings it sends, `watchdog` looks after it.
"""

import itertools
import logging
import threading
from dataclasses import dataclass, field
from time import monotonic, sleep

from django.db import connection
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from pages.cache import invalidate_public_pages

from . import ledger
from .conf import newsletter_setting
from .links import LinkBuilder
from .mailings import SEND_TASK
from .models import Mailing, MailingStatus
from .outcomes import NotHandedOver, Outcome, RecipientResult
from .personalisers import BatchValues, personaliser_for
from .render import Greeting, MailTemplate, RecipientContext, render_variant
from .replies import delivery_reply_headers
from .selectors import still_wanted, versions_between
from .transport import OutgoingBatch, OutgoingRecipient, Transport
from .watchdog import stale_recover, watch_arm, watch_disarm

logger = logging.getLogger(__name__)


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
        self.alive: bool | None = None  # what the last renewal found, None before the first

    def renew(self) -> bool:
        alive = ledger.renew(mailing_id=self.mailing_id, batch=self.batch)
        if alive:
            watch_arm(mailing_id=self.mailing_id)
        self.alive = alive
        return alive

    def before_batch(self) -> bool:
        """The send loop's sign of life before it claims: a renewal of its own on the first batch (arming the
        switch at once) and wherever no thread keeps the lease (none started, or it died); otherwise the thread's
        last word, which keeps the queries per batch down to the ledger's own. A pause or cancel is still seen at
        the next claim, which only takes rows of a sending mailing."""
        if self.thread is None or not self.thread.is_alive() or self.alive is None:
            return self.renew()
        return self.alive

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
        greeting = Greeting()
        for row in rows:
            token = self.links.recipient_token(subscriber_id=row.subscriber_id, audience_key=audience.key)
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
                    values=context.merge_values(greeting),
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

    @staticmethod
    def deliver(
        transport: Transport, batch: OutgoingBatch, hand_over: ledger.HandOver
    ) -> list[RecipientResult]:
        """Hand the batch over; the ledger's gate and marking happen once it is built and encoded, just before it
        goes on the wire."""
        try:
            return transport.deliver(batch, on_wire=hand_over.mark_sending)
        except NotHandedOver:  # this sender stalled past its lease and another took some rows: send the rest
            held = set(hand_over.held or ())
            batch.recipients[:] = [r for r in batch.recipients if r.delivery_id in held]
            return transport.deliver(batch)

    def run(self, *, transport: Transport, deadline: float, keeper: LeaseKeeper) -> SendReport:
        mailing_id = self.mailing.pk
        throttle = Throttle(self.per_second)
        while True:
            if monotonic() >= deadline:
                self.report.continued = True
                break
            keeper.batch = None
            if not keeper.before_batch():
                self.report.stopped = True
                break
            claim = ledger.claim_batch(
                mailing_id=mailing_id, size=self.batch_size, still_wanted=self.still_wanted
            )
            if not claim:
                self.report.stopped = not keeper.renew()  # nothing left, or paused or cancelled meanwhile
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
                ids = [row.id for row in rows]
                with ledger.handing_over(mailing_id=mailing_id, batch=claim.batch, ids=ids) as hand_over:
                    results = self.deliver(transport, batch, hand_over)
                    ledger.record(batch=claim.batch, results=results, hand_over=hand_over)
                self.report.add(results)
        return self.report


def mailing_send(*, mailing_id: int) -> SendReport:
    """Send what can be sent now; queue a continuation or a retry when needed; finish when all is done."""
    mailing = Mailing.objects.select_related("version__document").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return SendReport(stopped=True)
    stale_recover(mailing_id=mailing_id)
    sender = MailingSender(mailing)
    deadline = monotonic() + newsletter_setting("TASK_TIME_BUDGET_SECONDS")
    with Transport() as transport, LeaseKeeper(mailing_id) as keeper:
        report = sender.run(transport=transport, deadline=deadline, keeper=keeper)
    if report.continued:
        async_task(SEND_TASK, mailing_id, group=f"newsletter-{mailing_id}")
    elif not report.stopped:
        if ledger.finish(mailing_id=mailing_id):
            watch_disarm(mailing_id=mailing_id)
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
