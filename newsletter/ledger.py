"""The delivery ledger: claim, hand over, record — each a short transaction, none open during a network call.

The life of a Delivery row, and why a crash at any moment neither sends twice nor skips anyone silently:

    pending ──claim (batch id, lease)──▶ pending+claimed ──mark_sending──▶ sending ──record──▶ sent / failed /
       ▲                                      │                              │                 pending (retry)
       └──── lease expires (crash before ─────┘                              └─ lease expires (crash while the
             the provider was called): claimable again                          provider may have been called):
                                                                                uncertain — the editor decides

Claims use `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so several senders share one mailing without waiting
on each other; SQLite serialises writers itself (the site opens its transactions IMMEDIATE). A sender has one
batch at a time on the wire; with ONE_HAND_OVER_AT_A_TIME the senders of a mailing also take turns at the provider
(`handing_over`), so however many die at once, at most one batch becomes uncertain.
"""

import contextlib
import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .conf import newsletter_setting
from .models import Delivery, DeliveryStatus, Mailing, MailingStatus, Suppression, SuppressionReason
from .outcomes import NotHandedOver, Outcome, RecipientResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedDelivery:
    """A row claimed for sending, with what rendering and personalising it needs."""

    id: int
    subscriber_id: int
    email: str
    name: str
    audience_id: int | None
    since_number: int | None


@dataclass
class Claim:
    """A batch of rows one sender now holds (until `lease`), and how many it found no longer wanted."""

    batch: uuid.UUID
    rows: list[ClaimedDelivery] = field(default_factory=list)
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.rows or self.skipped)


def _lease_end(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=newsletter_setting("CLAIM_LEASE_SECONDS"))


def add_recipients(*, mailing_id: int, rows: QuerySet, history: QuerySet) -> int:
    """Write the frozen recipients in one INSERT … SELECT: no rows through Python, memory flat at any size.

    `rows` is `selectors.recipients(...)`, `history` `selectors.sent_before(...)`: each address's `since_number`
    comes from a join to the history, read in full before the first row is written (a materialised CTE). A
    subquery per address instead read the ledger while this statement was adding to it, and on a first mailing —
    an empty ledger, whose statistics promise nothing to read — PostgreSQL scanned all of it per address:
    quadratic, two minutes for 100,000. An address already in the ledger is skipped (ON CONFLICT).
    """
    history_sql, history_params = history.query.sql_with_params()
    select, params = rows.query.sql_with_params()
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH history AS MATERIALIZED ({history_sql}) "  # noqa: S608
            f"INSERT INTO {table} (mailing_id, subscriber_id, email, name, audience_id, since_number, "
            "status, attempts, provider_message_id, last_error, updated_at) "
            'SELECT %s, r."pk", r."email", r."name", r."audience_id", h."number", %s, 0, \'\', \'\', %s '
            f'FROM ({select}) AS r LEFT JOIN history AS h ON h."email" = r."email" '
            # "WHERE 1 = 1": SQLite would otherwise read ON CONFLICT as a join condition.
            "WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [*history_params, mailing_id, DeliveryStatus.PENDING, timezone.now(), *params],
        )
        return cursor.rowcount


def heartbeat(*, mailing_id: int) -> bool:
    """Note that a sender is alive; False when the mailing is no longer sending (paused, cancelled)."""
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).update(
            heartbeat_at=timezone.now()
        )
    )


def renew(*, mailing_id: int, batch: uuid.UUID | None) -> bool:
    """A live sender's sign of life: its heartbeat, and a fresh lease on the rows it holds (also while it waits for
    the provider). False when the mailing is no longer sending."""
    now = timezone.now()
    if batch is not None:
        held = Delivery.objects.filter(
            batch=batch, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], claimed_until__gte=now
        )
        with transaction.atomic():
            # The lease keeper's thread renews while the send loop writes the same rows on its own connection:
            # two UPDATEs of one row set in different orders deadlock (seen at 1,000,000 recipients). Rows the loop
            # has locked are skipped; its own statement sets their lease or their outcome.
            Delivery.objects.filter(pk__in=held.select_for_update(skip_locked=True).values("pk")).update(
                claimed_until=_lease_end(now)
            )
    return heartbeat(mailing_id=mailing_id)


def claimable(*, mailing_id: int, now: dt.datetime) -> QuerySet:
    return Delivery.objects.filter(mailing_id=mailing_id, status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
    )


def claim_batch(*, mailing_id: int, size: int, still_wanted: Q) -> Claim:
    """Take up to `size` pending rows of a sending mailing (none once it is paused or cancelled), grouped by
    variant; rows no longer wanted become `suppressed`."""
    now = timezone.now()
    claim = Claim(batch=uuid.uuid4())
    sending = Mailing.objects.filter(pk=OuterRef("mailing_id"), status=MailingStatus.SENDING)
    with transaction.atomic():
        picked = (
            claimable(mailing_id=mailing_id, now=now)
            .filter(Exists(sending))
            .select_for_update(skip_locked=True)
            .annotate(wanted=ExpressionWrapper(still_wanted, output_field=BooleanField()))
            .order_by("audience_id", "since_number", "id")
        )
        if connection.vendor == "postgresql":
            rows = _claimed_in_one_statement(picked[:size], batch=claim.batch, now=now)
        else:
            rows = _claimed(picked[:size], batch=claim.batch, now=now)
    claim.rows = [ClaimedDelivery(*row[:6]) for row in rows if row[6]]
    claim.skipped = len(rows) - len(claim.rows)
    return claim


def _claimed(picked: QuerySet, *, batch: uuid.UUID, now: dt.datetime) -> list[tuple]:
    rows = list(
        picked.values_list("id", "subscriber_id", "email", "name", "audience_id", "since_number", "wanted")
    )
    unwanted = [row[0] for row in rows if not row[6]]
    if unwanted:
        Delivery.objects.filter(id__in=unwanted).update(
            status=DeliveryStatus.SUPPRESSED, last_error=_UNWANTED(), updated_at=now
        )
    wanted = [row[0] for row in rows if row[6]]
    if wanted:
        Delivery.objects.filter(id__in=wanted).update(
            batch=batch, claimed_until=_lease_end(now), updated_at=now
        )
    return rows


def _claimed_in_one_statement(picked: QuerySet, *, batch: uuid.UUID, now: dt.datetime) -> list[tuple]:
    """`_claimed` as one UPDATE … RETURNING on PostgreSQL: no list of ids goes back to the server."""
    select, params = picked.values_list("id", "wanted").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH picked AS ({select}) "  # noqa: S608
            f"UPDATE {Delivery._meta.db_table} AS d SET "
            "batch = CASE WHEN p.wanted THEN %s::uuid ELSE d.batch END, "
            "claimed_until = CASE WHEN p.wanted THEN %s ELSE d.claimed_until END, "
            "status = CASE WHEN p.wanted THEN d.status ELSE %s END, "
            "last_error = CASE WHEN p.wanted THEN d.last_error ELSE %s END, "
            "updated_at = %s "
            "FROM picked AS p WHERE d.id = p.id "
            "RETURNING d.id, d.subscriber_id, d.email, d.name, d.audience_id, d.since_number, p.wanted",
            [*params, batch, _lease_end(now), DeliveryStatus.SUPPRESSED, _UNWANTED(), now],
        )
        rows = cursor.fetchall()
    # RETURNING keeps no order: back to the claim's, with NULLs last as PostgreSQL sorts them.
    rows.sort(key=lambda row: (row[4] is None, row[4] or 0, row[5] is None, row[5] or 0, row[0]))
    return rows


def _UNWANTED() -> str:
    return _("Afgemeld of geblokkeerd vóór de verzending.")


def release(*, batch: uuid.UUID) -> None:
    """Give back claimed rows that were never handed over (for example when rendering failed)."""
    Delivery.objects.filter(batch=batch, status=DeliveryStatus.PENDING).update(claimed_until=None, batch=None)


# The hand-over gate (PostgreSQL, with ONE_HAND_OVER_AT_A_TIME): an advisory lock per mailing, taken just before a
# batch goes on the wire (its rows marked `sending`) and given back when its outcome is recorded. The senders of a
# mailing claim, render and encode side by side but take turns at the provider, so however many of them die at
# once, at most one batch was in the provider's hands and becomes uncertain. Waiting for the gate is a statement
# of its own: a sender killed while it waits leaves its session to take the gate and end (returning it) without
# writing anything; had the wait been part of the marking, the orphaned statement would still have marked the
# rows. A dead sender's gate goes with its session.
_GATE = 0x4B564D  # "KVM": the advisory locks' first key; the mailing's id is the second


@dataclass
class HandOver:
    """One batch's rows on their way to the provider, between `handing_over` and `record`."""

    mailing_id: int
    batch: uuid.UUID
    ids: list[int]
    held: list[int] | None = None  # once marked: the ids this sender still holds
    gate_closed: bool = False
    gate_open: bool = False

    def mark_sending(self) -> None:
        """Take the gate and mark the rows `sending`: the transport's `on_wire`, once, just before the provider
        is called. Stops the hand-over when a watchdog meanwhile gave some of the rows to another sender."""
        if self.held is not None:
            return
        if not self.gate_closed:
            self.gate_closed = _gate_close(self.mailing_id)
        self.held = mark_sending(batch=self.batch, ids=self.ids)
        if len(self.held) != len(self.ids):
            raise NotHandedOver(f"{len(self.ids) - len(self.held)} row(s) were taken over by another sender")


@contextmanager
def handing_over(*, mailing_id: int, batch: uuid.UUID, ids: list[int]) -> Iterator[HandOver]:
    """The claimed rows `ids` on their way to the provider: give the transport `mark_sending` as its `on_wire`,
    `record` the answer inside the block. The gate is open again when the block ends."""
    hand_over = HandOver(mailing_id=mailing_id, batch=batch, ids=ids)
    try:
        yield hand_over
    finally:
        if hand_over.gate_closed and not hand_over.gate_open:
            _gate_open(mailing_id)


def _gated() -> bool:
    return connection.vendor == "postgresql" and newsletter_setting("ONE_HAND_OVER_AT_A_TIME")


def _gate_close(mailing_id: int) -> bool:
    if not _gated():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_GATE, mailing_id])
    return True


def _gate_open(mailing_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_GATE, mailing_id])
    except DatabaseError:  # the session is gone, and its gate with it
        logger.warning("Mailing %s: the hand-over gate was not opened; the session ended", mailing_id)


def mark_sending(*, batch: uuid.UUID, ids: list[int]) -> list[int]:
    """Mark claimed rows `sending`. Returns the ids this sender still holds."""
    now = timezone.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(batch=batch, id__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_until=_lease_end(now),
            updated_at=now,
        )
    if updated == len(ids):
        return ids
    return list(
        Delivery.objects.filter(batch=batch, id__in=ids, status=DeliveryStatus.SENDING).values_list(
            "id", flat=True
        )
    )


def backoff(attempts: int) -> dt.timedelta:
    seconds = newsletter_setting("RETRY_BACKOFF_SECONDS") * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, newsletter_setting("RETRY_BACKOFF_MAX_SECONDS")))


def _record_sent(
    *,
    mine: QuerySet,
    batch: uuid.UUID,
    sent: list[RecipientResult],
    now: dt.datetime,
    hand_over: HandOver | None,
) -> None:
    """Sent rows get their status and each its provider message id, in one statement: the same id for all when
    the provider gave one for the whole call (Mailgun), else each its own. On PostgreSQL the same statement opens
    the hand-over gate: once sent, the server commits it whatever becomes of the sender (outside a transaction;
    inside one, the gate would open before a commit that a dying sender never sends)."""
    ids = [r.delivery_id for r in sent]
    message_ids = {r.message_id[:255] for r in sent}
    if connection.vendor == "postgresql":
        one_id = next(iter(message_ids)) if len(message_ids) == 1 else None
        gate = hand_over is not None and hand_over.gate_closed and not hand_over.gate_open
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH done AS (UPDATE {Delivery._meta.db_table} AS d SET status = %s, sent_at = %s, "  # noqa: S608
                "updated_at = %s, claimed_until = NULL, last_error = '', "
                "provider_message_id = COALESCE(v.message_id, %s) "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, message_id) "
                "WHERE d.id = v.id AND d.batch = %s AND d.status = ANY(%s) RETURNING 1) "
                "SELECT CASE WHEN %s THEN pg_advisory_unlock(%s, %s) END, (SELECT count(*) FROM done)",
                [
                    DeliveryStatus.SENT,
                    now,
                    now,
                    one_id,
                    ids,
                    [] if one_id else [r.message_id[:255] for r in sent],
                    batch,
                    _OURS,
                    gate,
                    _GATE,
                    hand_over.mailing_id if hand_over else 0,
                ],
            )
        if gate:
            hand_over.gate_open = True
        return
    done = {
        "status": DeliveryStatus.SENT,
        "sent_at": now,
        "claimed_until": None,
        "last_error": "",
        "updated_at": now,
    }
    if len(message_ids) == 1:
        mine.filter(id__in=ids).update(provider_message_id=message_ids.pop(), **done)
        return
    with transaction.atomic():
        mine.filter(id__in=ids).update(**done)
        Delivery.objects.bulk_update(
            [Delivery(id=r.delivery_id, provider_message_id=r.message_id[:255]) for r in sent],
            ["provider_message_id"],
            batch_size=500,
        )


_OURS = [DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN]


def record(*, batch: uuid.UUID, results: list[RecipientResult], hand_over: HandOver | None = None) -> None:
    """Write what the provider said. Rows already marked uncertain by a watchdog still get the known outcome.
    Given the `hand_over`, its gate opens with the write when all were sent (else when the block ends)."""
    if hand_over is not None and hand_over.held is None:
        # Stopped before the wire, the rows only claimed: mark them, to record them. Rows another sender took keep
        # their new batch; this one records only its own.
        with contextlib.suppress(NotHandedOver):
            hand_over.mark_sending()
    now = timezone.now()
    by_outcome: dict[Outcome, list[RecipientResult]] = defaultdict(list)
    for result in results:
        by_outcome[result.outcome].append(result)
    mine = Delivery.objects.filter(batch=batch, status__in=_OURS)
    if set(by_outcome) == {Outcome.SENT}:  # nearly always: one statement, its own transaction
        _record_sent(mine=mine, batch=batch, sent=by_outcome[Outcome.SENT], now=now, hand_over=hand_over)
        return
    with transaction.atomic():
        if by_outcome[Outcome.SENT]:
            _record_sent(mine=mine, batch=batch, sent=by_outcome[Outcome.SENT], now=now, hand_over=None)
        unknown = by_outcome[Outcome.UNKNOWN]
        if unknown:
            mine.filter(id__in=[r.delivery_id for r in unknown]).update(
                status=DeliveryStatus.UNCERTAIN,
                claimed_until=None,
                last_error=unknown[0].error,
                updated_at=now,
            )
        rejected = by_outcome[Outcome.REJECTED]
        if rejected:
            rows = mine.filter(id__in=[r.delivery_id for r in rejected])
            emails = list(rows.values_list("email", flat=True))
            rows.update(
                status=DeliveryStatus.FAILED, claimed_until=None, last_error=rejected[0].error, updated_at=now
            )
            suppress(emails=emails, reason=SuppressionReason.REJECTED, detail=rejected[0].error)
        retry = by_outcome[Outcome.RETRY]
        if retry:
            errors = {r.delivery_id: r.error for r in retry}
            limit = newsletter_setting("MAX_ATTEMPTS")
            groups: dict[tuple[int, str], list[int]] = defaultdict(list)
            rows = mine.filter(id__in=list(errors)).select_for_update().values_list("id", "attempts")
            for pk, attempts in rows:
                groups[(attempts, errors[pk])].append(pk)
            for (attempts, error), ids in groups.items():
                if attempts >= limit:
                    Delivery.objects.filter(id__in=ids).update(
                        status=DeliveryStatus.FAILED, claimed_until=None, last_error=error, updated_at=now
                    )
                else:
                    Delivery.objects.filter(id__in=ids).update(
                        status=DeliveryStatus.PENDING,
                        batch=None,
                        claimed_until=None,
                        next_attempt_at=now + backoff(attempts),
                        last_error=error,
                        updated_at=now,
                    )


def suppress(*, emails: list[str], reason: str, detail: str = "") -> None:
    Suppression.objects.bulk_create(
        [
            Suppression(email=email.strip().lower(), reason=reason, detail=detail[:500])
            for email in emails
            if email
        ],
        ignore_conflicts=True,
    )


def _stale() -> QuerySet:
    """Rows whose sender died while handing them over: still `sending`, their lease run out."""
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_until__lt=timezone.now())


def stale_mailing_ids() -> list[int]:
    """Mailings with rows a dead sender was handing over (see `recover_stale`)."""
    return list(_stale().order_by().values_list("mailing_id", flat=True).distinct())


def recover_stale(*, mailing_id: int) -> int:
    """Rows whose sender died while handing them over: their outcome is unknown, so they become uncertain."""
    return (
        _stale()
        .filter(mailing_id=mailing_id)
        .update(
            status=DeliveryStatus.UNCERTAIN,
            claimed_until=None,
            last_error=_(
                "De verzender stopte tijdens het overdragen aan de provider; of deze e-mail is verstuurd, is "
                "onbekend."
            ),
            updated_at=timezone.now(),
        )
    )


def next_wakeup_at(*, mailing_id: int) -> dt.datetime | None:
    """When someone should look at this mailing again: the first backed-off row falls due, or the first lease
    held by another sender ends (if that sender died, its rows are then recovered)."""
    open_rows = Delivery.objects.filter(
        mailing_id=mailing_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    times = open_rows.aggregate(retry=Min("next_attempt_at"), lease=Min("claimed_until"))
    due = [at for at in times.values() if at is not None]
    return min(due) if due else None


def is_open(*, mailing_id: int) -> bool:
    """Whether rows are still waiting or being handed over."""
    return Delivery.objects.filter(
        mailing_id=mailing_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    ).exists()


def finish(*, mailing_id: int) -> bool:
    """Mark the mailing done when nothing is waiting or in flight any more."""
    if is_open(mailing_id=mailing_id):
        return False
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).update(
            status=MailingStatus.DONE, finished_at=timezone.now()
        )
    )


def uncertain_resend(*, mailing_id: int, batch: uuid.UUID | None = None) -> int:
    """The editor's choice "resend to these": uncertain rows go back to pending."""
    rows = Delivery.objects.filter(mailing_id=mailing_id, status=DeliveryStatus.UNCERTAIN)
    if batch is not None:
        rows = rows.filter(batch=batch)
    return rows.update(
        status=DeliveryStatus.PENDING,
        batch=None,
        claimed_until=None,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )


def uncertain_mark_sent(*, mailing_id: int, batch: uuid.UUID | None = None) -> int:
    """The editor's choice "mark as sent": uncertain rows count as sent, with a note."""
    rows = Delivery.objects.filter(mailing_id=mailing_id, status=DeliveryStatus.UNCERTAIN)
    if batch is not None:
        rows = rows.filter(batch=batch)
    now = timezone.now()
    return rows.update(
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_error=_("Door de redactie als verzonden gemarkeerd."),
        updated_at=now,
    )
