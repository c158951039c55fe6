"""Commitments per call through signed links in the candidates' real emails: per candidate, call and version;
a GET changes nothing; tampered or expired links are a 400; each answer is pinned to the version read."""

import time

import pytest
from bs4 import BeautifulSoup

from newsletter.outreach.commitment_links import commitment_token
from newsletter.outreach.links import answer_token
from newsletter.outreach.models import Candidate, Commitment

pytestmark = pytest.mark.django_db


def test_each_candidate_gets_one_signed_link_per_call_in_their_email(commitment_links, read_outbox):
    links = commitment_links()
    assert set(links) >= {"annemieke@example.org", "krisje@example.org", "charel@example.org"}
    for address in ("annemieke@example.org", "krisje@example.org", "charel@example.org"):
        assert sorted(links[address]) == [1, 2, 3]
    all_paths = [path for per_call in links.values() for path in per_call.values()]
    assert len(set(all_paths)) == len(all_paths)  # per candidate and call
    _message, _soup, text = read_outbox()["krisje@example.org"]
    assert "Uw standpunt per call" in text and links["krisje@example.org"][2] in text
    assert "krisje" not in links["krisje@example.org"][2]


def test_the_link_shows_the_call_as_that_version_published_it_and_stores_nothing(client, commitment_links):
    path = commitment_links()["krisje@example.org"][2]
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Krisje de Blikkert" in page and "GROENLINKS" in page and "Tekst van call 2." in page
    form = BeautifulSoup(page, "html.parser").select_one("form#commitment-form")
    assert form["method"] == "post"
    labels = [label.get_text(" ", strip=True) for label in form.select("label")]
    assert "Ik steun deze call" in labels and "Gedeeltelijk" in labels and "Nee" in labels
    assert "krisje@example.org" not in page
    assert not Commitment.objects.exists()


def test_a_post_records_the_stance_pinned_to_the_version_once(client, commitment_links, candidates_sent):
    _document, version = candidates_sent
    path = commitment_links()["krisje@example.org"][2]
    data = {"stance": "support", "explanation": "Meer inspraak per wijk.", "publish_name": "on"}
    response = client.post(path, data)
    assert response.status_code == 200 and "Dank voor uw standpunt" in response.content.decode()
    client.post(path, data)  # a double click
    commitment = Commitment.objects.get()
    krisje = Candidate.objects.get(last_name="Blikkert")
    call_id = version.snapshot["calls"][1]["id"]
    assert (commitment.candidate, commitment.call_id, commitment.version, commitment.stance) == (
        krisje,
        call_id,
        version,
        "support",
    )
    assert (commitment.explanation, commitment.publish_name, commitment.is_current) == (
        "Meer inspraak per wijk.",
        True,
        True,
    )
    client.post(path, {"stance": "partly", "explanation": "Toch maar deels."})
    history = list(Commitment.objects.order_by("answered_at", "pk").values_list("stance", "is_current"))
    assert history == [("support", False), ("partly", True)]
    assert "Eerder antwoordde u" in client.get(path).content.decode()


def test_an_explanation_over_1000_characters_or_an_unknown_stance_is_refused(client, commitment_links):
    path = commitment_links()["krisje@example.org"][1]
    assert client.post(path, {"stance": "support", "explanation": "x" * 1001}).status_code == 400
    assert client.post(path, {"stance": "misschien"}).status_code == 400
    assert client.post(path, {"stance": "support", "explanation": "x" * 1000}).status_code == 200
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_foreign_or_wrong_links_are_a_400_and_store_nothing(
    client, commitment_links, candidates_sent, method
):
    _document, version = candidates_sent
    path = commitment_links()["krisje@example.org"][2]
    prefix, token = path.rstrip("/").rsplit("/", 1)
    krisje = Candidate.objects.get(last_name="Blikkert")
    call_id = version.snapshot["calls"][1]["id"]
    bad_tokens = [
        token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        "x" * 5000,
        answer_token(contact_id=krisje.contact_id, mailing_id=1, answer="yes"),  # signed for another purpose
        commitment_token(candidate_id=999999, call_id=call_id, version_id=version.pk),
        commitment_token(candidate_id=krisje.pk, call_id=999999, version_id=version.pk),
        commitment_token(candidate_id=krisje.pk, call_id=call_id, version_id=999999),
    ]
    for bad in bad_tokens:
        response = getattr(client, method)(f"{prefix}/{bad}/", {"stance": "support"})
        assert response.status_code == 400, bad
    assert not Commitment.objects.exists()


def test_an_expired_link_is_a_400(client, commitment_links, monkeypatch, settings):
    path = commitment_links()["krisje@example.org"][1]
    settings.KVM_NEWSLETTER = {
        **getattr(settings, "KVM_NEWSLETTER", {}),
        "COMMITMENT_LINK_MAX_AGE_SECONDS": 3600,
    }
    later = time.time() + 3601
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.get(path).status_code == 400
    assert client.post(path, {"stance": "support"}).status_code == 400
    assert not Commitment.objects.exists()


def test_a_candidate_without_an_address_is_kept_as_nog_geen_adres(candidates_sent):
    assert Candidate.objects.get(last_name="Blikkert").contact.email == "krisje@example.org"
    assert Candidate.objects.get(last_name="Oorschot").contact.role == "party_leader"
    assert Candidate.objects.filter(contact__isnull=True).count() == 17 - 4
