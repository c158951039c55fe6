"""The editors' outreach overview: per party reached / bounced / unsubscribed, answers, the leader's answer,
messages; each person's timeline; the CSV export."""

import csv
import io

import pytest
from bs4 import BeautifulSoup

from newsletter.feedback import tracking_event_process
from newsletter.links import RecipientLink
from newsletter.models import Delivery, TrackingEvent
from newsletter.outreach.links import AnswerLink
from newsletter.outreach.services import answer_record
from newsletter.services import unsubscribe
from supporters.models import Contact

pytestmark = pytest.mark.django_db

URL = "/admin/nieuwsbrief/kandidaten/"


def answer(email: str, choice: str, mailing, **fields) -> None:
    contact = Contact.objects.get(email=email)
    answer_record(
        link=AnswerLink(contact_id=contact.pk, mailing_id=mailing.pk, answer=choice), answer=choice, **fields
    )


def bounce(email: str) -> None:
    delivery = Delivery.objects.get(email=email)
    event = TrackingEvent.objects.create(
        esp="postmark",
        event_id=f"bounce-{email}",
        event_type="bounced",
        recipient=email,
        delivery_ref=str(delivery.pk),
        description="Mailbox does not exist",
    )
    tracking_event_process(event_pk=event.pk)


@pytest.fixture
def campaign(outreach_sent):
    """Cas bounced, Eva unsubscribed, Bram said yes with a message, the PvdA leader said no."""
    _document, _version, mailing = outreach_sent
    bounce("cas@example.org")
    eva = Delivery.objects.get(email="eva@example.org").subscriber
    unsubscribe(link=RecipientLink(subscriber_id=eva.pk, audience_key="candidates"))
    answer("bram@example.org", "yes", mailing, message="Graag, bel ons.", preferred_contact="06-1234")
    answer("dewi@example.org", "no", mailing)
    return mailing


def party_counts(page: str) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(page, "html.parser")
    return {
        row["data-party"]: {
            cell["data-count"]: cell.get_text(strip=True) for cell in row.select("td[data-count]")
        }
        for row in soup.select("table.outreach-parties tr[data-party]")
    }


def test_per_party_counts_and_bars(client, admin_user, campaign):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    counts = party_counts(page)
    assert counts["GroenLinks"] == {
        "candidates": "2",
        "sent": "1",
        "bounced": "1",
        "unsubscribed": "0",
        "yes": "1",
        "no": "0",
        "none": "1",
        "leader": "geen antwoord",
        "messages": "1",
    }
    assert counts["PvdA"] == {
        "candidates": "1",
        "sent": "1",
        "bounced": "0",
        "unsubscribed": "1",
        "yes": "0",
        "no": "0",
        "none": "1",
        "leader": "Nee, dank u",
        "messages": "0",
    }
    soup = BeautifulSoup(page, "html.parser")
    bar = soup.select_one('tr[data-party="GroenLinks"] .bar-yes')
    assert "width: 50%" in bar["style"]
    eva_row = soup.select_one(f'tr[data-contact="{Contact.objects.get(email="eva@example.org").pk}"]')
    assert eva_row.select_one(".unsubscribed").get_text() == "afgemeld"
    assert "Graag, bel ons." in page


def test_each_person_has_a_timeline(client, admin_user, campaign):
    client.force_login(admin_user)
    bram = Contact.objects.get(email="bram@example.org")
    page = client.get(f"{URL}{bram.pk}/").content.decode()
    rows = [
        row.get_text(" ", strip=True)
        for row in BeautifulSoup(page, "html.parser").select(".outreach-timeline tbody tr")
    ]
    assert "verzonden (versie 1)" in rows[0]
    assert "beantwoord: Ja, wij gaan graag in gesprek" in rows[-1] and "06-1234" in rows[-1]
    cas = Contact.objects.get(email="cas@example.org")
    assert "Mailbox does not exist" in client.get(f"{URL}{cas.pk}/").content.decode()


def test_the_overview_exports_as_csv_without_addresses(client, admin_user, campaign):
    client.force_login(admin_user)
    response = client.get(f"{URL}csv/?verzending={campaign.pk}")
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode()
    assert "@" not in content
    rows = {row[2]: row for row in csv.reader(io.StringIO(content))}
    assert rows["naam"][0] == "partij"
    assert rows["Cas Meijer"][4] == "onbestelbaar"
    assert rows["Eva Visser"][6] == "ja"  # unsubscribed
    assert rows["Bram Jansen"][8:11] == ["Ja, wij gaan graag in gesprek", "Graag, bel ons.", "06-1234"]
    assert rows["Dewi Bakker"][3] == "fractieleider" and rows["Dewi Bakker"][8] == "Nee, dank u"


def test_editors_without_newsletter_rights_are_refused(client, make_editor, campaign):
    client.force_login(make_editor())
    assert client.get(URL).status_code in (302, 403)
    assert client.get(f"{URL}csv/").status_code in (302, 403)
