"""A candidate from the Kiesraad's list opens the pleidooi in their email, states support for two calls with an
explanation they allow to be published, and the party's public page shows it (issue 16)."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from newsletter.models import Audience
from pages.actions import PublishVersionAction
from pages.models import DocumentPage
from tests.newsletter.candidates.eml230b import eml_230b

from .support import E2E, Outbox, check_accessibility, screenshot, show_email

pytestmark = E2E

ADDRESSES = """partij,positie,naam,email,rol
Partij van de Arbeid (P.v.d.A.),1,Charèl van der Spek,charel@example.org,kandidaat
Partij van de Arbeid (P.v.d.A.),2,Tjeu Arets,tjeu@example.org,kandidaat
"""


@pytest.fixture
def site(live_site, settings, outbox):
    settings.BASE_URL = live_site.base_url
    settings.KVM_PAGES = {**settings.KVM_PAGES, "BASE_URL": live_site.base_url}
    for key, name, template in (
        ("candidates", "Kandidaten", "candidate"),
        ("party_leaders", "Fractieleiders", "party_leader"),
    ):
        Audience.objects.get_or_create(key=key, defaults={"name": name, "template": template})
    return live_site


def test_a_candidate_states_support_for_two_calls_and_the_party_page_shows_it(page, site, outbox, tmp_path):
    lists = tmp_path / "Kandidatenlijsten_GR2026_Amsterdam.eml.xml"
    lists.write_bytes(eml_230b())
    call_command("import_candidates", str(lists), stdout=io.StringIO())
    addresses = tmp_path / "adressen.csv"
    addresses.write_text(ADDRESSES, encoding="utf-8")
    call_command("import_contacts", str(addresses), "--audience", "candidates", stdout=io.StringIO())
    document = DocumentPage.objects.get(slug="calls-to-action")
    PublishVersionAction(
        document,
        note="Het pleidooi voor alle kandidaten.",
        audiences=["candidates"],
        skip_permission_check=True,
    ).execute()

    email = outbox.newest(to="charel@example.org")
    show_email(page, email)
    assert page.locator("a.commitment-link").count() == 5
    screenshot(page, "email-candidate-commitments")
    html = BeautifulSoup(Outbox.html(email), "html.parser")
    links = {int(a["data-call"]): a["href"] for a in html.select("a.commitment-link")}
    assert all(link.startswith(site.base_url) for link in links.values())

    for number, explanation in (
        (1, "Wijkraden met echte bevoegdheden."),
        (2, "Een burgerberaad per stadsdeel."),
    ):
        page.goto(links[number])
        check_accessibility(page)
        form = page.locator("#commitment-form")
        form.get_by_label("Ik steun deze call").check()
        form.locator("textarea").fill(explanation)
        form.get_by_label("Mijn toelichting mag met mijn naam op de site staan").check()
        form.get_by_role("button", name="Standpunt opslaan").click()
        page.wait_for_load_state()
        assert "Dank voor uw standpunt" in page.locator("h1").inner_text()
        check_accessibility(page)

    page.get_by_role("link", name=re.compile("Bekijk de standpunten van")).click()
    page.wait_for_load_state()
    assert page.locator(".answered").get_attribute("data-answered") == "1"
    for number in (1, 2):
        row = page.locator(f'tr[data-call="{number}"]')
        assert row.locator("[data-support]").get_attribute("data-support") == "1"
    assert page.locator('tr[data-call="3"] [data-support]').get_attribute("data-support") == "0"
    explanations = page.locator(".explanation")
    assert explanations.count() == 2
    assert "Charèl van der Spek" in explanations.first.inner_text()
    assert "Wijkraden met echte bevoegdheden." in page.locator(".explanations").inner_text()
    assert "Tjeu" not in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "candidates-party-page")
    assert page.console_errors == [], page.console_errors
