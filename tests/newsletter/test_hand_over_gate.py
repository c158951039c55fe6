"""The hand-over gate: a batch's rows are marked `sending` (and, on PostgreSQL, the mailing's gate taken) only once
the request is built and encoded and about to leave, so that the senders of a mailing encode side by side and take
turns at the provider only for the network call. Through anymail's real Postmark backend (one call per batch, and
one per recipient without the bulk API) and the outbox (no requests session)."""

import uuid

import pytest
import requests

from newsletter import ledger, sending
from newsletter.models import Delivery, DeliveryStatus
from newsletter.outcomes import NotHandedOver, Outcome
from newsletter.transport import Transport

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(frozen_mailing):
    """claimed(n) → (sender, claim, outgoing batch) for a mailing of n residents, the rows claimed, not marked."""

    def build(n: int):
        mailing = frozen_mailing(n)
        sender = sending.MailingSender(mailing)
        claim = ledger.claim_batch(mailing_id=mailing.pk, size=n, still_wanted=sender.still_wanted)
        audience = mailing.audiences.get()
        template = sender.variant(audience, claim.rows[0].since_number)
        return sender, claim, sender.outgoing(template, audience, claim.rows)

    return build


@pytest.fixture
def encodings(monkeypatch):
    """How many request bodies requests has encoded so far."""
    count = {"bodies": 0}
    prepare_body = requests.models.PreparedRequest.prepare_body

    def counting(self, *args, **kwargs):
        count["bodies"] += 1
        return prepare_body(self, *args, **kwargs)

    monkeypatch.setattr(requests.models.PreparedRequest, "prepare_body", counting)
    return count


def test_on_wire_runs_once_after_the_request_is_encoded_and_before_it_leaves(provider, claimed, encodings):
    _sender, _claim, batch = claimed(12)
    seen = []

    def on_wire():
        seen.append((encodings["bodies"], provider.total))

    with Transport() as transport:
        results = transport.deliver(batch, on_wire=on_wire)
    assert seen == [(1, 0)], "once: the one bulk call's body already encoded, nothing at the provider yet"
    assert [r.outcome for r in results] == [Outcome.SENT] * 12 and provider.total == 12


def test_on_wire_runs_once_for_a_batch_sent_one_message_at_a_time(settings, provider, claimed, encodings):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_USE_BULK_API": False}
    _sender, _claim, batch = claimed(3)
    seen = []
    with Transport() as transport:
        assert not transport.merges_at_provider
        transport.deliver(batch, on_wire=lambda: seen.append(provider.total))
    assert seen == [0] and provider.total == 3 and len(provider.calls) == 3


def test_without_a_requests_session_on_wire_runs_before_the_backend_is_called(outbox, claimed):
    _sender, _claim, batch = claimed(2)
    seen = []
    with Transport() as transport:
        transport.deliver(
            batch, on_wire=lambda: seen.append(len(list(outbox.glob("*.eml"))) if outbox.exists() else 0)
        )
    assert seen == [0] and len(list(outbox.glob("*.eml"))) == 2


def test_stopping_at_the_wire_sends_nothing(provider, claimed):
    _sender, _claim, batch = claimed(4)

    def stop():
        raise NotHandedOver("test")

    with Transport() as transport, pytest.raises(NotHandedOver):
        transport.deliver(batch, on_wire=stop)
    assert provider.total == 0 and not provider.calls


def test_rows_another_sender_took_before_the_wire_are_left_to_it(provider, claimed):
    """A sender that stalled past its lease: a watchdog gave three of its rows to another sender. At the wire it
    sees so, stops, and hands over only the rows it still holds."""
    sender, claim, batch = claimed(10)
    taken = [row.id for row in claim.rows[:3]]
    Delivery.objects.filter(id__in=taken).update(batch=uuid.uuid4())
    ids = [row.id for row in claim.rows]
    with (
        Transport() as transport,
        ledger.handing_over(mailing_id=sender.mailing.pk, batch=claim.batch, ids=ids) as hand_over,
    ):
        results = sender.deliver(transport, batch, hand_over)
        ledger.record(batch=claim.batch, results=results, hand_over=hand_over)
    taken_emails = set(Delivery.objects.filter(id__in=taken).values_list("email", flat=True))
    assert provider.total == 7 and not taken_emails & set(provider.received)
    assert set(Delivery.objects.filter(id__in=taken).values_list("status", flat=True)) == {
        DeliveryStatus.PENDING
    }
    assert Delivery.objects.filter(batch=claim.batch, status=DeliveryStatus.SENT).count() == 7


def test_an_error_before_the_wire_still_records_the_outcome(settings, provider, claimed):
    """Nothing left (anymail refused the message before any request): the rows are marked and recorded, to be
    retried, and the gate is open again."""
    sender, claim, batch = claimed(5)
    ids = [row.id for row in claim.rows]

    def refuse(*args, **kwargs):
        from anymail.exceptions import AnymailError

        raise AnymailError("configuration")

    with Transport() as transport:
        transport.connection.send_messages = refuse
        with ledger.handing_over(mailing_id=sender.mailing.pk, batch=claim.batch, ids=ids) as hand_over:
            results = sender.deliver(transport, batch, hand_over)
            ledger.record(batch=claim.batch, results=results, hand_over=hand_over)
    assert hand_over.held == ids
    assert set(Delivery.objects.filter(id__in=ids).values_list("status", "attempts")) == {
        (DeliveryStatus.PENDING, 1)
    }
    assert provider.total == 0
