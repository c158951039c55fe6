"""Supporters who chose "kandidaten-updates" get at most one digest a day of new commitments per party, and
nothing on a day without news."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from newsletter.outreach.digest import AUDIENCE_KEY, commitment_digest_send, digest_audience
from newsletter.outreach.models import Commitment, CommitmentDigest

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning():
    """Today at 10:00 in Amsterdam, the clock running: "the same day" must not cross midnight mid-test."""
    ten = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(ten, tick=True):
        yield


@pytest.fixture
def follower(morning, overview_world, make_subscriber, outbox):
    digest_audience()
    make_subscriber("volger@example.org", name="Vera", audiences=(AUDIENCE_KEY,))
    make_subscriber("bewoner@example.org", audiences=("residents",))
    make_subscriber("onbevestigd@example.org", audiences=(AUDIENCE_KEY,), confirmed=False)
    for path in outbox.glob("*.eml"):
        path.unlink()
    return overview_world


def test_the_digest_goes_once_a_day_with_news_and_not_without(follower, read_outbox, outbox):
    _document, _version, answer = follower
    answer("Oorschot", 1, "support", "Wijkbudgetten nu.", publish=True)
    answer("Blikkert", 1, "partly", "Geheim van Krisje.")
    answer("Spek", 2, "no")
    day1 = timezone.now() + dt.timedelta(minutes=1)

    digest = commitment_digest_send(now=day1)
    assert digest.commitments == 3
    mails = read_outbox()
    assert set(mails) == {"volger@example.org"}
    message, soup, text = mails["volger@example.org"]
    assert "Nieuwe standpunten van kandidaten (3)" in message["Subject"]
    assert message["List-Unsubscribe"]
    parties = [h.get_text(strip=True) for h in soup.select(".digest-party h2")]
    assert parties == ["GROENLINKS", "Partij van de Arbeid (P.v.d.A.)"]
    assert "1 steunen, 1 gedeeltelijk, 0 nee" in text
    assert "Annemieke Oorschot" in text and "Wijkbudgetten nu." in text
    assert "Krisje" not in text and "Geheim" not in text

    # The schedule firing again the same day sends nothing.
    assert commitment_digest_send(now=day1 + dt.timedelta(hours=2)) is None
    assert len(list(outbox.glob("*.eml"))) == 1

    # The next day without news: no mail.
    quiet = commitment_digest_send(now=day1 + dt.timedelta(days=1))
    assert quiet.commitments == 0
    assert len(list(outbox.glob("*.eml"))) == 1

    # The day after, with news: one more digest, with only the new answer.
    later = answer("Gopal", 3, "support")
    Commitment.objects.filter(pk=later.pk).update(answered_at=day1 + dt.timedelta(days=1, hours=12))
    for path in outbox.glob("*.eml"):
        path.unlink()
    digest3 = commitment_digest_send(now=day1 + dt.timedelta(days=2))
    assert digest3.commitments == 1
    _message, soup, text = read_outbox()["volger@example.org"]
    assert [h.get_text(strip=True) for h in soup.select(".digest-party h2")] == ["Partij voor de Dieren"]
    assert CommitmentDigest.objects.count() == 3


def test_the_preference_page_offers_kandidaten_updates(client, follower):
    from newsletter.links import LinkBuilder, recipient_token
    from newsletter.models import Subscriber

    subscriber = Subscriber.objects.get(email="bewoner@example.org")
    url = LinkBuilder().preferences(recipient_token(subscriber_id=subscriber.pk, audience_key="residents"))
    page = client.get(url.replace("https://kvm.example.org", "")).content.decode()
    assert "Kandidaten-updates" in page
