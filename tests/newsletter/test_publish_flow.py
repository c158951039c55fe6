"""Publishing with a mailing from the admin: the form counts who will get it (by the selector the send uses),
sending needs a confirmation that names the number, the success message links to the mailing's progress, and
"Versturen op" plans the mailing for later."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsletter.models import Mailing, MailingStatus

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def document(make_document, make_subscriber, admin_user, client, outbox):
    client.force_login(admin_user)
    for n in range(3):
        make_subscriber(f"lezer{n}@example.org", audiences=("residents",))
    make_subscriber("beide@example.org", audiences=("residents", "allies"))
    return make_document(calls=1, activities_per_call=1)


def test_the_form_counts_asks_to_confirm_the_number_and_links_to_the_progress(
    client, document, django_capture_on_commit_callbacks
):
    url = f"/admin/pages/{document.pk}/publish-version/"
    data = {"note": "Eerste versie.", "audiences": ["residents", "allies"]}
    first = client.post(url, data)
    assert first.status_code == 200
    page = soup(first)
    preview = page.select_one(".notify-preview").get_text(" ")
    assert "Bewoners: 4 ontvanger(s)" in preview and "Bondgenoten: 1 ontvanger(s)" in preview
    assert "Totaal: 4 ontvanger(s)" in preview
    assert page.select_one("button[name=confirm]").get_text(strip=True) == "Verstuur aan 4 ontvangers"
    assert document.versions.count() == 0, "nothing is published before the confirmation"

    confirmed = page.select_one("input[name=confirmed_count]")["value"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirmed_count": confirmed, "confirm": "1"}, follow=True)
    version = document.versions.get()
    mailing = Mailing.objects.get(version=version)
    assert mailing.recipient_count == 4 and mailing.status == MailingStatus.DONE
    message = soup(done).select_one(".messages")
    assert "Versie 1 van" in message.get_text()
    link = message.select_one(f'a[href="/admin/nieuwsbrief/versie/{version.pk}/"]')
    assert link is not None and "Voortgang van de verzending" in link.get_text()
    assert client.get(link["href"])["Location"] == f"/admin/nieuwsbrief/{mailing.pk}/"


def test_a_changed_count_is_asked_again(client, document, make_subscriber):
    url = f"/admin/pages/{document.pk}/publish-version/"
    data = {"note": "Eerste versie.", "audiences": ["residents"]}
    client.post(url, data)
    make_subscriber("nieuw@example.org", audiences=("residents",))  # someone confirmed in between
    again = soup(client.post(url, {**data, "confirmed_count": "4", "confirm": "1"}))
    assert again.select_one("button[name=confirm]").get_text(strip=True) == "Verstuur aan 5 ontvangers"
    assert document.versions.count() == 0


def test_send_at_plans_the_mailing_and_the_past_is_refused(
    client, document, django_capture_on_commit_callbacks
):
    url = f"/admin/pages/{document.pk}/publish-version/"
    past = soup(client.post(url, {"note": "n", "audiences": ["residents"], "send_at": "2001-01-01T09:00"}))
    assert "Kies een tijdstip in de toekomst" in past.get_text()
    at = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "note": "n",
        "audiences": ["residents"],
        "send_at": at.strftime("%Y-%m-%dT%H:%M"),
        "confirmed_count": "4",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    mailing = Mailing.objects.get()
    assert mailing.status == MailingStatus.SCHEDULED
    assert timezone.localtime(mailing.send_at).strftime("%Y-%m-%d %H:%M") == at.strftime("%Y-%m-%d %H:%M")
    assert mailing.deliveries.count() == 0


def test_a_test_mail_goes_to_the_addresses_typed_and_bad_ones_are_shown(client, document, audiences, outbox):
    import email
    from email import policy

    def sent() -> list:
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")]

    url = "/admin/nieuwsbrief/voorbeeld/"
    base = {"document": document.pk, "audience": audiences["residents"].pk}
    page = soup(client.get(url, base))
    assert (
        page.select_one("form.test-send input[name=to]")["value"] == "beheer@example.org"
    )  # the editor's own

    client.post(url, {**base, "to": "redactie@example.org, Collega@Example.org"})
    mails = sent()
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == [
        "collega@example.org",
        "redactie@example.org",
    ]
    assert all(m["Subject"].startswith("[TEST] ") for m in mails)

    six = ", ".join(f"a{n}@example.org" for n in range(6))
    for value, error in ((six, "Hoogstens 5 adressen"), ("geen-adres", "“geen-adres” is geen e-mailadres")):
        response = client.post(url, {**base, "to": value})
        assert response.status_code == 200
        assert error in soup(response).select_one("form.test-send [role=alert]").get_text()
    assert len(sent()) == 2, "nothing more was sent"
