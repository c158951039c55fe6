"""Provider feedback through anymail's tracking webhooks (Postmark's format): authenticated, idempotent, tolerant."""

import base64
import json

import pytest
from django.test import TestCase

from newsletter.mailings import mailing_create, mailing_freeze
from newsletter.models import (
    Delivery,
    DeliveryStatus,
    Subscriber,
    Suppression,
    SuppressionReason,
    TrackingEvent,
)
from newsletter.sending import mailing_send
from pages.actions import PublishVersionAction

pytestmark = pytest.mark.django_db

URL = "/nieuwsbrief/provider/postmark/tracking/"
SECRET = "webhook:geheim-123"


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sent(provider, make_document, make_subscriber, webhook_secret):
    """Two recipients sent through the stand-in; returns {email: Delivery}."""
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("anna@example.org", name="Anna")
    make_subscriber("bert@example.org", name="Bert")
    version = PublishVersionAction(document, note="n", skip_permission_check=True).execute()
    mailing = mailing_create(version=version, audience_keys=["residents"])
    mailing_freeze(mailing_id=mailing.pk)
    mailing_send(mailing_id=mailing.pk)
    return {row.email: row for row in Delivery.objects.all()}


def post(client, payload, auth: str | None = SECRET):
    headers = {}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    # The event's task is queued when the webhook's transaction commits, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def bounce(delivery, event_id=4323372036854775807, kind="HardBounce"):
    return {
        "RecordType": "Bounce",
        "ID": event_id,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "nieuwsbrief",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"kvm_delivery": str(delivery.pk), "anymail_id": delivery.provider_message_id},
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": delivery.email,
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "Inactive": True,
        "MessageStream": "outbound",
    }


def test_bad_or_missing_auth_is_refused_and_nothing_is_written(client, sent):
    anna = sent["anna@example.org"]
    for auth in (None, "webhook:fout", "x"):
        assert post(client, bounce(anna), auth=auth).status_code == 400
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.SENT


def test_a_bounce_fails_the_recipient_and_suppresses_the_address(client, sent):
    anna = sent["anna@example.org"]
    assert post(client, bounce(anna)).status_code == 200
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.FAILED
    assert "unable to deliver" in anna.last_error
    suppression = Suppression.objects.get(email="anna@example.org")
    assert suppression.reason == SuppressionReason.BOUNCED
    event = TrackingEvent.objects.get()
    assert event.delivery == anna and event.processed_at is not None
    assert sent["bert@example.org"].status == DeliveryStatus.SENT


def test_a_replayed_event_is_processed_once(client, sent):
    anna = sent["anna@example.org"]
    post(client, bounce(anna))
    Suppression.objects.all().delete()  # an editor lifts the suppression after the first report
    assert post(client, bounce(anna)).status_code == 200  # the provider retries the same event
    assert TrackingEvent.objects.count() == 1
    assert not Suppression.objects.exists()


def test_delivered_is_recorded_and_settles_an_uncertain_row(client, sent):
    anna = sent["anna@example.org"]
    Delivery.objects.filter(pk=anna.pk).update(status=DeliveryStatus.UNCERTAIN)
    payload = {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Recipient": "anna@example.org",
        "Tag": "nieuwsbrief",
        "DeliveredAt": "2026-11-05T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": {"kvm_delivery": str(anna.pk), "anymail_id": anna.provider_message_id},
    }
    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200  # no event id: the same payload is the same event
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.SENT
    assert anna.delivered_at is not None
    assert TrackingEvent.objects.count() == 1


def test_a_complaint_or_provider_unsubscribe_suppresses_and_unsubscribes(client, sent):
    anna, bert = sent["anna@example.org"], sent["bert@example.org"]
    complaint = {**bounce(anna, event_id=42), "RecordType": "SpamComplaint", "Type": "SpamComplaint"}
    assert post(client, complaint).status_code == 200
    change = {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73e0-4e8d-8e5c-6ed5ae2d1f6b",
        "ChangedAt": "2026-11-05T16:33:54.9070259Z",
        "Recipient": "bert@example.org",
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Metadata": {"anymail_id": bert.provider_message_id},
    }
    assert post(client, change).status_code == 200
    reasons = dict(Suppression.objects.values_list("email", "reason"))
    assert reasons == {
        "anna@example.org": SuppressionReason.COMPLAINED,
        "bert@example.org": SuppressionReason.UNSUBSCRIBED,
    }
    assert Subscriber.objects.filter(unsubscribed_at__isnull=False).count() == 2
    assert TrackingEvent.objects.get(recipient="bert@example.org").delivery == bert  # found by message id


def test_unknown_events_never_error(client, sent):
    for payload in (
        {"RecordType": "SomethingNew", "Whatever": 1},
        {"RecordType": "Open", "Recipient": "x@example.org"},
    ):
        assert post(client, payload).status_code == 200
    assert not Suppression.objects.exists()
    assert {row.status for row in Delivery.objects.all()} == {DeliveryStatus.SENT}


def test_a_malformed_body_is_a_bad_request_not_a_server_error(client, sent):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
    for body in (b"{not json", b"[1, 2", b"\xff\xfe"):
        response = client.post(URL, body, content_type="application/json", **headers)
        assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


def test_deploy_check_is_an_error_without_a_webhook_secret(settings):
    from django.core.checks import ERROR

    from newsletter.checks import webhook_secret_check

    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x"}
    settings.KVM_NEWSLETTER = {}
    problems = webhook_secret_check(None)
    assert [(p.id, p.level) for p in problems] == [("newsletter.E001", ERROR)]
    assert "/nieuwsbrief/provider/postmark/tracking/" in problems[0].msg
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x", "WEBHOOK_SECRET": "a:b"}
    assert webhook_secret_check(None) == []
    # No provider backend and no webhook provider named: nothing is mounted, nothing to protect.
    settings.EMAIL_BACKEND = "newsletter.transport.OutboxEmailBackend"
    settings.ANYMAIL = {}
    assert webhook_secret_check(None) == []


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": 123},
        {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "Email": ["anna@example.org", "b@example.org"],
        },
        {"RecordType": "Bounce", "Type": "HardBounce", "Email": "not an address"},
        {"RecordType": "Bounce", "Type": "HardBounce", "Email": "anna@example.org", "BouncedAt": 17},
        {"FromFull": {"Email": "anna@example.org"}},  # an inbound message posted to the tracking URL
    ],
)
def test_a_malformed_event_is_a_bad_request_and_writes_nothing(client, sent, payload):
    assert post(client, payload).status_code == 400
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()
    assert Subscriber.objects.filter(unsubscribed_at__isnull=True).count() == 2


def test_a_batch_with_one_malformed_event_writes_none_of_it(client, sent):
    anna = sent["anna@example.org"]
    # Postmark posts one event per request; anymail accepts a list from providers that batch. All or nothing.
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
    from newsletter.webhooks import strict_webhook

    def view(request):
        from anymail.signals import AnymailTrackingEvent

        from newsletter.receivers import on_tracking

        on_tracking(
            None,
            event=AnymailTrackingEvent(
                event_type="bounced", recipient=anna.email, event_id="ok-1", esp_event={"a": 1}
            ),
            esp_name="Postmark",
        )
        on_tracking(
            None,
            event=AnymailTrackingEvent(
                event_type="bounced", recipient=[anna.email], event_id="bad-2", esp_event={"a": 2}
            ),
            esp_name="Postmark",
        )

    from django.test import RequestFactory

    request = RequestFactory().post(URL, b"[]", content_type="application/json", **headers)
    assert strict_webhook(view)(request).status_code == 400
    assert not TrackingEvent.objects.exists()


def test_without_a_secret_the_webhook_refuses_everything(client, sent, settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    complaint = {**bounce(sent["anna@example.org"], event_id=42), "RecordType": "SpamComplaint"}
    assert post(client, complaint, auth=None).status_code == 403
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/nieuwsbrief/provider/mailgun/tracking/",
        "/nieuwsbrief/provider/postal/tracking/",
        "/nieuwsbrief/provider/mailersend/tracking/",
        "/nieuwsbrief/provider/mandrill/",
        "/nieuwsbrief/provider/unisender_go/tracking/",
        "/nieuwsbrief/provider/sendgrid/inbound/",
        "/nieuwsbrief/provider/postmark/inbound/",
        "/nieuwsbrief/provider/mailgun/inbound_mime/",
    ],
)
def test_only_the_configured_providers_webhooks_exist(client, webhook_secret, url):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
    assert client.post(url, b"{}", content_type="application/json", **headers).status_code == 404


def test_the_mounting_follows_the_configuration(settings):
    from newsletter.inbound import inbound_webhook_urls
    from newsletter.webhooks import mounted_webhooks, provider_webhook_urls

    settings.KVM_NEWSLETTER = {}
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    assert mounted_webhooks() == {"tracking": "mailgun"}
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    settings.INBOUND_EMAIL_PROVIDER = "postmark"
    assert mounted_webhooks() == {"tracking": "amazon_ses"}
    names = {p.name for p in provider_webhook_urls() + inbound_webhook_urls()}
    assert names == {"amazon_ses_tracking_webhook", "postmark_inbound_webhook"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.KVM_NEWSLETTER = {}
    assert provider_webhook_urls() == []


def test_control_characters_in_an_event_are_dropped_not_a_server_error(client, sent):
    anna = sent["anna@example.org"]
    payload = {**bounce(anna, event_id="9\x00"), "Description": "nul \x00 en \udcff", "MessageID": "\x00"}
    assert post(client, payload).status_code == 200
    event = TrackingEvent.objects.get()
    assert "\x00" not in event.description + event.event_id + event.message_id


def test_an_event_whose_task_was_lost_is_processed_by_the_sweeper(client, sent, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from newsletter import tasks

    anna = sent["anna@example.org"]
    # The broker lost the task (Redis is at-most-once): the event is stored, nothing processes it.
    monkeypatch.setattr("newsletter.feedback.async_task", lambda *args, **kwargs: None)
    assert post(client, bounce(anna)).status_code == 200
    event = TrackingEvent.objects.get()
    assert event.processed_at is None and not Suppression.objects.exists()
    tasks.watch_mailings()  # too recent: its task may still be on its way
    assert not Suppression.objects.exists()
    TrackingEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - dt.timedelta(minutes=5))
    tasks.watch_mailings()  # the schedule that runs every minute
    event.refresh_from_db()
    assert event.processed_at is not None
    assert Suppression.objects.get().reason == SuppressionReason.BOUNCED


def test_a_redelivered_unprocessed_event_is_queued_again(client, sent, monkeypatch):
    anna = sent["anna@example.org"]
    with monkeypatch.context() as patched:
        patched.setattr("newsletter.feedback.async_task", lambda *args, **kwargs: None)
        post(client, bounce(anna))
    assert not Suppression.objects.exists()
    assert post(client, bounce(anna)).status_code == 200  # the provider retries the same event
    assert TrackingEvent.objects.count() == 1
    assert TrackingEvent.objects.get().processed_at is not None
    assert Suppression.objects.get().reason == SuppressionReason.BOUNCED
