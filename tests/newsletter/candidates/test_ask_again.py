"""Asked again when a call changes: a new version that changes call 2 asks exactly the candidates who answered
call 2, once, listing only that call with the change list's words; reminders stop after the configured number."""

import pytest

from newsletter.outreach.changes import changed_calls
from newsletter.outreach.commitments import commitments_ask_again
from newsletter.outreach.models import CommitmentRequest

from .conftest import change_call_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(client, commitment_links, outbox):
    """Krisje and Charèl answered call 2, George answered call 1; the outbox is then emptied."""
    links = commitment_links()
    client.post(links["krisje@example.org"][2], {"stance": "support", "explanation": "Zeker."})
    client.post(links["charel@example.org"][2], {"stance": "partly"})
    client.post(links["george@example.org"][1], {"stance": "no"})
    for path in outbox.glob("*.eml"):
        path.unlink()
    return links


def test_the_adapter_names_the_changed_calls_in_the_change_lists_words(candidates_sent, publish):
    document, _version = candidates_sent
    change_call_text(document, 2, "Een nieuwe tekst voor call 2.")
    version2 = publish(document, note="Call 2 herschreven.")
    call2 = version2.snapshot["calls"][1]
    assert changed_calls(version2) == {call2["id"]: [f"Call 2. {call2['title']} — Tekst: tekst aangepast."]}


def test_a_version_that_changes_call_2_asks_exactly_those_who_answered_call_2_once(
    answered, candidates_sent, publish, read_outbox
):
    document, _version = candidates_sent
    change_call_text(document, 2, "Een nieuwe tekst voor call 2.")
    version2 = publish(document, note="Call 2 herschreven.")
    mails = read_outbox()
    assert set(mails) == {"krisje@example.org", "charel@example.org"}
    message, soup, text = mails["krisje@example.org"]
    assert "Call 2 is veranderd" in message["Subject"]
    changed = soup.select(".changed-call")
    assert len(changed) == 1 and "Call 2" in changed[0].get_text()
    assert "Call 2 — Tekst: tekst aangepast." in text
    assert "“Ik steun deze call”" in text and "Zeker." in text
    assert soup.select_one("a.confirm")["href"] and soup.select_one("a.change")["href"]
    assert message["List-Unsubscribe"]
    assert CommitmentRequest.objects.filter(version=version2).count() == 2
    # The task running again (a retry, a second worker) sends nothing more.
    assert commitments_ask_again(version_id=version2.pk) == 0
    assert len(read_outbox()) == 2


def test_confirming_pins_the_answer_to_the_new_version(
    answered, candidates_sent, publish, read_outbox, client
):
    from urllib.parse import urlsplit

    from newsletter.outreach.models import Commitment

    document, _version = candidates_sent
    change_call_text(document, 2, "Een nieuwe tekst voor call 2.")
    version2 = publish(document, note="Call 2 herschreven.")
    _message, soup, _text = read_outbox()["krisje@example.org"]
    confirm = urlsplit(soup.select_one("a.confirm")["href"])
    page = client.get(f"{confirm.path}?{confirm.query}").content.decode()
    assert "Klopt dat nog?" in page
    client.post(confirm.path, {"stance": "support", "explanation": "Zeker."})
    current = Commitment.objects.get(candidate__last_name="Blikkert", is_current=True)
    assert current.version == version2


def test_an_unchanged_call_is_not_asked_again(answered, candidates_sent, publish, read_outbox):
    document, _version = candidates_sent
    change_call_text(document, 3, "Alleen call 3 verandert.")
    publish(document, note="Call 3.")
    assert read_outbox() == {}


def test_reminders_stop_after_the_configured_number(
    answered, candidates_sent, publish, read_outbox, settings, outbox
):
    settings.KVM_NEWSLETTER = {**getattr(settings, "KVM_NEWSLETTER", {}), "COMMITMENT_MAX_ASKS": 1}
    document, _version = candidates_sent
    change_call_text(document, 2, "Eerste herziening.")
    publish(document, note="Herziening 1.")
    assert set(read_outbox()) == {"krisje@example.org", "charel@example.org"}
    for path in outbox.glob("*.eml"):
        path.unlink()
    change_call_text(document, 2, "Tweede herziening.")
    publish(document, note="Herziening 2.")
    assert read_outbox() == {}  # nobody answered the first ask: we stop
