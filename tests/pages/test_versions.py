"""Versions of a document: snapshot, change list, numbering, the publish action, command and public pages."""

import io
import threading
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail import hooks
from wagtail.models import PageLogEntry

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus, CallPage, DocumentVersion
from pages.signals import version_published

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(document, note="Wijziging", **kwargs) -> DocumentVersion:
    return PublishVersionAction(document, note=note, skip_permission_check=True, **kwargs).execute()


def activity(title: str) -> ActivityPage:
    return ActivityPage.objects.get(title=title)


def republish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def kinds(version) -> set[tuple[str, str, str]]:
    return {(c["kind"], c["type"], c["title"]) for c in version.changes}


def test_snapshot_holds_the_live_document_in_reading_order(make_document):
    document = make_document(calls=2, activities_per_call=2)
    version = publish(document, note="Eerste versie")
    snapshot = version.snapshot
    assert version.number == 1
    assert snapshot["document"]["title"] == document.title
    assert "dynamisch geheel" in snapshot["document"]["intro"]
    assert [call["title"] for call in snapshot["calls"]] == ["Call 1", "Call 2"]
    assert "Tekst van call 1." in snapshot["calls"][0]["body"]
    first = snapshot["calls"][0]["activities"][0]
    assert [a["title"] for a in snapshot["calls"][0]["activities"]] == ["Activiteit 1.1", "Activiteit 1.2"]
    assert first["status"] == "planned"
    assert "Beschrijving van activiteit 1.1." in first["description"]
    assert first["when"] == "maandelijks"
    assert first["path"] == f"{document.url}call-1/activiteit-1-1/"
    assert version.changes == []


def test_versions_are_numbered_without_gaps_and_a_number_is_never_reused(make_document):
    document = make_document(calls=1, activities_per_call=0)
    assert [publish(document).number for _ in range(3)] == [1, 2, 3]
    with pytest.raises(IntegrityError):
        DocumentVersion.objects.create(
            document=document, number=2, published_at=timezone.now(), note="x", snapshot={}
        )


def test_change_list_names_additions_removals_and_edits(make_document):
    document = make_document(calls=2, activities_per_call=2)
    publish(document)
    call_two = CallPage.objects.child_of(document).get(number=2)
    call_two.add_child(instance=ActivityPage(title="Nieuwe buurtborrel", slug="borrel"))
    ActivityPage.objects.get(slug="borrel").save_revision().publish()
    activity("Activiteit 1.2").delete()
    republish(activity("Activiteit 2.1"), status=ActivityStatus.RUNNING)
    republish(activity("Activiteit 2.2"), description="<p>Een heel andere beschrijving.</p>")
    republish(CallPage.objects.child_of(document).get(number=1), title="Call één")

    version = publish(document)
    assert kinds(version) == {
        ("added", "activity", "Nieuwe buurtborrel"),
        ("removed", "activity", "Activiteit 1.2"),
        ("status", "activity", "Activiteit 2.1"),
        ("text", "activity", "Activiteit 2.2"),
        ("renamed", "call", "Call één"),
    }
    status = next(c for c in version.changes if c["kind"] == "status")
    assert status["old_status"] == "planned" and status["new_status"] == "running"
    assert "gepland → loopt" in status["text"]


def test_an_activity_keeps_its_identity_when_renamed_and_moved(make_document):
    document = make_document(calls=2, activities_per_call=1)
    publish(document)
    moving = activity("Activiteit 1.1")
    republish(moving, title="Hernoemde activiteit")
    moving.refresh_from_db()
    moving.move(CallPage.objects.child_of(document).get(number=2), pos="last-child")

    version = publish(document)
    assert kinds(version) == {
        ("renamed", "activity", "Hernoemde activiteit"),
        ("moved", "activity", "Hernoemde activiteit"),
    }
    moved = next(c for c in version.changes if c["kind"] == "moved")
    assert "van call 1 naar call 2" in moved["text"]


def test_an_ordinary_page_publish_does_not_create_a_version(make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document)
    republish(activity("Activiteit 1.1"), title="Typfout hersteld")
    assert DocumentVersion.objects.filter(document=document).count() == 1


def test_signal_goes_out_after_commit_with_the_chosen_audiences(
    make_document, django_capture_on_commit_callbacks
):
    document = make_document(calls=1, activities_per_call=0)
    received = []

    def receiver(sender, version, audiences, **kwargs):
        received.append((version.number, audiences))

    version_published.connect(receiver)
    try:
        with (
            hooks.register_temporarily("kvm_version_audiences", lambda: [("residents", "Bewoners")]),
            django_capture_on_commit_callbacks(execute=True),
        ):
            publish(document, audiences=["residents"])
            assert received == []
    finally:
        version_published.disconnect(receiver)
    assert received == [(1, ["residents"])]


def test_unknown_audience_and_empty_note_are_refused(make_document):
    from django.core.exceptions import ValidationError

    document = make_document(calls=1, activities_per_call=0)
    with pytest.raises(ValidationError):
        publish(document, audiences=["nobody"])
    with pytest.raises(ValidationError):
        publish(document, note="   ")
    assert not DocumentVersion.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishers_get_consecutive_numbers(make_document):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent publishing is tested on PostgreSQL (SQLite serialises all writers)")
    document = make_document(calls=3, activities_per_call=3)
    publishers = 6
    barrier = threading.Barrier(publishers)
    errors: list[Exception] = []

    def run():
        try:
            barrier.wait(timeout=30)
            publish(document, note="Tegelijk")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(publishers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(DocumentVersion.objects.filter(document=document).values_list("number", flat=True))
    assert numbers == list(range(1, publishers + 1))


def test_action_refuses_a_user_without_publish_rights(make_document, make_editor):
    document = make_document(calls=1, activities_per_call=0)
    with pytest.raises(PermissionDenied):
        PublishVersionAction(document, note="x", user=make_editor(can_publish=False)).execute()
    assert not DocumentVersion.objects.exists()


# --- admin ---------------------------------------------------------------------------------------------------


def test_admin_form_previews_the_selected_drafts_and_starts_with_an_empty_note(
    client, make_document, make_editor
):
    document = make_document(calls=1, activities_per_call=2)
    publish(document, note="Eerste")
    editor = make_editor(can_publish=True)
    client.force_login(editor)
    republish(activity("Activiteit 1.1"), status=ActivityStatus.DONE)
    draft = activity("Activiteit 1.2")
    draft.title = "Concepttitel"
    draft.save_revision(user=editor)

    url = f"/admin/pages/{document.pk}/publish-version/"
    edit_page = client.get(f"/admin/pages/{document.pk}/edit/")
    assert url in edit_page.content.decode()
    form_page = BeautifulSoup(client.get(url).content, "html.parser")
    assert form_page.select_one("textarea[name=note]").get_text().strip() == ""
    preview = [li.get_text() for li in form_page.select(".change-list li")]
    assert preview == [
        "Status van “Activiteit 1.1”: gepland → afgerond.",
        "Activiteit “Activiteit 1.2” heet nu “Concepttitel”.",
    ]
    assert "Inclusief 1 aangevinkt concept" in form_page.get_text()

    # Untick the draft and update the preview: its change leaves the list, nothing is published.
    unticked = BeautifulSoup(client.post(url, {"note": "", "preview": "1"}).content, "html.parser")
    assert [li.get_text() for li in unticked.select(".change-list li")] == preview[:1]
    assert not unticked.select_one("input[name=drafts]:checked")
    assert DocumentVersion.objects.filter(document=document).count() == 1

    response = client.post(url, {"note": "Activiteit 1.1 is afgerond.", "drafts": [draft.pk]})
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document=document, number=2)
    assert version.note == "Activiteit 1.1 is afgerond."
    assert [change["text"] for change in version.changes] == preview
    assert version.published_by == editor
    titles = [a["title"] for a in version.snapshot["calls"][0]["activities"]]
    assert titles == ["Activiteit 1.1", "Concepttitel"]
    logs = PageLogEntry.objects.filter(page=document, action="pages.publish_version").order_by("timestamp")
    assert [(entry.user, entry.data["number"]) for entry in logs] == [(None, 1), (editor, 2)]


def test_a_failing_version_cut_leaves_the_selected_drafts_unpublished(make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    draft = activity("Activiteit 1.1")
    draft.title = "Nog een concept"
    draft.save_revision()

    def refuse(sender, instance, **kwargs):
        raise DatabaseError("schijf vol")

    pre_save.connect(refuse, sender=DocumentVersion)
    try:
        with pytest.raises(DatabaseError):
            publish(document, note="Tweede", publish_drafts=[draft])
    finally:
        pre_save.disconnect(refuse, sender=DocumentVersion)
    live = ActivityPage.objects.get(pk=draft.pk)
    assert live.title == "Activiteit 1.1"
    assert live.has_unpublished_changes
    assert DocumentVersion.objects.filter(document=document).count() == 1


def test_the_newsletter_preview_is_the_same_next_version(make_document):
    from newsletter.preview import preview_version

    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(activity("Activiteit 1.1"), location="De Balie")
    preview = preview_version(document=document)
    version = publish(document, note="Tweede")
    assert (preview.number, preview.changes, preview.snapshot) == (
        version.number,
        version.changes,
        version.snapshot,
    )


def test_admin_form_is_refused_without_publish_rights(client, make_document, make_editor):
    document = make_document(calls=1, activities_per_call=0)
    client.force_login(make_editor(can_publish=False))
    url = f"/admin/pages/{document.pk}/publish-version/"
    assert url not in client.get(f"/admin/pages/{document.pk}/edit/").content.decode()
    # Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard and a message.
    assert client.get(url)["Location"] == "/admin/"
    assert client.post(url, {"note": "Niet toegestaan"})["Location"] == "/admin/"
    assert not DocumentVersion.objects.exists()


def test_admin_form_shows_a_dutch_error_for_an_empty_note(client, make_document, admin_user):
    document = make_document(calls=1, activities_per_call=0)
    client.force_login(admin_user)
    response = client.post(f"/admin/pages/{document.pk}/publish-version/", {"note": ""})
    assert response.status_code == 200
    assert "Dit is een verplicht veld" in response.content.decode()
    assert not DocumentVersion.objects.exists()


# --- command -------------------------------------------------------------------------------------------------


def test_command_publishes_and_prints_number_and_changes(make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document)
    republish(activity("Activiteit 1.1"), title="Nieuwe naam")
    out = io.StringIO()
    call_command("publish_version", "--note", "Naam gewijzigd", stdout=out)
    text = out.getvalue()
    assert "Versie 2" in text
    assert "Activiteit “Activiteit 1.1” heet nu “Nieuwe naam”." in text
    assert DocumentVersion.objects.get(number=2).note == "Naam gewijzigd"


def test_command_publishes_drafts_and_picks_a_document_by_slug(make_document):
    make_document(calls=1, activities_per_call=0, slug="ander")
    document = make_document(calls=1, activities_per_call=1, slug="mokum")
    draft = activity("Activiteit 1.1")
    draft.title = "Uit concept"
    draft.save_revision()
    with pytest.raises(CommandError, match="meerdere documenten"):
        call_command("publish_version", "--note", "x", stdout=io.StringIO())
    call_command(
        "publish_version", "--document", "mokum", "--note", "x", "--publish-drafts", stdout=io.StringIO()
    )
    version = DocumentVersion.objects.get(document=document)
    assert version.snapshot["calls"][0]["activities"][0]["title"] == "Uit concept"


def test_command_rejects_an_unknown_audience(make_document):
    make_document(calls=1, activities_per_call=0)
    with pytest.raises(CommandError, match="Onbekende doelgroep"):
        call_command("publish_version", "--note", "x", "--notify", "marsbewoners", stdout=io.StringIO())


# --- public pages --------------------------------------------------------------------------------------------


def test_document_shows_the_latest_version_and_links_to_the_history(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    publish(document, note="Tweede versie met een nieuwe activiteit")
    page = BeautifulSoup(client.get(document.url).content, "html.parser")
    line = page.select_one(".version-line")
    assert "Versie 2 — " in line.get_text()
    assert "Tweede versie met een nieuwe activiteit" in line.get_text()
    assert line.select_one("a")["href"] == f"{document.url}versies/"


def test_history_lists_every_version_newest_first_with_note_and_changes(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(activity("Activiteit 1.1"), status=ActivityStatus.DROPPED)
    publish(document, note="Activiteit vervalt")
    page = BeautifulSoup(client.get(f"{document.url}versies/").content, "html.parser")
    headings = [h.get_text(strip=True) for h in page.select("li.version h2")]
    assert headings[0].startswith("Versie 2") and headings[1].startswith("Versie 1")
    assert "Activiteit vervalt" in page.select("li.version")[0].get_text()
    assert page.select_one('li.version [data-change-kind="status"]')


def test_permalink_shows_the_version_exactly_as_published_with_a_newer_notice(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(activity("Activiteit 1.1"), title="Later hernoemd")
    publish(document, note="Tweede")

    old = BeautifulSoup(client.get(f"{document.url}versies/1/").content, "html.parser")
    assert old.select_one("article.activity h4").get_text() == "Activiteit 1.1"
    notice = old.select_one(".newer-version")
    assert notice is not None and notice.select_one("a")["href"] == document.url
    new = BeautifulSoup(client.get(f"{document.url}versies/2/").content, "html.parser")
    assert new.select_one("article.activity h4").get_text() == "Later hernoemd"
    assert new.select_one(".newer-version") is None


def test_unknown_versions_give_a_404_page(client, make_document):
    document = make_document(calls=1, activities_per_call=0)
    publish(document)
    for path in ("versies/7/", "versies/1...7/", "versies/0/", "versies/abc/", "versies/99999999999999/"):
        response = client.get(f"{document.url}{path}")
        assert response.status_code == 404, path
        assert "Pagina niet gevonden" in response.content.decode()


def test_feed_is_valid_atom_with_every_version(client, make_document):
    document = make_document(calls=1, activities_per_call=0)
    publish(document, note="Eerste <versie> & meer")
    publish(document, note="Tweede")
    response = client.get(f"{document.url}versies/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert entries[0].find(f"{ATOM}link").get("href") == f"https://kvm.example.org{document.url}versies/2/"
    assert "&lt;versie&gt;" in entries[1].find(f"{ATOM}summary").text


def test_removed_activity_keeps_a_marker_page_at_its_old_address(client, make_document):
    document = make_document(calls=1, activities_per_call=2)
    publish(document, note="Eerste")
    old_url = activity("Activiteit 1.2").url
    activity("Activiteit 1.2").delete()
    publish(document, note="Activiteit 1.2 is samengevoegd met 1.1")
    response = client.get(old_url)
    assert response.status_code == 410
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Activiteit 1.2"
    assert "sinds versie 2" in page.get_text()
    assert "samengevoegd met 1.1" in page.get_text()
    assert client.get(f"{document.url}bestaat-niet/").status_code == 404


def test_article_query_count_is_the_same_with_1_and_50_versions(client, make_document):
    document = make_document(calls=2, activities_per_call=2)
    publish(document)
    client.get(document.url)
    with CaptureQueriesContext(connection) as one:
        client.get(document.url)
    for _ in range(49):
        publish(document)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(document.url)
    assert "Versie 50" in response.content.decode()
    assert len(one) == len(fifty)


def test_a_new_activity_saved_only_as_draft_is_in_the_preview_and_goes_live_with_the_version(
    client, make_document, admin_user
):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    call = CallPage.objects.get(title="Call 1")
    draft = ActivityPage(title="Debat met de fractieleiders", slug="debat", live=False)
    call.add_child(instance=draft)
    draft.save_revision()
    client.force_login(admin_user)
    url = f"/admin/pages/{document.pk}/publish-version/"
    form_page = BeautifulSoup(client.get(url, headers={"accept-language": "en"}).content, "html.parser")
    assert [li.get_text() for li in form_page.select(".change-list li")] == [
        "Nieuwe activiteit bij call 1: “Debat met de fractieleiders”."
    ]
    assert client.get(document.url).content.decode().count("Debat met de fractieleiders") == 0
    response = client.post(url, {"note": "Het debat staat erin.", "drafts": [draft.pk]})
    assert response.status_code == 302
    assert ActivityPage.objects.get(pk=draft.pk).live
    version = DocumentVersion.objects.get(document=document, number=2)
    assert [c["kind"] for c in version.changes] == ["added"]
