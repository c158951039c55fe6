"""The outreach mail to a party: its secretariat gets it while no candidate has an address, it links to our
written response to the party's programme, and what is stored about a candidate can be exported and erased."""

import datetime as dt

import pytest

from newsletter.outreach.candidate_lists import party_secretariat_set
from newsletter.outreach.commitments import commitments_erase, commitments_personal_data
from newsletter.outreach.models import Commitment, PartyList, ProgrammeResponsePage

pytestmark = pytest.mark.django_db


def test_the_secretariat_gets_the_partys_mail_while_no_candidate_has_an_address(
    import_eml, audiences, make_document, publish, read_outbox, django_capture_on_commit_callbacks
):
    import_eml()
    dieren = PartyList.objects.get(slug="partij-voor-de-dieren")
    with django_capture_on_commit_callbacks(execute=True):
        party_secretariat_set(party_list=dieren, email="Secretariaat@Dieren.example")
    assert PartyList.objects.get(pk=dieren.pk).contact_email == "secretariaat@dieren.example"
    document = make_document(calls=2, activities_per_call=1)
    publish(document, note="Pleidooi.", audiences=["candidates"])
    mails = read_outbox()
    assert set(mails) == {"secretariaat@dieren.example"}
    _message, soup, _text = mails["secretariaat@dieren.example"]
    assert "Partij voor de Dieren" in soup.get_text()


def test_the_mail_to_a_party_links_to_our_response_to_its_programme(
    import_eml, import_list, make_document, publish, read_outbox, settings
):
    from .conftest import ADDRESSES

    import_eml()
    import_list(ADDRESSES)
    document = make_document(calls=1, activities_per_call=1)
    response = ProgrammeResponsePage(
        title="Reactie op GroenLinks",
        slug="reactie-groenlinks",
        party=PartyList.objects.get(slug="groenlinks").organisation,
        programme_url="https://groenlinks.example/programma.pdf",
        response="<p>Onze reactie.</p>",
        response_date=dt.date(2026, 2, 1),
    )
    document.add_child(instance=response)
    response.save_revision().publish()
    publish(document, note="Pleidooi.", audiences=["candidates", "party_leaders"])
    mails = read_outbox()
    url = settings.BASE_URL + response.url
    for address in ("krisje@example.org", "annemieke@example.org"):
        _message, soup, text = mails[address]
        assert soup.select_one(".programme-response-link a")["href"] == url
        assert url in text
    _message, soup, _text = mails["charel@example.org"]
    assert soup.select_one(".programme-response-link") is None


def test_a_candidates_commitments_are_exported_and_erased(overview_world):
    _document, _version, answer = overview_world
    answer("Blikkert", 1, "support", "Mijn toelichting.", publish=True)
    exported = commitments_personal_data(email="KRISJE@example.org")
    assert (
        exported[0]["standpunt"] == "Ik steun deze call" and exported[0]["toelichting"] == "Mijn toelichting."
    )
    assert commitments_erase(email="krisje@example.org") == 1
    commitment = Commitment.objects.get()
    assert (commitment.stance, commitment.explanation, commitment.publish_name) == ("support", "", False)
