"""A reader finds a district meetup on the agenda, registers for its dialogue session only, confirms by email
and sees the count rise — in a real browser against the live server."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from pages.models import ActivityPage, District, Event
from supporters.models import EventRegistration

from .support import E2E, check_accessibility, screenshot
from .test_flows import only_link

pytestmark = E2E


@pytest.fixture
def site(live_site, settings, outbox):
    settings.BASE_URL = live_site.base_url
    settings.KVM_PAGES = {**settings.KVM_PAGES, "BASE_URL": live_site.base_url}
    settings.KVM_SUPPORTERS = {**getattr(settings, "KVM_SUPPORTERS", {}), "MIN_FILL_SECONDS": 0}
    return live_site


@pytest.fixture
def meetup(site) -> Event:
    """Next month's meetup in Noord, added to the demo's series as an editor would."""
    activity = ActivityPage.objects.get(title="Maandelijks ontmoetingsmoment per wijk")
    day = timezone.localdate() + dt.timedelta(days=10)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 30)))
    event = Event(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
        district=District.objects.get(slug="noord"),
        place_name="Buurthuis De Meeuw",
        address="Meeuwenlaan 1",
    )
    activity.events.add(event)
    activity.save()
    activity.save_revision().publish()
    return event


def rsvp_count(page) -> int:
    return int(page.locator("dl.facts [data-rsvp-count]").get_attribute("data-rsvp-count"))


def test_a_reader_registers_for_the_dialogue_session_confirms_by_email_and_sees_the_count_rise(
    page, site, outbox, meetup
):
    page.goto(site.url("/agenda/"))
    check_accessibility(page)
    page.get_by_role("link", name="Noord", exact=True).click()
    page.wait_for_url(re.compile(r"/agenda/stadsdeel/noord/$"))
    page.locator(f'li[data-event-id="{meetup.pk}"] a.event-title').click()
    page.wait_for_url(re.compile(rf"/agenda/{meetup.pk}/$"))
    check_accessibility(page)
    before = rsvp_count(page)

    form = page.locator("#rsvp-form")
    form.locator('input[name="name"]').fill("Noor de Lezer")
    form.locator('input[name="email"]').fill("noor@example.org")
    form.get_by_label("borrel vanaf 20.30").uncheck()
    assert form.get_by_label("dialoogsessie 19.30–20.30").is_checked()
    form.locator('input[name="consent"]').check()
    form.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Bijna klaar: kijk in uw e-mail"
    page.goto(site.url(f"/agenda/{meetup.pk}/"))
    assert rsvp_count(page) == before

    email = outbox.newest(to="noor@example.org")
    assert "Bevestig uw aanmelding" in email["Subject"]
    page.goto(only_link(email, r"/bevestigen/agenda/"))
    check_accessibility(page)
    page.get_by_role("button", name="Ja, ik bevestig").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "U bent aangemeld"
    assert "dialoogsessie 19.30–20.30: u heeft een plaats" in page.locator(".registration-parts").inner_text()
    screenshot(page, "agenda-registered")

    page.get_by_role("link", name="Terug naar de bijeenkomst").click()
    page.wait_for_url(re.compile(rf"/agenda/{meetup.pk}/$"))
    assert rsvp_count(page) == before + 1
    registration = EventRegistration.objects.get(email="noor@example.org")
    assert [row.part.name for row in registration.parts.select_related("part")] == ["dialoogsessie"]
    registered = outbox.newest(to="noor@example.org")
    assert any(
        part.get_filename() == f"bijeenkomst-{meetup.pk}.ics" for part in registered.iter_attachments()
    )
