"""The "Ja" / "Nee" links: signed, a GET only shows the page, a POST records the answer once; later answers
replace it as the current one and the history keeps both."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from newsletter.outreach.links import answer_token
from newsletter.outreach.models import AnswerChoice, DialogueAnswer
from supporters.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(outreach_sent, read_outbox):
    """Bram's answer URLs (paths) from his real email."""
    _message, soup, _text = read_outbox()["bram@example.org"]
    return {key: urlsplit(soup.select_one(f"a.answer-{key}")["href"]).path for key in ("yes", "no")}


def test_the_link_shows_a_page_and_stores_nothing_until_confirmed(client, links):
    response = client.get(links["yes"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bram Jansen" in page and "GroenLinks" in page
    form = BeautifulSoup(page, "html.parser").select_one("form#answer-form")
    assert form["method"] == "post"
    assert form.select_one('input[name="answer"][checked]')["value"] == "yes"
    assert form.select_one('input[name="show_name"]') is not None
    assert "bram@example.org" not in page
    assert not DialogueAnswer.objects.exists()


def test_a_post_records_the_answer_with_message_and_preferred_contact(client, links, outreach_sent):
    _document, _version, mailing = outreach_sent
    response = client.post(
        links["yes"],
        {"answer": "yes", "message": "Graag na de verkiezingen.", "preferred_contact": "06-12345678"},
    )
    assert response.status_code == 200
    assert "Dank voor uw antwoord" in response.content.decode()
    answer = DialogueAnswer.objects.get()
    assert (answer.contact.email, answer.answer, answer.is_current) == ("bram@example.org", "yes", True)
    assert (answer.message, answer.preferred_contact, answer.mailing) == (
        "Graag na de verkiezingen.",
        "06-12345678",
        mailing,
    )
    assert answer.show_name is False


def test_the_answer_is_recorded_once_and_a_later_one_replaces_it_keeping_the_history(client, links):
    client.post(links["yes"], {"answer": "yes", "message": "Graag."})
    client.post(links["yes"], {"answer": "yes", "message": "Graag."})  # a double click, a reload
    assert DialogueAnswer.objects.count() == 1
    client.post(links["no"], {"answer": "no", "message": "Toch niet, sorry."})
    history = list(DialogueAnswer.objects.order_by("answered_at", "id").values_list("answer", "is_current"))
    assert history == [("yes", False), ("no", True)]
    bram = Contact.objects.get(email="bram@example.org")
    assert DialogueAnswer.objects.get(contact=bram, is_current=True).message == "Toch niet, sorry."
    assert "Eerder antwoordde u" in client.get(links["yes"]).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_token_is_a_400_and_stores_nothing(client, links, method):
    prefix, token = links["yes"].rstrip("/").rsplit("/", 1)
    for bad in (token[:-3] + "abc", "x" * 5000, answer_token(contact_id=1, mailing_id=1, answer="maybe")):
        response = getattr(client, method)(f"{prefix}/{bad}/", {"answer": "yes"})
        assert response.status_code in (400, 404)
    forged = answer_token(contact_id=99999, mailing_id=1, answer="yes")
    assert getattr(client, method)(f"{prefix}/{forged}/", {"answer": "yes"}).status_code == 400
    assert not DialogueAnswer.objects.exists()


def test_an_invalid_form_is_a_400_and_stores_nothing(client, links):
    response = client.post(links["yes"], {"answer": "misschien", "message": "x" * 3000})
    assert response.status_code == 400
    assert not DialogueAnswer.objects.exists()


def test_the_party_leaders_link_records_their_answer(client, read_outbox, outreach_sent):
    _message, soup, _text = read_outbox()["dewi@example.org"]
    path = urlsplit(soup.select_one("a.answer-no")["href"]).path
    assert client.post(path, {"answer": AnswerChoice.NO}).status_code == 200
    assert DialogueAnswer.objects.get().contact.email == "dewi@example.org"
