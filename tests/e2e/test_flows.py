"""What readers, subscribers and editors do, end to end, in a real browser against the live server (issue 8).

Mail goes to the outbox (.eml files); django-q2 runs tasks synchronously (test settings), so an email exists as soon
as the request that queued it has answered. Links in emails point at the live server (BASE_URL is set to it).
Each flow checks the pages it passes with axe-core and pictures the emails as a mail client shows them.
"""

import re

import pytest
from django.utils import timezone

from newsletter.models import Audience, Subscriber, Subscription
from pages.actions import PublishVersionAction
from pages.models import ActivityPage, DocumentPage
from supporters.models import Endorsement, SignUp

from .support import E2E, Outbox, check_accessibility, screenshot, show_email

pytestmark = E2E


@pytest.fixture
def site(live_site, settings, outbox):
    """The live demo, with emails in the outbox linking back to it and no minimum fill time on public forms."""
    settings.BASE_URL = live_site.base_url
    settings.KVM_PAGES = {**settings.KVM_PAGES, "BASE_URL": live_site.base_url}
    settings.KVM_SUPPORTERS = {**getattr(settings, "KVM_SUPPORTERS", {}), "MIN_FILL_SECONDS": 0}
    # The audiences come from a data migration; a transactional test's flush may have removed them.
    Audience.objects.get_or_create(key="residents", defaults={"name": "Bewoners", "is_public": True})
    return live_site


@pytest.fixture
def activity() -> ActivityPage:
    document = DocumentPage.objects.get(slug="calls-to-action")
    return ActivityPage.objects.descendant_of(document).live().order_by("path").first()


def endorsement_count(page, activity: ActivityPage) -> int:
    """The count the document shows under the activity."""
    return int(page.locator(f"#activiteit-{activity.pk} [data-endorsement-count]").inner_text())


def helpers_confirmed(page) -> int:
    return int(page.locator('.signup-places li[data-role="helper"]').get_attribute("data-confirmed"))


def fill_supporters_form(page, form_id: str, *, name: str, email: str) -> None:
    form = page.locator(f"#{form_id}")
    choice = page.locator(f"details:has(#{form_id}) > summary")
    if choice.count() and not form.is_visible():
        choice.click()  # the "Doe mee" block: open this choice first, as a reader does
    form.locator('input[name="name"]').fill(name)
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="consent"]').check()
    form.get_by_role("button").click()
    page.wait_for_load_state()


def only_link(message, pattern: str) -> str:
    links = [link for link in Outbox.links(message) if re.search(pattern, link)]
    assert len(links) == 1, (
        f"expected one link matching {pattern!r} in the email, got {Outbox.links(message)}"
    )
    return links[0]


def no_browser_errors(page) -> None:
    assert page.console_errors == [], page.console_errors


# -- 1. a reader endorses an activity --


def test_a_reader_endorses_an_activity_confirms_by_email_and_the_count_goes_up_by_one(
    page, site, outbox, activity
):
    page.goto(site.url("/"))
    before = endorsement_count(page, activity)
    page.locator(f"#activiteit-{activity.pk} .activity-title a").click()
    page.wait_for_url(re.compile(re.escape(activity.url) + "$"))

    fill_supporters_form(page, "endorse-form", name="Noor de Lezer", email="noor@example.org")
    assert page.locator("h1").inner_text() == "Bijna klaar: kijk in uw e-mail"
    assert not Endorsement.objects.filter(email="noor@example.org", confirmed_at__isnull=False).exists()

    email = outbox.newest(to="noor@example.org")
    assert activity.title in email["Subject"]
    confirm_url = only_link(email, r"/bevestigen/steun/")
    show_email(page, email)
    check_accessibility(page)
    screenshot(page, "email-confirm-endorsement")

    page.goto(confirm_url)
    assert page.locator("h1").inner_text() == "Bevestig uw steun"
    check_accessibility(page)
    page.get_by_role("button", name="Ja, ik bevestig").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Uw steun telt mee"
    check_accessibility(page)

    page.goto(site.url("/"))
    assert endorsement_count(page, activity) == before + 1
    # Following the link again changes nothing.
    page.goto(confirm_url)
    page.get_by_role("button", name="Ja, ik bevestig").click()
    page.wait_for_load_state()
    page.goto(site.url("/"))
    assert endorsement_count(page, activity) == before + 1
    no_browser_errors(page)


# -- 2. a reader signs up as a helper, and subscribes to the newsletter --


def test_a_reader_signs_up_as_helper_and_subscribes_to_the_newsletter(page, site, outbox, activity):
    page.goto(site.url(activity.url))
    before = helpers_confirmed(page)
    fill_supporters_form(page, "signup-form", name="Sem Helper", email="sem@example.org")
    assert page.locator("h1").inner_text() == "Bijna klaar: kijk in uw e-mail"

    page.goto(only_link(outbox.newest(to="sem@example.org"), r"/bevestigen/aanmelding/"))
    assert page.locator("h1").inner_text() == "Bevestig uw aanmelding"
    page.get_by_role("button", name="Ja, ik bevestig").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "U bent aangemeld"
    page.goto(site.url(activity.url))
    assert helpers_confirmed(page) == before + 1
    assert SignUp.objects.get(email="sem@example.org").role == "helper"

    page.goto(site.url("/nieuwsbrief/"))
    check_accessibility(page)
    form = page.locator("#subscribe-form")
    form.locator('input[name="name"]').fill("Sem Helper")
    form.locator('input[name="email"]').fill("sem@example.org")
    form.get_by_label("Bewoners").check()
    form.locator('input[name="consent"]').check()
    form.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()
    check_accessibility(page)
    subscriber = Subscriber.objects.get(email="sem@example.org")
    assert subscriber.confirmed_at is None

    email = outbox.newest(to="sem@example.org")
    show_email(page, email)
    check_accessibility(page)
    screenshot(page, "email-confirm-newsletter")
    page.goto(only_link(email, r"/nieuwsbrief/bevestigen/"))
    check_accessibility(page)
    page.get_by_role("button", name="Ja, ik wil de nieuwsbrief").click()
    page.wait_for_load_state()
    check_accessibility(page)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert set(subscriber.subscriptions.values_list("audience__key", flat=True)) == {"residents"}
    no_browser_errors(page)


# -- 3. an editor publishes a version for residents; a subscriber gets it, unsubscribes, and gets no more --


def confirmed_resident(email: str, name: str) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, name=name, confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, audience=Audience.objects.get(key="residents"))
    return subscriber


def log_in(page, site, user, password: str) -> None:
    page.goto(site.url("/admin/"))
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', password)
    page.click('form button[type="submit"]')
    page.wait_for_url(re.compile(r"/admin/$"))


def publish_version(page, site, document: DocumentPage, note: str) -> None:
    """The admin's "Nieuwe versie publiceren" form, reached from the document's edit view header: the note, every
    pending draft, and the residents."""
    page.goto(site.url(f"/admin/pages/{document.pk}/edit/"))
    page.locator("#w-slim-header-buttons").get_by_role("link", name="Nieuwe versie publiceren").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{document.pk}/publish-version/$"))
    page.get_by_label("Wat is er veranderd").fill(note)
    page.get_by_label("Bewoners").check()
    page.get_by_role("button", name="Publiceer versie").click()
    # Sending asks to confirm, naming the number of recipients.
    page.get_by_role("button", name=re.compile(r"^Verstuur aan \d+ ontvangers?$")).click()
    page.wait_for_url(re.compile(rf"/admin/pages/{document.pk}/$"))


def test_an_editor_publishes_a_version_subscribers_get_it_and_one_click_unsubscribe_stops_the_next(
    page, site, outbox, activity, editor, editor_password
):
    document = DocumentPage.objects.get(slug="calls-to-action")
    confirmed_resident("abonnee@example.org", "Abonnee")
    confirmed_resident("blijver@example.org", "Blijver")
    # Both have had a newsletter before: first-time recipients get an introduction instead of the notes.
    PublishVersionAction(
        document, note="Een eerdere versie.", audiences=["residents"], skip_permission_check=True
    ).execute()
    assert len(outbox.messages()) == 2
    new_title = "Buurtgesprek over inspraak in Oost"

    log_in(page, site, editor, editor_password)
    page.goto(site.url(f"/admin/pages/{activity.pk}/edit/"))
    page.fill("#id_title", new_title)
    # Saved as a draft: the version form publishes the drafts it lists (all ticked) together with the version.
    page.locator("footer .actions--primary button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{activity.pk}/edit/$"))
    note = "De activiteit heet nu Buurtgesprek over inspraak in Oost."
    publish_version(page, site, document, note)
    activity.refresh_from_db()
    assert activity.title == new_title

    email = outbox.newest(to="abonnee@example.org")
    assert note in " ".join(Outbox.text(email).split())
    assert new_title in Outbox.html(email)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.search(r"<(https?://[^>]+)>", email["List-Unsubscribe"]).group(1)
    assert unsubscribe_url.startswith(site.base_url)

    reader = page.context.browser.new_context()
    try:
        inbox = reader.new_page()
        show_email(inbox, email)
        check_accessibility(inbox)
        screenshot(inbox, "email-newsletter")
        inbox.goto(only_link(email, r"/nieuwsbrief/voorkeuren/[^/]+/$"))
        assert inbox.get_by_role("heading", level=1).count() == 1
        check_accessibility(inbox)
        # What a mail client does for RFC 8058 one-click: a POST without cookies.
        answer = reader.request.post(unsubscribe_url, form={"List-Unsubscribe": "One-Click"})
        assert answer.status == 200
    finally:
        reader.close()

    received = len(outbox.messages())
    publish_version(page, site, document, "Niets nieuws, alleen een tweede versie.")
    newer = outbox.messages()[received:]
    assert [m["To"] for m in newer if "abonnee@example.org" in m["To"]] == []
    assert [str(m["To"]) for m in newer] == ["Blijver <blijver@example.org>"]
    no_browser_errors(page)


# -- 3b. the send path an editor trusts: a test mail to typed addresses, who gets it, the number confirmed, progress --


def confirmed_member(email: str, *audience_keys: str) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, name=email.split("@")[0].title(), confirmed_at=timezone.now()
    )
    for key in audience_keys:
        audience, _ = Audience.objects.get_or_create(key=key, defaults={"name": key.title()})
        Subscription.objects.create(subscriber=subscriber, audience=audience)
    return subscriber


def test_an_editor_test_mails_typed_addresses_sees_who_gets_it_confirms_the_number_and_follows_the_progress(
    page, site, outbox, editor, editor_password
):
    document = DocumentPage.objects.get(slug="calls-to-action")
    Audience.objects.get_or_create(key="allies", defaults={"name": "Bondgenoten"})
    for email in ("an@example.org", "bo@example.org"):
        confirmed_member(email, "residents")
    confirmed_member("cas@example.org", "residents", "allies")  # on both lists: one mail
    confirmed_member("dewi@example.org", "allies")
    log_in(page, site, editor, editor_password)

    # A test mail, before anything goes out: to the addresses the editor types, rendered as for the residents.
    page.goto(site.url("/admin/nieuwsbrief/voorbeeld/"))
    page.get_by_label("Document").select_option(label=document.title)
    page.get_by_label("Doelgroep").select_option(label="Bewoners")
    page.get_by_role("button", name="Toon voorbeeld").click()
    page.get_by_label("Testmail naar").fill("geen-adres")
    page.get_by_role("button", name="Stuur een testmail").click()
    assert page.locator("form.test-send [role=alert]").inner_text().strip() != ""
    assert outbox.messages() == [], "a bad address sends nothing"
    page.get_by_label("Testmail naar").fill("collega@example.org, redactie@example.org")
    page.get_by_role("button", name="Stuur een testmail").click()
    page.wait_for_load_state()
    assert "De testmail is verstuurd naar collega@example.org, redactie@example.org" in page.content()
    tests = outbox.messages()
    assert sorted(str(m["To"]) for m in tests) == ["collega@example.org", "redactie@example.org"]
    assert all(str(m["Subject"]).startswith("[TEST] ") for m in tests)

    # Who gets it, per audience and in total (each person once), then the number confirmed on the button.
    versions = document.versions.count()
    page.goto(site.url("/admin/"))  # from the dashboard, as an editor starts
    page.locator("#kvm-documents").get_by_role("link", name="Nieuwe versie publiceren").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{document.pk}/publish-version/$"))
    assert page.locator(".sidebar-menu-item--active").first.inner_text().strip() == "Pagina's"
    page.get_by_label("Wat is er veranderd").fill("Een versie voor bewoners en bondgenoten.")
    page.get_by_label("Bewoners").check()
    page.get_by_label("Bondgenoten").check()
    page.get_by_role("button", name="Publiceer versie").click()
    who = page.locator("section.notify-preview").inner_text()
    assert "Bewoners: 3 ontvanger(s)" in who and "Bondgenoten: 2 ontvanger(s)" in who
    assert "Totaal: 4 ontvanger(s)" in who
    assert document.versions.count() == versions, "nothing is published before the confirmation"
    check_accessibility(page)
    page.get_by_role("button", name="Verstuur aan 4 ontvangers").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{document.pk}/$"))

    # The success message links to the mailing's progress.
    page.get_by_role("link", name="Voortgang van de verzending").click()
    page.wait_for_url(re.compile(r"/admin/nieuwsbrief/\d+/$"))
    assert "Voortgang: 4 van 4" in page.locator(".mailing-summary").inner_text()
    check_accessibility(page)
    received = [str(m["To"]) for m in outbox.messages()[len(tests) :]]
    assert sorted(received) == sorted(
        f"{e.split('@')[0].title()} <{e}>"
        for e in ("an@example.org", "bo@example.org", "cas@example.org", "dewi@example.org")
    )
    no_browser_errors(page)


# -- 4. a candidate answers the dialogue (issue 6) --


ELECTION_LIST = """partij,positie,naam,email,rol
Mokumse Partij,1,Fatima el Amrani,fatima@example.org,fractieleider
Mokumse Partij,2,Gijs de Boer,gijs@example.org,kandidaat
Partij voor de Buurt,1,Hanna Kok,hanna@example.org,kandidaat
"""


def test_a_candidate_answers_the_dialogue_and_the_editor_sees_it_per_party(
    page, site, outbox, editor, editor_password, tmp_path
):
    """A candidate opens the dialogue link from their email and answers yes; the editor sees it in the
    per-party overview."""
    import io

    from bs4 import BeautifulSoup
    from django.core.management import call_command

    for key, name, template in (
        ("candidates", "Kandidaten", "candidate"),
        ("party_leaders", "Fractieleiders", "party_leader"),
    ):
        Audience.objects.get_or_create(key=key, defaults={"name": name, "template": template})
    election_list = tmp_path / "kieslijst.csv"
    election_list.write_text(ELECTION_LIST, encoding="utf-8")
    call_command("import_contacts", str(election_list), "--audience", "candidates", stdout=io.StringIO())
    document = DocumentPage.objects.get(slug="calls-to-action")
    PublishVersionAction(
        document,
        note="Het pleidooi voor alle kandidaten.",
        audiences=["candidates"],
        skip_permission_check=True,
    ).execute()

    email = outbox.newest(to="gijs@example.org")
    html = BeautifulSoup(Outbox.html(email), "html.parser")
    assert "Gijs de Boer" in html.get_text() and "Mokumse Partij" in html.get_text()
    yes_link = html.find("a", string=re.compile("Ja, wij gaan graag in gesprek"))["href"]
    assert yes_link.startswith(site.base_url)

    page.goto(yes_link)
    check_accessibility(page)
    page.locator("#answer-form textarea").first.fill("Graag na de verkiezingen, in Oost.")
    page.get_by_role("button", name="Antwoord bevestigen").click()
    page.wait_for_load_state()
    check_accessibility(page)
    no_browser_errors(page)

    log_in(page, site, editor, editor_password)
    page.goto(site.url("/admin/nieuwsbrief/kandidaten/"))
    row = page.locator('tr[data-party="Mokumse Partij"]')
    assert row.locator('[data-count="yes"]').inner_text() == "1"
    assert row.locator('[data-count="messages"]').inner_text() == "1"
    other = page.locator('tr[data-party="Partij voor de Buurt"]')
    assert other.locator('[data-count="yes"]').inner_text() == "0"
    screenshot(page, "admin-outreach-per-party")
