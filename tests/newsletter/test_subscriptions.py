"""Subscribing with double opt-in, confirming by POST, preferences, and one-click unsubscribing (RFC 8058)."""

import re
import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from newsletter.links import recipient_token
from newsletter.models import Frequency, Subscriber, Suppression, SuppressionReason

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/nieuwsbrief/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def form_data(**overrides) -> dict:
    data = {
        "name": "Anna de Vries",
        "email": "Anna@Example.org ",
        "audiences": ["residents"],
        "frequency": Frequency.EVERY,
        "consent": "on",
        "website": "",
        "shown_at": signing.dumps(time.time() - 60, salt="kvm.form-shown-at"),
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https://kvm\.example\.org(/nieuwsbrief/bevestigen/[^/\s]+/)", message.body).group(1)


def main_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ", strip=True)


def test_subscribe_sends_a_link_and_nothing_counts_before_confirming_by_post(client, audiences):
    response = client.post(SUBSCRIBE, form_data())
    assert response.status_code == 200
    assert "Kijk in uw mailbox" in main_text(response)

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "anna@example.org"
    assert subscriber.confirmed_at is None
    assert not subscriber.subscriptions.exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ['"Anna de Vries" <anna@example.org>']
    link = confirmation_link(mail.outbox[0])

    # Opening the link (as a mail scanner would) changes nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").select_one("main form[method=post] button")
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "U bent aangemeld" in main_text(confirmed)
    subscriber.refresh_from_db()
    assert subscriber.is_active
    assert subscriber.name == "Anna de Vries"
    assert subscriber.consent_at is not None
    assert "Ik wil de nieuwsbrief" in subscriber.consent_wording
    assert list(subscriber.subscriptions.values_list("audience__key", flat=True)) == ["residents"]

    # The link is used up.
    assert client.post(link).status_code == 400


def test_known_and_unknown_addresses_get_the_same_answer(client, make_subscriber):
    make_subscriber("bekend@example.org", name="Bekend")
    known = client.post(SUBSCRIBE, form_data(email="bekend@example.org"))
    unknown = client.post(SUBSCRIBE, form_data(email="onbekend@example.org"))
    assert known.status_code == unknown.status_code == 200
    assert main_text(known) == main_text(unknown)
    assert len(mail.outbox) == 2


def test_a_confirmed_subscriber_changes_nothing_without_confirming(client, make_subscriber, audiences):
    subscriber = make_subscriber("bekend@example.org", name="Bekend", audiences=("residents",))
    client.post(SUBSCRIBE, form_data(email="bekend@example.org", name="Iemand Anders", audiences=["allies"]))
    subscriber.refresh_from_db()
    assert subscriber.name == "Bekend"
    assert set(subscriber.subscriptions.values_list("audience__key", flat=True)) == {"residents"}
    client.post(confirmation_link(mail.outbox[0]))
    subscriber.refresh_from_db()
    assert subscriber.name == "Iemand Anders"
    assert set(subscriber.subscriptions.values_list("audience__key", flat=True)) == {"residents", "allies"}


def test_only_the_latest_confirmation_link_works(client, audiences):
    client.post(SUBSCRIBE, form_data())
    client.post(SUBSCRIBE, form_data())
    first, second = confirmation_link(mail.outbox[0]), confirmation_link(mail.outbox[1])
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 200


def test_tampered_or_foreign_tokens_are_refused_without_a_server_error(client, make_subscriber):
    subscriber = make_subscriber()
    foreign = recipient_token(subscriber_id=subscriber.pk, audience_key="residents")
    for token in ["x", "a" * 3000, foreign, foreign[:-2] + "xx", "%00", "..:.."]:
        for url in [f"/nieuwsbrief/bevestigen/{token}/", f"/nieuwsbrief/afmelden/{token[::-1]}/"]:
            response = client.post(url, {"List-Unsubscribe": "One-Click"})
            assert response.status_code in (400, 404), (url, response.status_code)


def test_bots_are_answered_as_people_but_nothing_is_stored(client, audiences):
    honeypot = client.post(SUBSCRIBE, form_data(website="http://spam.example"))
    too_fast = client.post(
        SUBSCRIBE, form_data(shown_at=signing.dumps(time.time(), salt="kvm.form-shown-at"))
    )
    assert honeypot.status_code == too_fast.status_code == 200
    assert "Kijk in uw mailbox" in main_text(honeypot)
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_an_address_gets_at_most_its_share_of_links_and_the_same_answer_after(client, audiences):
    answers = [client.post(SUBSCRIBE, form_data()) for _n in range(7)]
    assert [answer.status_code for answer in answers] == [200] * 7
    assert main_text(answers[6]) == main_text(answers[0])
    assert len(mail.outbox) == 5
    # The last link sent still confirms: the withheld requests changed nothing.
    client.post(confirmation_link(mail.outbox[-1]))
    assert Subscriber.objects.get().confirmed_at is not None


def test_past_the_visitor_limit_subscribing_answers_429_with_retry_after(client, audiences, settings):
    settings.KVM_SUPPORTERS = {"RATE_PER_IP": "3/h"}
    statuses = [client.post(SUBSCRIBE, form_data(email=f"p{n}@example.org")) for n in range(4)]
    assert [answer.status_code for answer in statuses] == [200, 200, 200, 429]
    assert statuses[3]["Retry-After"] == "3600"


def test_invalid_input_is_a_form_error_not_a_crash(client, audiences):
    for data in [
        form_data(email="geen-adres"),
        form_data(consent=""),
        form_data(audiences=["candidates"]),  # not open for subscription
        form_data(frequency="daily"),
        form_data(name="x" * 500),
        {},
    ]:
        response = client.post(SUBSCRIBE, data)
        assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_confirming_again_lifts_a_suppression(client, make_subscriber):
    Suppression.objects.create(email="anna@example.org", reason=SuppressionReason.BOUNCED)
    client.post(SUBSCRIBE, form_data())
    client.post(confirmation_link(mail.outbox[0]))
    assert not Suppression.objects.filter(email="anna@example.org").exists()


def test_the_document_page_has_the_subscribe_form(client, make_document, audiences):
    document = make_document(calls=1, activities_per_call=1)
    page = BeautifulSoup(client.get(document.url).content, "html.parser")
    form = page.select_one("form#subscribe-form")
    assert form["action"] == "/nieuwsbrief/"
    assert form.select_one("input[name=email]")
    assert form.select_one("input[type=hidden][name=audiences]")["value"] == "residents"
    # Submitting it (as the browser would) works like the full form.
    fields = {i["name"]: i.get("value", "") for i in form.select("input") if i.get("name")}
    fields.update(email="lezer@example.org", consent="on", frequency=Frequency.EVERY)
    fields["shown_at"] = signing.dumps(time.time() - 60, salt="kvm.form-shown-at")
    assert client.post(form["action"], fields).status_code == 200
    assert Subscriber.objects.filter(email="lezer@example.org").exists()


def test_the_subscribe_page_offers_the_public_audiences(client, audiences):
    page = BeautifulSoup(client.get(SUBSCRIBE).content, "html.parser")
    form = page.select_one("form#subscribe-form")
    offered = {i["value"] for i in form.select("input[name=audiences]")}
    assert offered == {
        "residents",
        "allies",
        "kandidaten-updates",
    }  # the last: the daily digest of candidates' commitments


# -- unsubscribing --


def unsubscribe_url(subscriber, key="residents") -> str:
    return reverse(
        "newsletter:unsubscribe", args=[recipient_token(subscriber_id=subscriber.pk, audience_key=key)]
    )


def test_one_click_post_without_cookies_unsubscribes_at_once(make_subscriber):
    subscriber = make_subscriber(audiences=("residents", "allies"))
    mail_client = Client(enforce_csrf_checks=True)  # no cookies, no CSRF token: as a mail client posts
    response = mail_client.post(
        unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    active = subscriber.subscriptions.filter(unsubscribed_at__isnull=True)
    assert list(active.values_list("audience__key", flat=True)) == ["allies"]


def test_get_never_unsubscribes_and_shows_a_button(client, make_subscriber):
    subscriber = make_subscriber()
    response = client.get(unsubscribe_url(subscriber))
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser").select_one("main form[method=post]")
    assert form.select_one("input[name=List-Unsubscribe]")["value"] == "One-Click"
    assert subscriber.subscriptions.filter(unsubscribed_at__isnull=True).count() == 1
    # The page's button is the same one-click POST.
    client.post(form["action"], {"List-Unsubscribe": "One-Click"})
    assert subscriber.subscriptions.filter(unsubscribed_at__isnull=True).count() == 0


def test_a_post_without_the_one_click_body_does_nothing(client, make_subscriber):
    subscriber = make_subscriber()
    assert client.post(unsubscribe_url(subscriber), {}).status_code == 400
    assert subscriber.subscriptions.filter(unsubscribed_at__isnull=True).count() == 1


# -- preferences --


def test_the_preferences_page_is_never_served_from_the_page_cache(client, settings, make_subscriber):
    # The page cache is on, as in production: a changed preference shows at once, never a stored copy.
    settings.KVM_PAGES = {**settings.KVM_PAGES, "PAGE_CACHE_SECONDS": 300}
    subscriber = make_subscriber("anna@example.org", audiences=("residents",))
    url = reverse(
        "newsletter:preferences",
        args=[recipient_token(subscriber_id=subscriber.pk, audience_key="residents")],
    )

    def chosen_frequency() -> str:
        page = BeautifulSoup(client.get(url).content, "html.parser")
        return page.select_one("input[name=frequency][checked]")["value"]

    before = chosen_frequency()
    changed = Frequency.MAJOR if before != Frequency.MAJOR else Frequency.EVERY
    type(subscriber).objects.filter(pk=subscriber.pk).update(frequency=changed)
    assert chosen_frequency() == changed


def test_preferences_change_audiences_and_frequency(client, make_subscriber):
    subscriber = make_subscriber("anna@example.org", audiences=("residents",))
    url = reverse(
        "newsletter:preferences",
        args=[recipient_token(subscriber_id=subscriber.pk, audience_key="residents")],
    )
    page = BeautifulSoup(client.get(url).content, "html.parser")
    assert "anna@example.org" not in page.get_text()
    assert {i["value"] for i in page.select("input[name=audiences][checked]")} == {"residents"}

    response = client.post(url, {"audiences": ["allies"], "frequency": Frequency.MAJOR})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.frequency == Frequency.MAJOR
    active = subscriber.subscriptions.filter(unsubscribed_at__isnull=True)
    assert list(active.values_list("audience__key", flat=True)) == ["allies"]

    client.post(url, {"unsubscribe_all": "1"})
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.subscriptions.filter(unsubscribed_at__isnull=True).exists()


def test_a_lost_preference_link_can_be_asked_for_with_the_same_answer_for_anyone(client, make_subscriber):
    make_subscriber("anna@example.org")
    data = {"website": "", "shown_at": signing.dumps(time.time() - 60, salt="kvm.form-shown-at")}
    known = client.post("/nieuwsbrief/voorkeuren/", {**data, "email": "anna@example.org"})
    unknown = client.post("/nieuwsbrief/voorkeuren/", {**data, "email": "niemand@example.org"})
    assert main_text(known) == main_text(unknown)
    assert len(mail.outbox) == 1
    link = re.search(
        r"https://kvm\.example\.org(/nieuwsbrief/voorkeuren/[^/\s]+/)", mail.outbox[0].body
    ).group(1)
    assert client.get(link).status_code == 200


def test_one_click_for_an_erased_subscriber_still_answers_200(make_subscriber):
    subscriber = make_subscriber()
    url = unsubscribe_url(subscriber)
    subscriber.delete()
    response = Client().post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
