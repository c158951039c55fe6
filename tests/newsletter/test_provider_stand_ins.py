"""Sending a mailing through anymail's real Mailgun and Amazon SES backends (boto3 included) against loopback
stand-ins, as test_sending.py does for Postmark: batches, per-recipient merging, the ledger, retries, duplicates."""

import datetime as dt
import json
import math

import pytest
from django.utils import timezone

from newsletter.models import Delivery, DeliveryStatus, MailingStatus
from newsletter.sending import mailing_send
from newsletter.testing_mailgun import MailgunStandIn
from newsletter.testing_ses import SesStandIn
from supporters.replies import reply_address

pytestmark = pytest.mark.django_db

SPECIAL = ("zoe@example.org", 'Zoë "de" Vries & <Daan>')  # quotes, an ampersand, angle brackets, a diaeresis


@pytest.fixture
def frozen_mailing(frozen_mailing, settings):
    """frozen_mailing(n) → a mailing of a new version to n residents ("Lezer i" <lezer0000i@…>, and one SPECIAL
    name), recipients frozen, nothing sent yet. Replies are on, so each mail has its own Reply-To."""
    settings.KVM_SUPPORTERS = {"REPLY_DOMAIN": "reactie.example.org"}
    return lambda n: frozen_mailing(n - 1, people=[SPECIAL])


@pytest.fixture
def mailgun(settings):
    """The loopback stand-in for Mailgun, with anymail's real Mailgun backend pointed at it."""
    with MailgunStandIn(keep_messages=True, domains={"krachtvanmokum.nl"}) as stand_in:
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {
            "MAILGUN_API_KEY": "key-test",
            "MAILGUN_API_URL": stand_in.api_url,
            "REQUESTS_TIMEOUT": 2,
        }
        yield stand_in


@pytest.fixture
def ses(settings):
    """The loopback stand-in for Amazon SES v2, with anymail's real SES backend (boto3) pointed at it."""
    with SesStandIn(keep_messages=True) as stand_in:
        settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
        settings.ANYMAIL = {"AMAZON_SES_CLIENT_PARAMS": stand_in.client_params()}
        yield stand_in


def statuses(mailing) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in mailing.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def expected_greeting(email: str) -> tuple[str, str]:
    """(text, HTML) greeting the recipient with this address must read: their own name, escaped once in HTML."""
    if email == SPECIAL[0]:
        name = SPECIAL[1]
        return f"Beste {name},", "Beste Zoë &quot;de&quot; Vries &amp; &lt;Daan&gt;,"
    name = "Lezer " + str(int(email[5:10]))
    return f"Beste {name},", f"Beste {name},"


def everyone_got_their_own(messages: list[dict], rows: dict[str, Delivery]) -> set[str]:
    """Check each message against its recipient's row; return the unsubscribe URLs seen (one per recipient)."""
    urls = set()
    for message in messages:
        email = message["email"]
        row = rows[email]
        text_greeting, html_greeting = expected_greeting(email)
        assert text_greeting in message["text"], email
        assert html_greeting in message["html"], email
        assert message["text"].count("Beste ") == 1 and message["html"].count("Beste ") == 1, email
        unsubscribe = message["headers"]["List-Unsubscribe"]
        assert unsubscribe.startswith("<https://kvm.example.org/nieuwsbrief/afmelden/"), email
        url = unsubscribe.split(">")[0][1:]
        assert url in message["html"] and url in message["text"], email
        assert message["headers"]["Reply-To"] == reply_address(kind="d", pk=row.pk)
        urls.add(url)
    return urls


# -- Mailgun: batch sending with recipient-variables --


def test_mailgun_batches_are_merged_per_recipient_by_the_provider(settings, mailgun, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 100}
    mailing = frozen_mailing(250)
    report = mailing_send(mailing_id=mailing.pk)

    assert len(mailgun.calls) == math.ceil(250 / 100)
    assert [call["recipients"] for call in mailgun.calls] == [100, 100, 50]
    assert {call["domain"] for call in mailgun.calls} == {"krachtvanmokum.nl"}
    assert report.renders == 1
    assert mailgun.total == 250 and not mailgun.duplicates() and len(mailgun.messages) == 250
    assert statuses(mailing) == {DeliveryStatus.SENT: 250}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE

    rows = {row.email: row for row in mailing.deliveries.all()}
    urls = everyone_got_their_own(mailgun.messages, rows)
    assert len(urls) == 250, "each recipient has an unsubscribe link of their own"
    for message in mailgun.messages:
        row = rows[message["email"]]
        assert message["email"] in message["to"] and message["to"].count("@") == 1, "To shows only them"
        assert "%recipient." not in json.dumps(message), "no merge tag left unreplaced"
        assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["headers"]["List-Id"].endswith(".nieuwsbrief.kvm.example.org>")
        assert message["variables"]["kvm_delivery"] == str(row.pk)
        assert message["variables"]["kvm_mailing"] == str(mailing.pk)
        assert message["tags"] == ["nieuwsbrief"]
        # Mailgun gives one id per call, for all its recipients
        assert row.provider_message_id == message["message_id"]
    zoe = mailgun.delivered_to(SPECIAL[0])[0]
    # quoted on one line: a name adds no header and no recipient
    assert zoe["to"] == "\"Zoë 'de' Vries & <Daan>\" <zoe@example.org>"


def test_mailgun_error_on_one_batch_is_retried_and_nobody_gets_it_twice(settings, mailgun, frozen_mailing):
    settings.KVM_NEWSLETTER = {"BATCH_SIZE": 100, "RETRY_BACKOFF_SECONDS": 30}
    mailing = frozen_mailing(250)
    mailgun.plan("error")  # the first batch: HTTP 500; the two after it go through
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.SENT: 150, DeliveryStatus.PENDING: 100}
    waiting = mailing.deliveries.filter(status=DeliveryStatus.PENDING)
    assert all("500" in row.last_error and row.attempts == 1 for row in waiting)
    assert not set(waiting.values_list("email", flat=True)) & set(mailgun.received)
    assert mailgun.total == 150

    mailing_send(mailing_id=mailing.pk)  # too early: nothing is due
    assert mailgun.total == 150
    mailing.deliveries.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    mailing_send(mailing_id=mailing.pk)
    assert [call["recipients"] for call in mailgun.calls] == [100, 100, 50, 100]
    assert statuses(mailing) == {DeliveryStatus.SENT: 250}
    assert mailgun.total == 250 and not mailgun.duplicates()
    everyone_got_their_own(mailgun.messages, {row.email: row for row in mailing.deliveries.all()})


def test_mailgun_without_an_answer_in_time_the_batch_is_uncertain_and_not_resent(
    settings, mailgun, frozen_mailing
):
    settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": 0.3}
    mailgun.hang_seconds = 1.0
    mailing = frozen_mailing(4)
    mailgun.plan("hang")
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.UNCERTAIN: 4}
    mailing_send(mailing_id=mailing.pk)
    assert mailgun.total == 4 and not mailgun.duplicates()


# -- Amazon SES: one raw MIME message per recipient, personalised here --


def test_ses_sends_one_message_per_recipient_as_a_mail_client_reads_it(ses, frozen_mailing):
    mailing = frozen_mailing(250)
    mailing_send(mailing_id=mailing.pk)

    assert len(ses.calls) == 250 and {call["recipients"] for call in ses.calls} == {1}
    assert ses.total == 250 and not ses.duplicates()
    assert statuses(mailing) == {DeliveryStatus.SENT: 250}
    rows = {row.email: row for row in mailing.deliveries.all()}
    messages = [{**message, "email": message["destination"][0]} for message in ses.messages]
    urls = everyone_got_their_own(messages, rows)
    assert len(urls) == 250
    subject = f"{mailing.version.document.title} — versie {mailing.version.number}"
    for message in messages:
        row = rows[message["email"]]
        assert message["to"] == [message["email"]]
        assert message["subject"] == subject
        assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert json.loads(message["headers"]["X-Metadata"])["kvm_delivery"] == str(row.pk)
        assert message["mime"].get_content_type() == "multipart/alternative"
        assert row.provider_message_id == message["message_id"]
    assert len({message["message_id"] for message in messages}) == 250
    zoe = ses.delivered_to(SPECIAL[0])[0]
    assert zoe["mime"]["To"].addresses[0].display_name == "Zoë 'de' Vries & <Daan>"


def test_ses_error_is_retried_by_the_ledger_and_nobody_gets_it_twice(ses, frozen_mailing):
    mailing = frozen_mailing(5)
    ses.plan("error", "throttle")  # the first two recipients: HTTP 500, HTTP 429
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.SENT: 3, DeliveryStatus.PENDING: 2}
    errors = sorted(
        mailing.deliveries.filter(status=DeliveryStatus.PENDING).values_list("last_error", flat=True)
    )
    assert "InternalFailure" in errors[0] and "TooManyRequestsException" in errors[1]
    waiting = mailing.deliveries.filter(status=DeliveryStatus.PENDING).values_list("email", flat=True)
    assert ses.total == 3 and not set(waiting) & set(ses.received)

    mailing.deliveries.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    mailing_send(mailing_id=mailing.pk)
    assert statuses(mailing) == {DeliveryStatus.SENT: 5}
    assert ses.total == 5 and not ses.duplicates() and len(ses.calls) == 7


@pytest.mark.parametrize("botocore_attempts", [None, 1], ids=["botocore-default-retries", "one-attempt"])
def test_ses_without_an_answer_in_time_the_message_is_uncertain_and_not_resent(
    settings, ses, frozen_mailing, botocore_attempts
):
    # botocore's own retries would resend the timed-out call (the same mail again) within one hand-over; with
    # one attempt, a read time-out taken for "retry" would resend it on the ledger's next round.
    params = ses.client_params(read_timeout=0.3, max_attempts=botocore_attempts)
    settings.ANYMAIL = {"AMAZON_SES_CLIENT_PARAMS": params}
    ses.hang_seconds = 1.0
    mailing = frozen_mailing(3)
    ses.plan("hang")
    mailing_send(mailing_id=mailing.pk)
    assert not ses.duplicates()
    first = Delivery.objects.get(mailing=mailing, email=ses.messages[0]["destination"][0])
    assert first.status == DeliveryStatus.UNCERTAIN and "Read timeout" in first.last_error
    assert statuses(mailing) == {DeliveryStatus.UNCERTAIN: 1, DeliveryStatus.SENT: 2}
    mailing.deliveries.update(next_attempt_at=None)
    mailing_send(mailing_id=mailing.pk)
    assert ses.total == 3 and not ses.duplicates() and len(ses.calls) == 3
