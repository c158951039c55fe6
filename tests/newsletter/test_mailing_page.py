"""The mailing's page tells the editor what the watchdog decided after a sender died, and when a planned
mailing will start (with the button to cancel it until then)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsletter import mailings, watchdog
from newsletter.models import Delivery, DeliveryStatus, MailingStatus
from pages.actions import PublishVersionAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(make_document, make_subscriber):
    document = make_document(calls=1, activities_per_call=0)
    for n in range(3):
        make_subscriber(f"lezer{n}@example.org")
    return PublishVersionAction(document, note="n", skip_permission_check=True).execute()


def test_the_watchdog_turns_a_dead_senders_hand_over_uncertain_sends_the_rest_and_says_so(
    client, admin_user, version, outbox
):
    mailing = mailings.mailing_create(version=version, audience_keys=["residents"])
    mailings.mailing_freeze(mailing_id=mailing.pk)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    dead = Delivery.objects.filter(email="lezer0@example.org")
    dead.update(
        status=DeliveryStatus.SENDING, claimed_until=long_ago, batch="00000000-0000-0000-0000-000000000001"
    )
    Delivery.objects.filter(email="lezer1@example.org").update(
        claimed_until=long_ago
    )  # claimed, not handed over
    type(mailing).objects.filter(pk=mailing.pk).update(heartbeat_at=long_ago)

    watchdog.mailing_watch(mailing_id=mailing.pk)  # what the dead man's switch runs

    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    statuses = dict(mailing.deliveries.values_list("email", "status"))
    assert statuses == {
        "lezer0@example.org": DeliveryStatus.UNCERTAIN,
        "lezer1@example.org": DeliveryStatus.SENT,
        "lezer2@example.org": DeliveryStatus.SENT,
    }
    client.force_login(admin_user)
    page = BeautifulSoup(client.get(f"/admin/nieuwsbrief/{mailing.pk}/").content, "html.parser")
    events = page.select_one(".mailing-events").get_text(" ")
    assert "1 ontvanger(s) op “onzeker” gezet" in events
    assert "nieuwe verzenders gestart" in events


def test_a_planned_mailing_shows_its_time_and_can_be_cancelled_until_then(client, admin_user, version):
    at = timezone.now() + dt.timedelta(days=1)
    mailing = mailings.mailing_create(version=version, audience_keys=["residents"], send_at=at)
    client.force_login(admin_user)
    page = BeautifulSoup(client.get(f"/admin/nieuwsbrief/{mailing.pk}/").content, "html.parser")
    assert "Gepland: de verzending begint op" in page.select_one(".mailing-send-at").get_text()
    assert page.select_one("button[name=action][value=cancel]")
    response = client.post(f"/admin/nieuwsbrief/{mailing.pk}/actie/", {"action": "cancel"})
    mailing.refresh_from_db()
    assert response.status_code == 302 and mailing.status == MailingStatus.CANCELLED
