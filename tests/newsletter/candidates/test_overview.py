"""The public overview at kandidaten/: per party how many answered, per call support / partly / not, the
explanations with names only of those who allowed it, the dialogue status, the party leader's answer and our
written response to the programme; right under concurrent answers."""

import datetime as dt
import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from newsletter.outreach.models import Candidate, Commitment, DialogueAnswer, PartyList, ProgrammeResponsePage
from supporters.models import Contact

pytestmark = pytest.mark.django_db

GL = "/kandidaten/groenlinks/"


def _soup(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def _row(soup, number):
    row = soup.select_one(f'tr[data-call="{number}"]')
    return tuple(int(row.select_one(f"[data-{key}]")[f"data-{key}"]) for key in ("support", "partly", "no"))


def test_the_party_page_shows_counts_and_only_consented_names(client, overview_world):
    _document, _version, answer = overview_world
    answer("Oorschot", 1, "support", "Wijkbudgetten nu.", publish=True)
    answer("Blikkert", 1, "support", "Geheime overweging van Krisje.", publish=False)
    answer("Meulenkolk", 1, "partly")
    answer("Katsma", 2, "no", "Niet haalbaar.", publish=True)
    answer("Spek", 1, "no", "Andere partij.", publish=True)
    soup = _soup(client, GL)
    assert soup.select_one(".answered")["data-answered"] == "4"
    assert soup.select_one(".answered")["data-candidates"] == "12"
    assert _row(soup, 1) == (2, 1, 0)
    assert _row(soup, 2) == (0, 0, 1)
    assert _row(soup, 3) == (0, 0, 0)
    text = soup.get_text(" ", strip=True)
    assert "Annemieke Oorschot" in text and "Wijkbudgetten nu." in text
    assert "Luc Katsma" in text and "Niet haalbaar." in text
    assert "Krisje" not in text and "Geheime overweging" not in text  # counted, not named
    assert "Teun" not in text and "Meulenkolk" not in text
    assert "Charèl" not in text  # another party
    assert "@" not in soup.select_one("main").get_text()


def test_a_later_answer_replaces_the_count_instead_of_adding_to_it(client, overview_world):
    _document, _version, answer = overview_world
    answer("Oorschot", 1, "support")
    answer("Oorschot", 1, "no")
    assert _row(_soup(client, GL), 1) == (0, 0, 1)


def test_the_index_lists_every_party_with_how_many_answered(client, overview_world):
    _document, _version, answer = overview_world
    answer("Oorschot", 1, "support")
    answer("Oorschot", 2, "support")
    answer("Gopal", 3, "partly")
    soup = _soup(client, "/kandidaten/")
    rows = {row["data-party"]: row for row in soup.select("tr[data-party]")}
    assert set(rows) == {"groenlinks", "partij-van-de-arbeid-pvda", "partij-voor-de-dieren"}
    assert rows["groenlinks"].select_one("[data-answered]")["data-answered"] == "1"
    assert rows["partij-voor-de-dieren"].select_one("[data-answered]")["data-answered"] == "1"
    assert rows["partij-van-de-arbeid-pvda"].select_one("[data-answered]")["data-answered"] == "0"


def test_dialogue_status_leader_answer_and_programme_response(client, overview_world, admin_user):
    document, _version, _answer = overview_world
    assert "nog geen antwoord" in _soup(client, GL).select_one(".leader-answer").get_text()
    leader = Contact.objects.get(email="annemieke@example.org")
    DialogueAnswer.objects.create(contact=leader, answer="yes")
    DialogueAnswer.objects.create(contact=Contact.objects.get(email="krisje@example.org"), answer="yes")
    DialogueAnswer.objects.create(contact=Contact.objects.get(email="george@example.org"), answer="no")
    party = PartyList.objects.get(slug="groenlinks").organisation
    response = ProgrammeResponsePage(
        title="Onze reactie op het programma van GroenLinks",
        slug="reactie-groenlinks",
        party=party,
        programme_url="https://groenlinks.example/programma.pdf",
        response="<p>Sterk op wijkbudgetten, zwak op inspraak.</p>",
        response_date=dt.date(2026, 2, 10),
    )
    document.add_child(instance=response)
    response.save_revision().publish()
    soup = _soup(client, GL)
    assert "Ja, wij gaan graag in gesprek" in soup.select_one(".leader-answer").get_text()
    assert "1 keer ja, 1 keer nee" in soup.select_one(".dialogue-status").get_text()
    link = soup.select_one(".programme-response a")
    assert link.get_text() == "Onze reactie op het programma van GroenLinks"
    page = _soup(client, link["href"])
    assert "Sterk op wijkbudgetten" in page.get_text()
    assert page.select_one('a[href="https://groenlinks.example/programma.pdf"]')
    assert len(response.get_latest_revision().content) and response.revisions.count() == 1


def test_the_party_page_makes_the_same_number_of_queries_however_many_answered(
    client, overview_world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _document, _version, answer = overview_world
    answer("Oorschot", 1, "support", "Ja.", publish=True)
    with CaptureQueriesContext(connection) as few:
        client.get(GL)
    for last_name in ("Blikkert", "Jaspers-Gezen", "Meulenkolk", "Katsma", "Blankenvoorde", "Mateman"):
        for number in (1, 2, 3):
            answer(last_name, number, "partly", "Deels.", publish=True)
    with CaptureQueriesContext(connection) as many:
        client.get(GL)
    assert len(many) == len(few)


def test_an_unknown_party_is_a_404(client, overview_world):
    assert client.get("/kandidaten/bestaat-niet/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_answers_are_each_counted_once(client, overview_world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")
    _document, _version, answer = overview_world
    names = ["Oorschot", "Blikkert", "Jaspers-Gezen", "Meulenkolk", "Katsma", "Blankenvoorde"]
    start = threading.Barrier(len(names) * 2)
    errors = []

    def worker(name):
        try:
            start.wait(timeout=30)
            answer(name, 1, "support")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(name,)) for name in names * 2
    ]  # each person twice at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert Commitment.objects.filter(is_current=True).count() == len(names)
    assert Commitment.objects.count() == len(names)  # the same answer twice is stored once
    assert _row(_soup(client, GL), 1) == (6, 0, 0)
    assert Candidate.objects.filter(commitments__is_current=True).distinct().count() == len(names)
