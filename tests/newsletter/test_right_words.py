"""The right words for each person: candidates and party leaders get no subscriber welcome; a soft bounce does
not suppress an address, only repeated soft bounces within the configured window do."""

import pytest

from newsletter.models import DeliveryStatus, Suppression, SuppressionReason, TrackingEvent

from .conftest import post_event, postmark_bounce

pytestmark = pytest.mark.django_db

WELCOME = "U ontvangt deze nieuwsbrief voor het eerst. Welkom!"


def test_candidates_and_party_leaders_get_no_subscriber_welcome(
    outreach_sent, read_outbox, make_subscriber, publish
):
    mails = read_outbox()
    assert {"anna@example.org", "bram@example.org"} <= set(mails)
    for address in (
        "anna@example.org",
        "bram@example.org",
    ):  # a party leader and a candidate, first time both
        _message, soup, text = mails[address]
        assert WELCOME not in soup.get_text(" ") and WELCOME not in text
        assert "Beste " in text  # the mail itself is there, personalised

    document, _version, _mailing = outreach_sent
    make_subscriber("lezer@example.org", audiences=("residents",))
    publish(document, audiences=["residents"])
    _message, soup, text = read_outbox()["lezer@example.org"]
    assert WELCOME in soup.get_text(" ") and WELCOME in text, "a new subscriber is still welcomed"


def test_a_soft_bounce_does_not_suppress_but_repeated_ones_do(client, sent, settings):
    settings.KVM_NEWSLETTER = {
        **settings.KVM_NEWSLETTER,
        "SOFT_BOUNCE_LIMIT": 3,
        "SOFT_BOUNCE_WINDOW_DAYS": 30,
    }
    anna = sent["anna@example.org"]
    for n in (1, 2):
        assert post_event(client, postmark_bounce(anna, event_id=n, kind="SoftBounce")).status_code == 200
    anna.refresh_from_db()
    assert anna.status == DeliveryStatus.SENT, "a soft bounce does not fail the recipient"
    assert not Suppression.objects.exists(), "mailbox full twice: still on the list"
    assert set(TrackingEvent.objects.values_list("event_type", flat=True)) == {"soft_bounced"}

    assert post_event(client, postmark_bounce(anna, event_id=3, kind="SoftBounce")).status_code == 200
    suppression = Suppression.objects.get(email="anna@example.org")
    assert suppression.reason == SuppressionReason.BOUNCED

    bert = sent["bert@example.org"]
    assert post_event(client, postmark_bounce(bert, event_id=4, kind="HardBounce")).status_code == 200
    assert Suppression.objects.filter(email="bert@example.org", reason=SuppressionReason.BOUNCED).exists()


def test_a_first_confirmation_gets_one_welcome_with_the_current_version_and_never_again(
    client, audiences, make_document, publish, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.newsletter.test_subscriptions import SUBSCRIBE, confirmation_link, form_data

    document = make_document(calls=1, activities_per_call=0)
    version = publish(document, audiences=[])

    def subscribe_and_confirm(**data) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(SUBSCRIBE, form_data(**data))
        link = confirmation_link(mail.outbox[-1])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(link).status_code == 200

    subscribe_and_confirm()
    welcomes = [m for m in mail.outbox if m.subject == "Welkom bij de nieuwsbrief van Kracht van Mokum"]
    assert len(welcomes) == 1
    assert welcomes[0].to == ['"Anna de Vries" <anna@example.org>']
    assert version.full_url in welcomes[0].body and WELCOME in welcomes[0].body
    assert "Bewoners" in welcomes[0].body

    subscribe_and_confirm(audiences=["residents", "allies"])  # later: more lists, confirmed again
    welcomes = [m for m in mail.outbox if m.subject.startswith("Welkom")]
    assert len(welcomes) == 1, "nothing twice"


def test_provider_side_merging_is_recognised_by_esp_name_also_in_a_subclass(settings):
    from anymail.backends.mailgun import EmailBackend as MailgunBackend
    from anymail.backends.postmark import EmailBackend as PostmarkBackend

    from newsletter.transport import merge_field_format

    class OurMailgun(MailgunBackend):
        """A site's own subclass (for example to add a header): still Mailgun's batch sending."""

    settings.ANYMAIL = {"MAILGUN_API_KEY": "k", "MAILGUN_SENDER_DOMAIN": "mg.example.org"}
    assert merge_field_format(OurMailgun()) == "%%recipient.%s%%"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "t", "POSTMARK_USE_BULK_API": True}
    assert merge_field_format(PostmarkBackend()) == "{{{%s}}}"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "t"}
    assert merge_field_format(PostmarkBackend()) is None  # Postmark's batch API merges nothing
