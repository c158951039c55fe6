"""A person asks by email link for an export of, or the erasure of, everything stored about their address."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from supporters.models import Consent, Contact, Endorsement, Reaction, SignUp
from supporters.signals import collect_personal_data, erase_personal_data

from .conftest import endorse_data, last_link, link_in, page_body, reaction_data, shown_long_ago, signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan(client, post, small_document):
    document, call, activity = small_document
    for url, data in (
        (f"/steun/{document.pk}/steunen/", endorse_data(message="Zet door!")),
        (f"/steun/{activity.pk}/aanmelden/", signup_data(email="jan@example.org", name="Jan Jansen")),
        (
            f"/steun/{call.pk}/reageren/",
            reaction_data(email="jan@example.org", name="Jan Jansen", text="Mijn idee"),
        ),
    ):
        post(url, data)
        client.post(last_link())
    Contact.objects.create(name="Jan Jansen", email="jan@example.org", role="resident")
    mail.outbox.clear()
    return document


def _request_links(post, email):
    response = post("/steun/gegevens/", {"email": email, "website": "", "shown_at": shown_long_ago()})
    assert response.status_code == 200
    return response


def test_request_sends_links_and_answers_the_same_for_unknown_addresses(post, jan):
    known = _request_links(post, "JAN@example.org")
    unknown = _request_links(post, "onbekend@example.org")
    assert page_body(known) == page_body(unknown)
    assert [m.to for m in mail.outbox] == [["jan@example.org"], ["onbekend@example.org"]]
    body = mail.outbox[0].body
    assert "https://kvm.example.org/steun/gegevens/download/" in body
    assert "https://kvm.example.org/steun/gegevens/verwijderen/" in body


def test_export_is_json_of_everything_stored_including_other_apps(client, post, jan):
    _request_links(post, "jan@example.org")
    link = link_in(mail.outbox[0], r"https://kvm\.example\.org/steun/gegevens/download/\S+")
    assert BeautifulSoup(client.get(link).content, "html.parser").select_one("form.confirm-form")

    def newsletter_part(sender, email, **kwargs):
        return {"newsletter": {"subscribed": email == "jan@example.org"}}

    collect_personal_data.connect(newsletter_part)
    try:
        response = client.post(link)
    finally:
        collect_personal_data.disconnect(newsletter_part)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "jan@example.org"
    assert data["endorsements"][0]["message"] == "Zet door!"
    assert data["signups"][0]["availability"] == "zaterdagen"
    assert data["reactions"][0]["text"] == "Mijn idee"
    assert len(data["consents"]) == 3
    assert data["partner_network"][0]["name"] == "Jan Jansen"
    assert data["newsletter"] == {"subscribed": True}


def test_erasure_removes_personal_data_keeps_counts_and_tells_other_apps(client, post, jan):
    document = jan
    count_before = Endorsement.objects.filter(target=document, confirmed_at__isnull=False).count()
    _request_links(post, "jan@example.org")
    link = link_in(mail.outbox[0], r"https://kvm\.example\.org/steun/gegevens/verwijderen/\S+")
    assert client.get(link).status_code == 200
    assert Endorsement.objects.filter(email="jan@example.org").exists()  # GET erases nothing

    erased = []
    erase_personal_data.connect(
        lambda sender, email, **kw: erased.append(email), weak=False, dispatch_uid="t"
    )
    try:
        assert client.post(link).status_code == 200
    finally:
        erase_personal_data.disconnect(dispatch_uid="t")
    assert erased == ["jan@example.org"]
    for model in (Endorsement, SignUp, Reaction, Consent, Contact):
        assert not model.objects.filter(email="jan@example.org").exists()
    assert Endorsement.objects.filter(target=document, confirmed_at__isnull=False).count() == count_before
    assert SignUp.objects.filter(confirmed_at__isnull=False).count() == 1
    assert not Endorsement.objects.exclude(name="").exists()
    page = client.get(document.url).content.decode()
    assert "Jan Jansen" not in page and "Zet door!" not in page
    export = client.post(link.replace("/verwijderen/", "/download/"))
    assert export.status_code == 400  # an erase token is no export token


def test_bad_privacy_tokens_answer_400(client):
    assert client.get("/steun/gegevens/download/kapot/").status_code == 400
    assert client.post("/steun/gegevens/verwijderen/kapot/").status_code == 400
