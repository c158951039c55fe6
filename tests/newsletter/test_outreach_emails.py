"""What candidates and party leaders read: the real MIME messages, personalised per person, rendered per variant."""

import datetime as dt
from unittest import mock
from urllib.parse import urlsplit

import pytest

from newsletter import sending
from newsletter.outreach.models import OutreachActivity, OutreachKind
from pages.models import ActivityPage

pytestmark = pytest.mark.django_db


def answer_links(soup) -> dict[str, str]:
    return {
        "yes": soup.select_one("a.answer-yes")["href"],
        "no": soup.select_one("a.answer-no")["href"],
    }


def test_each_candidate_reads_their_name_place_party_the_pleidooi_and_their_own_answer_links(
    outreach_sent, read_outbox
):
    mails = read_outbox()
    assert set(mails) == {f"{n}@example.org" for n in ("anna", "bram", "cas", "dewi", "eva")}
    message, soup, text = mails["bram@example.org"]
    assert message["Subject"].startswith("Document")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Beste Bram Jansen," in text
    assert "nummer 2 op de lijst van GroenLinks" in soup.select_one(".list-place").get_text()
    assert "nummer 2 op de lijst van GroenLinks" in text
    assert "kandidatengroep van GroenLinks" in soup.select_one(".dialogue-request").get_text()
    assert "Tekst van call 1." in text and "Activiteit 1.2" in text  # the pleidooi itself
    assert "Welkom!" not in text  # candidates never subscribed: no subscriber welcome (issue 12)
    links = answer_links(soup)
    assert all(urlsplit(url).path.startswith("/nieuwsbrief/gesprek/") for url in links.values())
    assert links["yes"] != links["no"]
    assert "Ja, wij gaan graag in gesprek" in text and "Nee, dank u" in text
    assert links["yes"] in text
    _message, eva_soup, eva_text = mails["eva@example.org"]
    assert "nummer 2 op de lijst van PvdA" in eva_text
    assert answer_links(eva_soup)["yes"] != links["yes"]
    assert "[[kvm:" not in text and "[[kvm:" not in str(soup)


def test_candidates_read_what_changed_since_their_last_copy(outreach_sent, publish, read_outbox, outbox):
    document, _version, _mailing = outreach_sent
    for path in outbox.glob("*.eml"):
        path.unlink()
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    activity.status = "running"
    activity.save_revision().publish()
    publish(document, note="De pleidooien zijn verstuurd.", audiences=["candidates"])
    _message, soup, text = read_outbox()["cas@example.org"]
    changes = soup.select_one(".changes").get_text(" ", strip=True)
    assert "sinds versie 1" in changes and "De pleidooien zijn verstuurd." in changes
    assert "nummer 3 op de lijst van GroenLinks" in text


def test_party_leaders_get_the_dialogue_offer_and_the_debate_with_its_date_and_place(
    make_document, import_list, publish, read_outbox
):
    import_list()
    document = make_document(calls=1, activities_per_call=2)
    debate = ActivityPage.objects.get(title="Activiteit 1.2")
    debate.title, debate.when_text, debate.starts_on, debate.location = (
        "Het diabat",
        "",
        dt.date(2026, 2, 12),
        "Pakhuis de Zwijger",
    )
    debate.save_revision().publish()
    OutreachActivity.objects.create(page=debate, kind=OutreachKind.DEBATE)
    publish(document, audiences=["party_leaders"])
    mails = read_outbox()
    assert set(mails) == {"anna@example.org", "dewi@example.org"}
    _message, soup, text = mails["dewi@example.org"]
    assert "Beste Dewi Bakker," in text
    assert "fractieleider van PvdA" in soup.select_one(".dialogue-offer").get_text()
    invitation = soup.select_one(".debate-invitation").get_text(" ", strip=True)
    assert (
        "Het diabat" in invitation and "12 februari 2026" in invitation and "Pakhuis de Zwijger" in invitation
    )
    assert urlsplit(answer_links(soup)["yes"]).path.startswith("/nieuwsbrief/gesprek/")
    assert not soup.select(".dialogue-request")  # not the candidates' email


def test_no_debate_paragraph_without_a_linked_debate(outreach_sent, read_outbox):
    _message, soup, _text = read_outbox()["dewi@example.org"]
    assert soup.select_one(".dialogue-offer") is not None
    assert soup.select_one(".debate-invitation") is None


def test_rendered_once_per_variant_not_per_candidate(make_document, import_list, publish, outbox):
    import_list()
    document = make_document(calls=1, activities_per_call=1)
    with mock.patch.object(sending, "render_variant", wraps=sending.render_variant) as render:
        publish(document, audiences=["candidates", "party_leaders"])
    assert render.call_count == 2  # candidates' and party leaders' template, for five people
    assert len(list(outbox.glob("*.eml"))) == 5
