"""Public progress of call 1's outreach on the site: counts of parties approached and parties that said yes;
no names or addresses, except the names of people who said yes and agreed to be shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.outreach.links import AnswerLink
from newsletter.outreach.models import OutreachActivity, OutreachKind
from newsletter.outreach.services import answer_record
from pages.models import ActivityPage
from supporters.models import Contact

pytestmark = pytest.mark.django_db

NAMES = ("Anna de Vries", "Bram Jansen", "Cas Meijer", "Dewi Bakker", "Eva Visser")


def answer(email: str, choice: str, mailing, **fields) -> None:
    contact = Contact.objects.get(email=email)
    answer_record(
        link=AnswerLink(contact_id=contact.pk, mailing_id=mailing.pk, answer=choice), answer=choice, **fields
    )


@pytest.fixture
def linked(outreach_sent):
    document, _version, mailing = outreach_sent
    dialogue = ActivityPage.objects.get(title="Activiteit 1.1")
    offer = ActivityPage.objects.get(title="Activiteit 1.2")
    OutreachActivity.objects.create(page=dialogue, kind=OutreachKind.CANDIDATE_DIALOGUE)
    OutreachActivity.objects.create(page=offer, kind=OutreachKind.LEADER_DIALOGUE)
    answer("bram@example.org", "yes", mailing, message="Graag!")
    answer("cas@example.org", "yes", mailing)
    answer("dewi@example.org", "no", mailing)
    return document, dialogue, offer, mailing


def test_the_document_shows_counts_only(client, linked):
    document, _dialogue, _offer, _mailing = linked
    page = client.get(document.url).content.decode()
    assert "Kandidaten van 2 partijen benaderd · 1 partij zei ja" in page
    assert "2 fractieleiders benaderd · 0 zeiden ja" in page
    assert "@example.org" not in page
    assert not [name for name in NAMES if name in page]
    assert "Graag!" not in page


def test_names_appear_only_for_those_who_said_yes_and_agreed(client, linked):
    _document, dialogue, _offer, mailing = linked
    answer("eva@example.org", "yes", mailing, show_name=True)
    page = client.get(dialogue.url).content.decode()
    assert "Kandidaten van 2 partijen benaderd · 2 partijen zeiden ja" in page
    assert "Eva Visser (PvdA)" in page
    assert [name for name in NAMES if name in page] == ["Eva Visser"]
    assert "@example.org" not in page


def test_unlinked_activities_show_nothing(client, outreach_sent):
    document, _version, _mailing = outreach_sent
    page = client.get(document.url).content.decode()
    assert "benaderd" not in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_document(client, make_document, linked, publish):
    large = make_document(calls=3, activities_per_call=30)
    # Like the small one, a version: the same version line.
    publish(large, note="Eerste versie.", audiences=[])
    for activity in ActivityPage.objects.descendant_of(large)[:20]:
        OutreachActivity.objects.create(page=activity, kind=OutreachKind.PLEIDOOI)
    small_document = linked[0]
    assert _queries(client, small_document.url) == _queries(client, large.url)
