"""What editors see and do in the Wagtail admin: mailings and their decisions, preview, test send, the lists."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from newsletter.models import Audience, Delivery, DeliveryStatus, Mailing, MailingStatus

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def sent_mailing(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=1)
    for n in range(4):
        make_subscriber(f"lezer{n}@example.org", name=f"Lezer {n}")
    version = publish(document, note="Versie met een toelichting.", audiences=["residents"])
    return Mailing.objects.get(version=version)


def test_the_archive_lists_mailings_with_counts_and_web_versions(client, admin_user, sent_mailing):
    client.force_login(admin_user)
    page = soup(client.get("/admin/nieuwsbrief/"))
    row = page.select_one("table.listing tbody tr")
    assert sent_mailing.version.document.title in row.get_text()
    assert "Bewoners" in row.get_text()
    assert row.select_one(f'a[href="{sent_mailing.version.url}"]')
    assert row.select_one(f'a[href="/admin/nieuwsbrief/{sent_mailing.pk}/"]')


def test_the_mailing_page_shows_counts_progress_and_recipients(client, admin_user, sent_mailing):
    Delivery.objects.filter(email="lezer3@example.org").update(
        status=DeliveryStatus.FAILED, last_error="HTTP 503"
    )
    client.force_login(admin_user)
    page = soup(client.get(f"/admin/nieuwsbrief/{sent_mailing.pk}/"))
    counts = {td["data-status"]: td.get_text(strip=True) for td in page.select(".mailing-counts td")}
    assert counts["sent"] == "3" and counts["failed"] == "1" and counts["pending"] == "0"
    progress = page.select_one("progress#mailing-progress")
    assert progress["value"] == "4" and progress["max"] == "4"
    rows = {tr.select("td")[1].get_text(): tr["data-status"] for tr in page.select("tr.delivery")}
    assert rows["lezer3@example.org"] == "failed"
    failed_only = soup(client.get(f"/admin/nieuwsbrief/{sent_mailing.pk}/?status=failed"))
    assert [tr.select("td")[1].get_text() for tr in failed_only.select("tr.delivery")] == [
        "lezer3@example.org"
    ]


def test_pause_resume_and_cancel_from_the_admin(client, admin_user, sent_mailing):
    client.force_login(admin_user)
    Mailing.objects.filter(pk=sent_mailing.pk).update(status=MailingStatus.SENDING)
    action = f"/admin/nieuwsbrief/{sent_mailing.pk}/actie/"
    client.post(action, {"action": "pause"})
    sent_mailing.refresh_from_db()
    assert sent_mailing.status == MailingStatus.PAUSED
    assert soup(client.get(f"/admin/nieuwsbrief/{sent_mailing.pk}/")).select_one("button[value=resume]")
    client.post(action, {"action": "resume"})
    sent_mailing.refresh_from_db()
    assert sent_mailing.status == MailingStatus.DONE  # resumed; nothing was left, so it finished
    Mailing.objects.filter(pk=sent_mailing.pk).update(status=MailingStatus.PAUSED)
    client.post(action, {"action": "cancel"})
    sent_mailing.refresh_from_db()
    assert sent_mailing.status == MailingStatus.CANCELLED


def test_the_uncertain_batch_is_shown_with_both_choices(client, admin_user, sent_mailing):
    batch = sent_mailing.deliveries.first().batch
    sent_mailing.deliveries.filter(email__in=["lezer0@example.org", "lezer1@example.org"]).update(
        status=DeliveryStatus.UNCERTAIN, last_error="ReadTimeout"
    )
    client.force_login(admin_user)
    page = soup(client.get(f"/admin/nieuwsbrief/{sent_mailing.pk}/"))
    section = page.select_one("section.uncertain")
    assert "2" in section.select_one("tbody tr").get_text()
    assert section.select_one("button[value=resend_uncertain]")
    assert section.select_one("button[value=mark_uncertain_sent]")
    mail.outbox.clear()
    client.post(
        f"/admin/nieuwsbrief/{sent_mailing.pk}/actie/", {"action": "resend_uncertain", "batch": str(batch)}
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        '"Lezer 0" <lezer0@example.org>',
        '"Lezer 1" <lezer1@example.org>',
    ]
    assert set(sent_mailing.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_preview_for_any_audience_and_a_test_send_to_oneself(client, admin_user, make_document, audiences):
    document = make_document(calls=2, activities_per_call=1)
    client.force_login(admin_user)
    for audience in Audience.objects.all():
        response = client.get(
            "/admin/nieuwsbrief/voorbeeld/", {"document": document.pk, "audience": audience.pk}
        )
        assert response.status_code == 200
        page = soup(response)
        html = BeautifulSoup(page.select_one("iframe.preview-html")["srcdoc"], "html.parser")
        assert f"aangemeld voor “{audience.name}”" in html.get_text()
        assert "Call 2" in page.select_one("pre.preview-text").get_text()
    first_time = soup(
        client.get(
            "/admin/nieuwsbrief/voorbeeld/",
            {"document": document.pk, "audience": audiences["residents"].pk, "first_time": "on"},
        )
    )
    assert "voor het eerst" in first_time.select_one("pre.preview-text").get_text()

    client.post(
        "/admin/nieuwsbrief/voorbeeld/",
        {"document": document.pk, "audience": audiences["allies"].pk, "to": "beheer@example.org"},
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["beheer@example.org"]
    assert mail.outbox[0].subject.startswith("[TEST] ")
    assert not Mailing.objects.exists()


def test_audiences_subscribers_and_suppressions_in_the_admin(client, admin_user, make_subscriber):
    make_subscriber("lezer@example.org")
    client.force_login(admin_user)
    for url in (
        "/admin/newsletter/audience/",
        "/admin/newsletter/subscriber/",
        "/admin/newsletter/subscription/",
        "/admin/newsletter/suppression/",
    ):
        assert client.get(url).status_code == 200, url
    assert "lezer@example.org" in client.get("/admin/newsletter/subscriber/").content.decode()
    response = client.post(
        "/admin/newsletter/audience/create/",
        {
            "name": "Bewoners Oost",
            "key": "bewoners-oost",
            "template": "summary",
            "position": 45,
            "description": "",
        },
    )
    assert response.status_code == 302
    assert Audience.objects.get(key="bewoners-oost").template == "summary"
    residents = Audience.objects.get(key="residents")
    client.post(f"/admin/newsletter/audience/delete/{residents.pk}/")
    assert Audience.objects.filter(key="residents").exists()


def test_editors_without_newsletter_rights_are_kept_out(client, make_editor, sent_mailing):
    client.force_login(make_editor())
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard and a message.
    for response in (
        client.get("/admin/nieuwsbrief/"),
        client.get(f"/admin/nieuwsbrief/{sent_mailing.pk}/"),
        client.get("/admin/nieuwsbrief/voorbeeld/"),
        client.post(f"/admin/nieuwsbrief/{sent_mailing.pk}/actie/", {"action": "cancel"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    sent_mailing.refresh_from_db()
    assert sent_mailing.status == MailingStatus.DONE


def test_the_admin_menu_has_the_newsletter(client, admin_user):
    client.force_login(admin_user)
    dashboard = client.get("/admin/").content.decode()
    for url in ("/admin/nieuwsbrief/", "/admin/nieuwsbrief/voorbeeld/", "/admin/newsletter/audience/"):
        assert url in dashboard


def _newsletter_menu(user, rf) -> list[tuple[str, str]]:
    """The "Nieuwsbrief" menu as Wagtail builds it for this user: (label, url) per submenu item, in menu order."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = user
    group = next(item for item in admin_menu.menu_items_for_request(request) if item.label == "Nieuwsbrief")
    return [(str(item.label), item.url) for item in group.menu.menu_items_for_request(request)]


def test_the_newsletter_menu_holds_what_the_outreach_adds_through_its_hook(admin_user, rf):
    """The outreach is its own app: its overview and its activities' admin appear in the newsletter's menu."""
    menu = _newsletter_menu(admin_user, rf)
    labels = [label for label, _url in menu]
    assert labels[:3] == ["Verzendingen", "Voorbeeld en testmail", "Doelgroepen"]
    assert ("Kandidaten en fractieleiders", "/admin/nieuwsbrief/kandidaten/") in menu
    assert ("Voortgang op de site", "/admin/newsletter/outreachactivity/") in menu
    assert labels.count("Voortgang op de site") == 1  # not also a menu of its own


def test_each_item_the_outreach_adds_asks_for_its_own_permission(make_editor, rf):
    from django.contrib.auth.models import Permission
    from wagtail.admin.menu import admin_menu

    editor = make_editor()
    request = rf.get("/admin/")
    request.user = editor
    assert "Nieuwsbrief" not in [str(item.label) for item in admin_menu.menu_items_for_request(request)]

    editor.groups.get().permissions.add(Permission.objects.get(codename="view_mailing"))
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached on the user
    labels = [label for label, _url in _newsletter_menu(editor, rf)]
    assert labels == ["Verzendingen", "Voorbeeld en testmail", "Kandidaten en fractieleiders"]
