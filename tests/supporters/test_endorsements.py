"""Endorsing a document, call or activity: double opt-in, one per address, no enumeration, abuse protection."""

import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.test import Client

from supporters.models import Consent, Contact, Endorsement, Organisation

from .conftest import endorse_data, last_link, link_in, page_body

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def count_on(client, page) -> int:
    """The confirmed count shown for `page` on its own public page."""
    html = soup(client.get(page.url))
    return int(html.select_one(".doe-mee-counts [data-endorsement-count]")["data-endorsement-count"])


def test_pages_carry_the_forms_and_counts(client, small_document):
    document, call, activity = small_document
    doc = soup(client.get(document.url))
    assert doc.select_one("form#endorse-form")["action"] == f"/steun/{document.pk}/steunen/"
    assert doc.select_one("form#reaction-form")
    assert not doc.select_one("form#signup-form")
    # Every call and activity listed on the document shows its count.
    assert len(doc.select("[data-endorsement-count]")) == 1 + 2 + 4
    assert soup(client.get(call.url)).select_one("form#endorse-form")
    act = soup(client.get(activity.url))
    assert act.select_one("form#signup-form")["action"] == f"/steun/{activity.pk}/aanmelden/"
    assert act.select_one("form#endorse-form") and act.select_one("form#reaction-form")
    assert act.select_one('input[name="website"]')  # honeypot


def test_endorse_email_confirm_by_post_counts_exactly_once(client, post, small_document):
    _document, _call, activity = small_document
    assert count_on(client, activity) == 0

    response = post(f"/steun/{activity.pk}/steunen/", endorse_data())
    assert response.status_code == 200
    assert "kijk in uw e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jan@example.org"]
    assert "Activiteit 1.1" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    link = last_link()
    assert count_on(client, activity) == 0  # nothing counts before confirmation

    page = client.get(link)  # a link scanner opening the link confirms nothing
    assert page.status_code == 200
    assert soup(page).select_one("form.confirm-form button")
    assert count_on(client, activity) == 0

    assert client.post(link).status_code == 200
    assert count_on(client, activity) == 1
    again = client.post(link)  # confirming twice is harmless
    assert again.status_code == 200
    assert "al bevestigd" in again.content.decode()
    assert count_on(client, activity) == 1


def test_resubmission_never_duplicates_and_answers_the_same(client, post, small_document):
    document, _call, _activity = small_document
    url = f"/steun/{document.pk}/steunen/"
    first = post(url, endorse_data())
    second = post(url, endorse_data(name="Jan J.", email="  JAN@example.org "))
    assert Endorsement.objects.count() == 1
    assert Endorsement.objects.get().name == "Jan J."  # still unconfirmed, so the latest details count
    assert len(mail.outbox) == 2
    # Only the latest link confirms (it confirms what the person last sent).
    assert client.post(link_in(mail.outbox[0])).status_code == 400
    assert client.post(last_link()).status_code == 200
    assert count_on(client, document) == 1

    third = post(url, endorse_data(name="Iemand anders"))
    assert Endorsement.objects.count() == 1
    assert Endorsement.objects.get().name == "Jan J."
    assert count_on(client, document) == 1
    assert "al bevestigd" in mail.outbox[-1].body
    # Same response for a new, a pending and a confirmed address (no enumeration).
    unknown = post(url, endorse_data(email="nieuw@example.org"))
    assert page_body(first) == page_body(second) == page_body(third) == page_body(unknown)


def test_consent_is_recorded_with_wording_time_and_page(post, small_document):
    _document, call, _activity = small_document
    post(f"/steun/{call.pk}/steunen/", endorse_data(), HTTP_REFERER="https://kvm.example.org/call-1/")
    consent = Consent.objects.get()
    assert consent.purpose == "endorsement"
    assert consent.wording.startswith("Ik geef Kracht van Mokum toestemming")
    assert consent.source_url == "https://kvm.example.org/call-1/"
    assert consent.given_at is not None
    assert Endorsement.objects.get().consent == consent


def test_honeypot_and_too_fast_store_nothing_and_look_like_success(post, small_document):
    document, _call, _activity = small_document
    url = f"/steun/{document.pk}/steunen/"
    normal = post(url, endorse_data(email="echt@example.org"))
    Endorsement.objects.all().delete()
    mail.outbox.clear()
    filled = post(url, endorse_data(website="http://spam.example"))
    fast = post(url, endorse_data(shown_at=signing.dumps(time.time(), salt="kvm.form-shown-at")))
    assert filled.status_code == fast.status_code == 200
    assert page_body(filled) == page_body(fast) == page_body(normal)
    assert Endorsement.objects.count() == 0
    assert mail.outbox == []


def test_past_an_addresses_share_of_mails_nothing_changes_and_past_the_ip_limit_429(
    post, settings, small_document
):
    document, call, _activity = small_document
    settings.KVM_SUPPORTERS = {"RATE_PER_EMAIL": "2/h", "RATE_PER_IP": "4/h"}
    url = f"/steun/{document.pk}/steunen/"
    assert post(url, endorse_data()).status_code == 200
    assert post(url, endorse_data()).status_code == 200
    # The address had its two mails: a third submission is answered the same, changes nothing, mails nobody.
    again = post(f"/steun/{call.pk}/steunen/", endorse_data())
    assert again.status_code == 200 and "Bijna klaar" in again.content.decode()
    assert not Endorsement.objects.filter(target=call).exists()
    assert len(mail.outbox) == 2
    # Past the visitor address's limit (four posts), any address: 429 in Dutch, with when to try again.
    assert post(url, endorse_data(email="b@example.org")).status_code == 200
    limited = post(url, endorse_data(email="c@example.org"))
    assert limited.status_code == 429
    assert "te vaak verstuurd" in limited.content.decode()
    assert limited["Retry-After"] == "3600"
    assert not Endorsement.objects.filter(email="c@example.org").exists()


@pytest.mark.parametrize("mangle", ["tamper", "expire", "other-purpose"])
def test_bad_tokens_answer_400_and_store_nothing(client, post, settings, small_document, mangle):
    document, _call, _activity = small_document
    post(f"/steun/{document.pk}/steunen/", endorse_data())
    link = last_link()
    if mangle == "tamper":
        link = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    elif mangle == "expire":
        settings.KVM_SUPPORTERS = {"TOKEN_MAX_AGE_SECONDS": -1}
    else:
        link = link.replace("/bevestigen/steun/", "/bevestigen/aanmelding/")
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "Deze link werkt niet" in response.content.decode()
    assert Endorsement.objects.get().confirmed_at is None
    assert client.get("/steun/bevestigen/steun/rommel/").status_code == 400
    assert client.post("/steun/bevestigen/onbekend/rommel/").status_code == 400


def test_invalid_input_gives_400_with_a_dutch_message_and_stores_nothing(post, small_document):
    document, _call, _activity = small_document
    url = f"/steun/{document.pk}/steunen/"
    for data in (
        endorse_data(email="geen-adres"),
        endorse_data(consent=None),
        endorse_data(message="x" * 501),
        endorse_data(name="n" * 121),
        endorse_data(visibility="iedereen"),
    ):
        response = post(url, data)
        assert response.status_code == 400
        assert soup(response).select_one("form#endorse-form")
    assert Endorsement.objects.count() == 0
    assert mail.outbox == []
    assert post("/steun/999999/steunen/", endorse_data()).status_code == 404


def test_forms_need_csrf_but_confirmation_links_do_not(post, small_document):
    document, _call, _activity = small_document
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/steun/{document.pk}/steunen/", endorse_data()).status_code == 403
    post(f"/steun/{document.pk}/steunen/", endorse_data())
    assert strict.post(last_link()).status_code == 200
    assert Endorsement.objects.get().confirmed_at is not None


def _endorse_and_confirm(client, post, page, **data):
    post(f"/steun/{page.pk}/steunen/", endorse_data(**data))
    assert client.post(last_link()).status_code == 200


def test_public_list_shows_only_confirmed_people_as_they_chose_and_never_an_email(
    client, post, small_document
):
    document, _call, _activity = small_document
    _endorse_and_confirm(
        client, post, document, name="Anna de Boer", email="anna@example.org", visibility="name"
    )
    _endorse_and_confirm(
        client, post, document, name="Bram van Dijk", email="bram@example.org", visibility="initials"
    )
    _endorse_and_confirm(
        client, post, document, name="Carla Geheim", email="carla@example.org", visibility="count"
    )
    post(f"/steun/{document.pk}/steunen/", endorse_data(name="Daan Onbevestigd", email="daan@example.org"))

    page = client.get(document.url).content.decode()
    html = BeautifulSoup(page, "html.parser")
    people = [li.select_one(".name").get_text() for li in html.select(".endorsing-people li")]
    assert sorted(people) == ["Anna de Boer", "B. V. D."]
    assert "Carla" not in page and "Daan" not in page
    assert "@example.org" not in page
    assert count_on(client, document) == 3


def test_public_message_waits_for_an_editor_and_is_escaped(client, post, small_document):
    document, _call, _activity = small_document
    _endorse_and_confirm(client, post, document, message="<script>alert(1)</script> Hup Mokum!")
    assert "Hup Mokum" not in client.get(document.url).content.decode()
    from supporters.services import endorsement_message_moderate

    endorsement_message_moderate(endorsement=Endorsement.objects.get(), decision="approve")
    page = client.get(document.url).content.decode()
    assert "Hup Mokum!" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_organisation_endorses_when_confirmed_by_its_contact(client, post, small_document):
    document, _call, activity = small_document
    buurt = Organisation.objects.create(name="Buurtcentrum Oost", kind="civil_society")
    Contact.objects.create(name="Els", email="els@buurt.example", organisation=buurt)
    _endorse_and_confirm(
        client,
        post,
        activity,
        name="Els",
        email="ELS@buurt.example",
        organisation_name="buurtcentrum oost",
        on_behalf="on",
        visibility="count",
    )
    # Someone who is not its contact cannot endorse on an organisation's behalf.
    _endorse_and_confirm(
        client,
        post,
        document,
        name="Nep",
        email="nep@example.org",
        organisation_name="Stichting Nep",
        on_behalf="on",
        visibility="count",
    )
    Organisation.objects.create(name="Stichting Nep")
    html = soup(client.get(document.url))
    assert [li.get_text() for li in html.select(".endorsing-organisations li")] == ["Buurtcentrum Oost"]
    assert Endorsement.objects.get(email="els@buurt.example").organisation == buurt
    assert Endorsement.objects.get(email="nep@example.org").organisation is None


def confirm_preview(client, link) -> dict[str, str]:
    page = soup(client.get(link))
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in page.select("dl.confirm-preview dt")
    }


def test_the_confirm_page_shows_exactly_what_becomes_public(client, post, small_document):
    document, _call, activity = small_document
    post(
        f"/steun/{document.pk}/steunen/",
        endorse_data(visibility="initials", organisation_name="Buurtvereniging", message="Ik doe mee!"),
    )
    preview = confirm_preview(client, last_link())
    assert preview == {
        "Uw naam in de lijst van steunbetuigers": "J. J.",
        "Uw bericht, zodra de redactie het heeft goedgekeurd": "Ik doe mee!",
    }
    page = client.get(last_link()).content.decode()
    assert "Jan Jansen" not in page and "jan@example.org" not in page

    post(f"/steun/{activity.pk}/steunen/", endorse_data(email="tel@example.org", visibility="count"))
    assert confirm_preview(client, last_link()) == {}
    assert "u telt alleen mee in het aantal" in client.get(last_link()).content.decode()


def test_a_resubmission_never_changes_what_an_earlier_link_confirms(client, post, small_document):
    document, _call, _activity = small_document
    url = f"/steun/{document.pk}/steunen/"
    post(url, endorse_data(message="Mijn eigen woorden"))
    owners_link = last_link()
    # Someone else sends the form in the owner's name, with other words.
    post(url, endorse_data(name="Nep Naam", message="Woorden van een ander"))
    strangers_link = last_link()
    assert strangers_link != owners_link

    refused = client.post(owners_link)
    assert "Deze link werkt niet" in refused.content.decode()
    assert not Endorsement.objects.filter(confirmed_at__isnull=False).exists()
    # The newer link shows the owner what it would make public before anything is.
    assert confirm_preview(client, strangers_link)["Uw naam in de lijst van steunbetuigers"] == "Nep Naam"
    assert not Endorsement.objects.filter(confirmed_at__isnull=False).exists()
