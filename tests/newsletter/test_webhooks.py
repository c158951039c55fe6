"""Provider feedback through anymail's tracking webhooks (Postmark's format): authenticated, idempotent, tolerant."""

import base64

import pytest

from newsletter.models import (
    Delivery,
    DeliveryStatus,
    Subscriber,
    Suppression,
    SuppressionReason,
    TrackingEvent,
)

from .conftest import (
    TRACKING_URL,
    WEBHOOK_SECRET,
    post_event,
    postmark_bounce,
    postmark_delivered,
    postmark_unsubscribed,
)

pytestmark = pytest.mark.django_db


def test_bad_or_missing_auth_is_refused_and_nothing_is_written(client, sent):
    anna = sent["anna@example.org"]
    for auth in (None, "webhook:fout", "x"):
        assert post_event(client, postmark_bounce(anna), auth=auth).status_code == 400
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.SENT


def test_a_bounce_fails_the_recipient_and_suppresses_the_address(client, sent):
    anna = sent["anna@example.org"]
    assert post_event(client, postmark_bounce(anna)).status_code == 200
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
    post_event(client, postmark_bounce(anna))
    Suppression.objects.all().delete()  # an editor lifts the suppression after the first report
    assert post_event(client, postmark_bounce(anna)).status_code == 200  # the provider retries the same event
    assert TrackingEvent.objects.count() == 1
    assert not Suppression.objects.exists()


def test_delivered_is_recorded_and_settles_an_uncertain_row(client, sent):
    anna = sent["anna@example.org"]
    Delivery.objects.filter(pk=anna.pk).update(status=DeliveryStatus.UNCERTAIN)
    payload = postmark_delivered(anna)
    assert post_event(client, payload).status_code == 200
    assert post_event(client, payload).status_code == 200  # no event id: the same payload is the same event
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.SENT
    assert anna.delivered_at is not None
    assert TrackingEvent.objects.count() == 1


def test_a_complaint_or_provider_unsubscribe_suppresses_and_unsubscribes(client, sent):
    anna, bert = sent["anna@example.org"], sent["bert@example.org"]
    assert post_event(client, postmark_bounce(anna, event_id=42, kind="SpamComplaint")).status_code == 200
    assert post_event(client, postmark_unsubscribed(bert)).status_code == 200
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
        assert post_event(client, payload).status_code == 200
    assert not Suppression.objects.exists()
    assert {row.status for row in Delivery.objects.all()} == {DeliveryStatus.SENT}


def test_a_malformed_body_is_a_bad_request_not_a_server_error(client, sent):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()}
    for body in (b"{not json", b"[1, 2", b"\xff\xfe"):
        response = client.post(TRACKING_URL, body, content_type="application/json", **headers)
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
    assert post_event(client, payload).status_code == 400
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()
    assert Subscriber.objects.filter(unsubscribed_at__isnull=True).count() == 2


def test_a_batch_with_one_malformed_event_writes_none_of_it(client, sent):
    anna = sent["anna@example.org"]
    # Postmark posts one event per request; anymail accepts a list from providers that batch. All or nothing.
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()}
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

    request = RequestFactory().post(TRACKING_URL, b"[]", content_type="application/json", **headers)
    assert strict_webhook(view)(request).status_code == 400
    assert not TrackingEvent.objects.exists()


def test_without_a_secret_the_webhook_refuses_everything(client, sent, settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    complaint = postmark_bounce(sent["anna@example.org"], event_id=42, kind="SpamComplaint")
    assert post_event(client, complaint, auth=None).status_code == 403
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
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()}
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
    payload = {
        **postmark_bounce(anna, event_id="9\x00"),
        "Description": "nul \x00 en \udcff",
        "MessageID": "\x00",
    }
    assert post_event(client, payload).status_code == 200
    event = TrackingEvent.objects.get()
    assert "\x00" not in event.description + event.event_id + event.message_id


def test_an_event_whose_task_was_lost_is_processed_by_the_sweeper(client, sent, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from newsletter import tasks

    anna = sent["anna@example.org"]
    # The broker lost the task (Redis is at-most-once): the event is stored, nothing processes it.
    monkeypatch.setattr("newsletter.feedback.async_task", lambda *args, **kwargs: None)
    assert post_event(client, postmark_bounce(anna)).status_code == 200
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
        post_event(client, postmark_bounce(anna))
    assert not Suppression.objects.exists()
    assert post_event(client, postmark_bounce(anna)).status_code == 200  # the provider retries the same event
    assert TrackingEvent.objects.count() == 1
    assert TrackingEvent.objects.get().processed_at is not None
    assert Suppression.objects.get().reason == SuppressionReason.BOUNCED
