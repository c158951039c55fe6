"""Sending a mailing: the ledger, batching, throttling, retries, permanent failures, uncertainty, pause/resume —
through anymail's real Postmark backend against the loopback stand-in (patched only at the network edge)."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from newsletter import ledger, mailings, receivers, sending, watchdog
from newsletter.mailings import mailing_freeze
from newsletter.models import (
    Audience,
    Delivery,
    DeliveryStatus,
    Mailing,
    MailingStatus,
    Suppression,
    SuppressionReason,
)
from newsletter.sending import mailing_send
from newsletter.testing import ProviderStandIn
from newsletter.transport import Transport
from pages.actions import PublishVersionAction

pytestmark = pytest.mark.django_db


def statuses(mailing) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in mailing.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


# -- the ledger --


def test_one_row_per_recipient_per_mailing_is_enforced_by_the_database(frozen_mailing):
    mailing = frozen_mailing(2)
    row = mailing.deliveries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(mailing=mailing, email=row.email)
    mailing.status = MailingStatus.QUEUED
    mailing.frozen_at = None
    mailing.save()
    mailing_freeze(mailing_id=mailing.pk)  # freezing again adds nobody twice
    assert mailing.deliveries.count() == 2


def _plan_nodes(node, under=()):
    """Every node of an EXPLAIN (FORMAT JSON) plan, with the names of the sub-plans (CTEs …) it sits in."""
    under = (*under, node["Subplan Name"]) if "Subplan Name" in node else under
    yield node, under
    for child in node.get("Plans", []):
        yield from _plan_nodes(child, under)


@pytest.mark.postgres
def test_a_first_mailing_reads_the_ledger_once_before_it_writes_to_it(make_document, make_subscriber):
    """The freeze's `since_number` says what each address received before — in the INSERT … SELECT that fills
    the ledger. As a subquery per address it read the ledger while the statement was adding to it, and on a first
    mailing (an empty ledger, statistics promising nothing to read) PostgreSQL scanned all of it per address:
    100,000 recipients took two minutes. Now the ledger is read only by the materialised CTE, before any row is
    written; and the publish form's preview, which keeps the subquery, finds an address through an index that
    starts with the address."""
    if connection.vendor != "postgresql":
        pytest.skip("A PostgreSQL plan.")
    from newsletter.mailings import mailing_create
    from newsletter.selectors import mailing_recipients

    document = make_document(calls=1, activities_per_call=0)
    for n in range(3):
        make_subscriber(f"lezer{n}@example.org")
    version = PublishVersionAction(document, note="Eerste.", skip_permission_check=True).execute()
    mailing = mailing_create(version=version, audience_keys=["residents"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE newsletter_delivery")
    with CaptureQueriesContext(connection) as captured:
        mailing_freeze(mailing_id=mailing.pk)
    (insert,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH history")]
    audience = Audience.objects.get(key="residents")
    preview, params = mailing_recipients(audience_ids=[audience.pk], version=version).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, a.attname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] "
            "WHERE x.indrelid = 'newsletter_delivery'::regclass"
        )
        leading = dict(cursor.fetchall())
        cursor.execute("EXPLAIN (FORMAT JSON) " + insert)
        freeze_plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("SET LOCAL enable_seqscan = off")  # as with 100,000 rows: a few test rows read at once
        cursor.execute("EXPLAIN (FORMAT JSON) " + preview, params)
        preview_plan = cursor.fetchone()[0][0]["Plan"]

    reads = [
        under
        for node, under in _plan_nodes(freeze_plan)
        if node["Node Type"] != "ModifyTable"
        and (node.get("Relation Name") == "newsletter_delivery" or node.get("Index Name") in leading)
    ]
    assert reads and all(under and under[0] == "CTE history" for under in reads), reads

    indexes = {node.get("Index Name") for node, _under in _plan_nodes(preview_plan)} & set(leading)
    assert indexes and {leading[name] for name in indexes} == {"email"}


def test_publishing_creates_one_mailing_per_version_even_when_announced_twice(
    make_document, make_subscriber, publish
):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("a@example.org")
    version = publish(document, audiences=["residents"])
    receivers.on_version_published(sender=None, version=version, audiences=["residents"])  # delivered twice
    assert Mailing.objects.filter(version=version).count() == 1
    assert Delivery.objects.filter(mailing__version=version).count() == 1
    assert len(mail.outbox) == 1


def test_a_version_without_audiences_sends_nothing(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber()
    publish(document, audiences=[])
    assert not Mailing.objects.exists()
    assert not mail.outbox


# -- through the provider's batch API --


def test_batches_go_to_the_bulk_api_personalised_per_recipient(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 500}
    mailing = frozen_mailing(1200)
    report = mailing_send(mailing_id=mailing.pk)
    assert [call["recipients"] for call in provider.calls] == [500, 500, 200]
    assert {call["path"] for call in provider.calls} == {"/email/bulk"}
    assert provider.total == 1200 and not provider.duplicates()
    assert report.renders == 1
    assert statuses(mailing) == {DeliveryStatus.SENT: 1200}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE

    one = next(m for m in provider.messages if "lezer00007@example.org" in m["to"])
    assert "Beste Lezer 7," in one["text"] and "Beste Lezer 7," in one["html"]
    assert one["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = one["headers"]["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://kvm.example.org/nieuwsbrief/afmelden/")
    assert unsubscribe.split(">")[0][1:] in one["html"]
    row = Delivery.objects.get(email="lezer00007@example.org")
    assert one["metadata"]["kvm_delivery"] == str(row.pk)
    assert row.provider_message_id == one["metadata"]["anymail_id"]
    assert len({m["headers"]["List-Unsubscribe"] for m in provider.messages}) == 1200


def test_several_senders_claim_disjoint_batches(frozen_mailing):
    mailing = frozen_mailing(30)
    wanted = sending.MailingSender(mailing).still_wanted
    first = ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)
    second = ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)
    third = ledger.claim_batch(mailing_id=mailing.pk, size=50, still_wanted=wanted)
    ids = [row.id for claim in (first, second, third) for row in claim.rows]
    assert len(ids) == len(set(ids)) == 30
    assert not ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)


# -- throttling --


class FakeClock:
    """monotonic()/sleep() that only move when asked to sleep."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("senders", "batch"), [(1, 50), (2, 25)])
def test_throttling_keeps_to_max_per_second(settings, provider, frozen_mailing, monkeypatch, senders, batch):
    settings.KVM_NEWSLETTER = {"MAX_PER_SECOND": 50, "SENDERS": senders, "BATCH_SIZE": 500}
    clock = FakeClock()
    monkeypatch.setattr(sending, "monotonic", clock.monotonic)
    monkeypatch.setattr(sending, "sleep", clock.sleep)
    mailing = frozen_mailing(120)
    mailing_send(mailing_id=mailing.pk)
    sizes = [call["recipients"] for call in provider.calls]
    assert max(sizes) == batch and sum(sizes) == 120
    per_sender_rate = 50 / senders
    # Waiting before each call after the first: the recipients already handed over, at the sender's rate.
    assert sum(clock.sleeps) == pytest.approx((120 - sizes[-1]) / per_sender_rate)


class SenderKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even the send loop's own clean-up."""


def test_a_sender_killed_while_waiting_for_the_rate_limit_leaves_nothing_uncertain(
    settings, provider, frozen_mailing, monkeypatch
):
    settings.KVM_NEWSLETTER = {"MAX_PER_SECOND": 50, "SENDERS": 1, "BATCH_SIZE": 500}
    clock = FakeClock()

    def killed_while_waiting(seconds: float) -> None:
        raise SenderKilled

    monkeypatch.setattr(sending, "monotonic", clock.monotonic)
    monkeypatch.setattr(sending, "sleep", killed_while_waiting)
    mailing = frozen_mailing(80)
    with pytest.raises(SenderKilled):
        mailing_send(mailing_id=mailing.pk)
    assert provider.total == 50, "the first batch went out; the second was waiting for its turn"

    mailing.deliveries.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))  # the lease ran out
    assert ledger.recover_stale(mailing_id=mailing.pk) == 0
    assert statuses(mailing) == {DeliveryStatus.SENT: 50, DeliveryStatus.PENDING: 30}

    monkeypatch.setattr(sending, "sleep", clock.sleep)
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.SENT: 80}
    assert provider.duplicates() == {}


# -- transient errors, permanent rejections, unknown outcomes --


def test_transient_errors_are_retried_with_backoff(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"RETRY_BACKOFF_SECONDS": 30}
    mailing = frozen_mailing(3)
    provider.plan("error")
    before = timezone.now()
    mailing_send(mailing_id=mailing.pk)
    rows = list(mailing.deliveries.all())
    assert {row.status for row in rows} == {DeliveryStatus.PENDING}
    assert {row.attempts for row in rows} == {1}
    assert all("503" in row.last_error for row in rows)
    assert all(row.next_attempt_at >= before + dt.timedelta(seconds=30) for row in rows)
    retry = Schedule.objects.get(name=f"newsletter-retry-{mailing.pk}")
    assert retry.func == "newsletter.tasks.send_mailing"
    assert retry.next_run == min(row.next_attempt_at for row in rows)
    assert provider.total == 0

    mailing_send(mailing_id=mailing.pk)  # too early: nothing is due
    assert provider.total == 0
    mailing.deliveries.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    provider.plan("error")
    mailing_send(mailing_id=mailing.pk)
    row = mailing.deliveries.first()
    assert row.attempts == 2 and row.next_attempt_at >= timezone.now() + dt.timedelta(seconds=59)

    mailing.deliveries.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.SENT: 3}
    assert provider.total == 3 and not provider.duplicates()


def test_after_the_last_attempt_a_transient_error_is_a_visible_failure(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"MAX_ATTEMPTS": 2}
    mailing = frozen_mailing(2)
    provider.plan("error", "error")
    mailing_send(mailing_id=mailing.pk)
    mailing.deliveries.update(next_attempt_at=None)
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.FAILED: 2}
    assert "503" in mailing.deliveries.first().last_error
    assert not Suppression.objects.exists()  # the provider's trouble, not the address's
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE


def test_a_permanent_rejection_fails_the_recipient_and_suppresses_the_address(
    settings, provider, frozen_mailing
):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_USE_BULK_API": False}  # one message per recipient
    provider.inactive = {"lezer00001@example.org"}
    mailing = frozen_mailing(3)
    mailing_send(mailing_id=mailing.pk)
    assert {call["path"] for call in provider.calls} == {"/email"}
    rejected = Delivery.objects.get(email="lezer00001@example.org")
    assert rejected.status == DeliveryStatus.FAILED
    assert "marked as inactive" in rejected.last_error  # the provider's own words
    assert Suppression.objects.get(email="lezer00001@example.org").reason == SuppressionReason.REJECTED
    assert statuses(mailing) == {DeliveryStatus.SENT: 2, DeliveryStatus.FAILED: 1}


def test_no_answer_in_time_makes_the_batch_uncertain_and_it_is_never_resent_by_itself(
    settings, provider, frozen_mailing
):
    settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": 0.3}
    provider.hang_seconds = 1.0
    mailing = frozen_mailing(4)
    provider.plan("hang")
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.UNCERTAIN: 4}
    assert "Timeout" in mailing.deliveries.first().last_error
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE  # nothing left to do by itself; the editor decides
    mailing_send(mailing_id=mailing.pk)
    watchdog.mailings_watch()
    assert provider.total == 4  # the stand-in got them once, and only once

    batch = mailing.deliveries.first().batch
    assert mailings.uncertain_mark_sent(mailing=mailing, batch=batch) == 4
    assert statuses(mailing) == {DeliveryStatus.SENT: 4}


def test_resend_to_uncertain_recipients_when_the_editor_chooses_it(settings, provider, frozen_mailing):
    settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": 0.3}
    provider.hang_seconds = 1.0
    provider.error_rate = 0.0
    mailing = frozen_mailing(2)
    provider.plan("error")  # the first call fails, the stand-in takes nothing
    mailing_send(mailing_id=mailing.pk)
    mailing.deliveries.update(status=DeliveryStatus.UNCERTAIN, next_attempt_at=None)
    assert mailings.uncertain_resend(mailing=mailing) == 2
    assert statuses(mailing) == {DeliveryStatus.SENT: 2}
    assert provider.total == 2


# -- pause, resume, cancel, and changes of heart during a send --


def test_pause_and_resume(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10}
    mailing = frozen_mailing(35)
    deliver = Transport.deliver

    def deliver_then_pause(self, batch, **kwargs):
        results = deliver(self, batch, **kwargs)
        mailings.mailing_pause(mailing=mailing)
        return results

    with mock.patch.object(Transport, "deliver", deliver_then_pause):
        report = mailing_send(mailing_id=mailing.pk)
    assert report.stopped
    assert statuses(mailing) == {DeliveryStatus.SENT: 10, DeliveryStatus.PENDING: 25}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.PAUSED
    assert mailing_send(mailing_id=mailing.pk).sent == 0  # a paused mailing sends nothing

    assert mailings.mailing_resume(mailing=mailing)  # restarts its senders (run inline in tests)
    assert statuses(mailing) == {DeliveryStatus.SENT: 35}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    assert provider.total == 35 and not provider.duplicates()


def test_cancel_stops_the_mailing(provider, frozen_mailing):
    mailing = frozen_mailing(3)
    assert mailings.mailing_cancel(mailing=mailing)
    assert mailing_send(mailing_id=mailing.pk).sent == 0
    assert provider.total == 0
    assert not mailings.mailing_resume(mailing=mailing)


def test_an_unsubscribe_after_freezing_is_honoured_before_sending(provider, frozen_mailing):
    from newsletter.models import Subscriber
    from newsletter.services import unsubscribe_all

    mailing = frozen_mailing(3)
    unsubscribe_all(subscriber=Subscriber.objects.get(email="lezer00000@example.org"))
    Suppression.objects.create(email="lezer00001@example.org", reason=SuppressionReason.COMPLAINED)
    mailing_send(mailing_id=mailing.pk)
    assert set(provider.received) == {"lezer00002@example.org"}
    assert statuses(mailing) == {DeliveryStatus.SENT: 1, DeliveryStatus.SUPPRESSED: 2}


# -- in a worker: the lease keeper's thread keeps the heartbeat, the loop makes only the ledger's queries --

in_a_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a test transaction


@in_a_worker
@pytest.mark.parametrize("one_hand_over", [False, True])
def test_a_sender_in_a_worker_makes_three_queries_a_batch(settings, provider, frozen_mailing, one_hand_over):
    """Claim, mark sending, record: at 500 a batch, 6 queries per 1,000 recipients on PostgreSQL, and one more a
    batch with ONE_HAND_OVER_AT_A_TIME (waiting for the gate; recording opens it again). On SQLite, which has no
    gate, the claim is a select and an update, and Postmark's per-recipient message ids a second write: 5 a batch. The heartbeat and the dead man's switch are the keeper
    thread's, once every third of the lease, not once a batch."""
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10, "ONE_HAND_OVER_AT_A_TIME": one_hand_over}

    def queries_to_send(mailing) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = mailing_send(mailing_id=mailing.pk)
        assert report.sent == mailing.deliveries.count() and not report.stopped
        control = (
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "SAVEPOINT",
            "RELEASE",
        )  # SQLite's show up; PostgreSQL's do not
        return sum(1 for query in captured.captured_queries if not query["sql"].startswith(control))

    three_batches = queries_to_send(frozen_mailing(30))
    people = [(f"bondgenoot{n}@example.org", f"Bondgenoot {n}") for n in range(60)]
    six_batches = queries_to_send(frozen_mailing(0, audiences=("allies",), people=people))
    per_batch = (4 if one_hand_over else 3) if connection.vendor == "postgresql" else 5
    assert (six_batches - three_batches) / 3 == per_batch
    assert provider.total == 90 and not provider.duplicates()


@in_a_worker
@pytest.mark.postgres
def test_with_one_hand_over_at_a_time_the_senders_take_turns_at_the_provider(settings, frozen_mailing):
    """With ONE_HAND_OVER_AT_A_TIME two senders claim and render side by side but take turns at the provider
    (PostgreSQL's advisory lock per mailing), so when both die at once, at most one batch was in the provider's
    hands. Without it their calls overlap."""
    if connection.vendor != "postgresql":
        pytest.skip("The hand-over gate is PostgreSQL's; SQLite serialises its writers anyway.")
    reports = []

    def two_senders(mailing) -> ProviderStandIn:
        """Two senders on `mailing` at once, each on its own connection, to a stand-in answering in 50 ms."""

        def sender() -> None:
            try:
                reports.append(mailing_send(mailing_id=mailing.pk))
            finally:
                connection.close()

        with ProviderStandIn(latency=0.05) as slow:
            settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
            settings.ANYMAIL = {
                "POSTMARK_SERVER_TOKEN": "t",
                "POSTMARK_API_URL": slow.url,
                "POSTMARK_USE_BULK_API": True,
            }
            threads = [threading.Thread(target=sender) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        return slow

    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10, "SENDERS": 2, "ONE_HAND_OVER_AT_A_TIME": True}
    slow = two_senders(frozen_mailing(80))
    assert sorted(report.batches > 0 for report in reports) == [True, True], "both senders took part"
    assert slow.total == 80 and not slow.duplicates()
    assert slow.max_in_flight == 1
    others = [(f"bondgenoot{n}@example.org", f"Bondgenoot {n}") for n in range(80)]
    side_by_side = frozen_mailing(0, audiences=("allies",), people=others)
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10, "SENDERS": 2}
    slow = two_senders(side_by_side)
    assert slow.total == 80 and slow.max_in_flight == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        assert cursor.fetchone()[0] == 0, "every gate was opened again"


@in_a_worker
def test_when_the_keeper_thread_dies_the_send_loop_keeps_the_heartbeat_itself(
    settings, provider, frozen_mailing
):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10}
    mailing = frozen_mailing(30)
    with (
        mock.patch.object(sending.LeaseKeeper, "_run", lambda keeper: None),  # the thread ends at once
        CaptureQueriesContext(connection) as captured,
    ):
        assert mailing_send(mailing_id=mailing.pk).sent == 30
    heartbeats = [query for query in captured.captured_queries if '"heartbeat_at" =' in query["sql"]]
    # Before each of the four claims (the last finds nothing left), then once more.
    assert len(heartbeats) == 4 + 1


@in_a_worker
def test_a_pause_stops_a_sender_in_a_worker_at_its_next_claim(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 10}
    mailing = frozen_mailing(35)
    deliver = Transport.deliver

    def deliver_then_pause(self, batch, **kwargs):
        results = deliver(self, batch, **kwargs)
        mailings.mailing_pause(mailing=mailing)
        return results

    with mock.patch.object(Transport, "deliver", deliver_then_pause):
        report = mailing_send(mailing_id=mailing.pk)
    assert report.stopped
    assert statuses(mailing) == {DeliveryStatus.SENT: 10, DeliveryStatus.PENDING: 25}


@in_a_worker
def test_the_keepers_lease_renewal_never_waits_for_rows_the_send_loop_is_writing(frozen_mailing):
    """The keeper's thread and the send loop write the same rows on two connections; a renewal that waited for
    the loop's row locks deadlocked against it (two senders, 1,000,000 recipients). It skips them instead."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    import threading

    mailing = frozen_mailing(4)
    claim = ledger.claim_batch(mailing_id=mailing.pk, size=4, still_wanted=Q())
    ids = [row.id for row in claim.rows]
    locked, done = threading.Event(), threading.Event()

    def the_loop_writing_two_rows():
        try:
            with transaction.atomic():
                list(Delivery.objects.select_for_update().filter(id__in=ids[:2]))
                locked.set()
                done.wait(10)
        finally:
            connection.close()

    loop = threading.Thread(target=the_loop_writing_two_rows)
    loop.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting would fail the test, not hang it
        before = dict(Delivery.objects.filter(id__in=ids).values_list("id", "claimed_until"))
        assert ledger.renew(mailing_id=mailing.pk, batch=claim.batch)
        after = dict(Delivery.objects.filter(id__in=ids).values_list("id", "claimed_until"))
    finally:
        done.set()
        loop.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert [after[pk] > before[pk] for pk in ids] == [False, False, True, True]


# -- a dead sender --


def test_a_dead_senders_batches_become_uncertain_or_are_taken_over(provider, frozen_mailing):
    mailing = frozen_mailing(30)
    wanted = sending.MailingSender(mailing).still_wanted
    # Sender 1 died while handing its batch to the provider; sender 2 died before it got that far.
    handing_over = ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)
    ids = [row.id for row in handing_over.rows]
    with ledger.handing_over(mailing_id=mailing.pk, batch=handing_over.batch, ids=ids) as hand_over:
        hand_over.mark_sending()  # on the wire; the sender died before it could record (its gate went with it)
    claimed_only = ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    mailing.deliveries.exclude(claimed_until=None).update(claimed_until=long_ago)
    Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=long_ago)

    watchdog.mailings_watch()  # the watchdog; its restarted senders run inline in tests

    uncertain = set(mailing.deliveries.filter(status=DeliveryStatus.UNCERTAIN).values_list("id", flat=True))
    assert uncertain == {row.id for row in handing_over.rows}
    assert statuses(mailing) == {DeliveryStatus.UNCERTAIN: 10, DeliveryStatus.SENT: 20}
    sent = set(provider.received)
    assert {row.email for row in claimed_only.rows} <= sent
    assert not sent & {row.email for row in handing_over.rows}
    assert not provider.duplicates()


def test_a_sender_starting_on_a_mailing_notes_a_dead_senders_hand_over(provider, frozen_mailing):
    """Whoever notices a dead sender's hand-over first — the watchdog, or a sender whose retry came due at the same
    moment (seen in `make prod-check`) — marks it uncertain and says so on the mailing's page."""
    mailing = frozen_mailing(20)
    wanted = sending.MailingSender(mailing).still_wanted
    claim = ledger.claim_batch(mailing_id=mailing.pk, size=10, still_wanted=wanted)
    ids = [row.id for row in claim.rows]
    with ledger.handing_over(mailing_id=mailing.pk, batch=claim.batch, ids=ids) as hand_over:
        hand_over.mark_sending()  # on the wire when its sender died
    mailing.deliveries.exclude(claimed_until=None).update(
        claimed_until=timezone.now() - dt.timedelta(minutes=1)
    )

    mailing_send(mailing_id=mailing.pk)

    assert statuses(mailing) == {DeliveryStatus.UNCERTAIN: 10, DeliveryStatus.SENT: 10}
    notes = " ".join(mailing.events.values_list("message", flat=True))
    assert "10 ontvanger(s) op “onzeker” gezet" in notes


def test_a_flaky_provider_still_gets_everyone_at_most_once(settings, provider, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 20, "RETRY_BACKOFF_SECONDS": 0, "MAX_ATTEMPTS": 5}
    settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": 0.3}
    provider.hang_seconds, provider.error_rate, provider.timeout_rate = 0.5, 0.2, 0.05
    provider.random.seed(8)
    mailing = frozen_mailing(300)
    mailing_send(mailing_id=mailing.pk)
    counts = statuses(mailing)
    assert set(counts) <= {DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN, DeliveryStatus.FAILED}
    assert sum(counts.values()) == 300
    assert not provider.duplicates()
    rows = dict(mailing.deliveries.values_list("email", "status"))
    assert {email for email, status in rows.items() if status == DeliveryStatus.SENT} <= set(
        provider.received
    )
    assert set(rows) - set(provider.received) <= {e for e, s in rows.items() if s != DeliveryStatus.SENT}
    assert all(row.last_error for row in mailing.deliveries.exclude(status=DeliveryStatus.SENT))
    assert any(call["fault"] == "error" for call in provider.calls)


def test_tasks_queued_by_an_earlier_release_still_send_once(make_document, make_subscriber, publish):
    from newsletter import tasks

    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("a@example.org")
    version = publish(
        document, audiences=[]
    )  # as if the receiver of the earlier release had only queued a task
    tasks.start_mailing(version.pk, ["residents"])  # that release's task by its name and arguments
    tasks.freeze_mailing(Mailing.objects.get(version=version).pk)  # and its launch task, arriving late
    assert Mailing.objects.get(version=version).status == MailingStatus.DONE
    assert len(mail.outbox) == 1
