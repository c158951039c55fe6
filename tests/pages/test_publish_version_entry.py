"""Where an editor finds "Nieuwe versie publiceren": as an action of its own in the document's edit view header, in
its publish menu, on the dashboard; and while the form is open the admin menu marks "Pagina's" (issue 12)."""

import json

import pytest
from bs4 import BeautifulSoup

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, DocumentVersion

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def publish_url(document) -> str:
    return f"/admin/pages/{document.pk}/publish-version/"


def test_the_edit_view_header_shows_the_action_itself_not_only_in_the_more_menu(
    client, make_document, make_editor
):
    document = make_document(calls=1, activities_per_call=1)
    client.force_login(make_editor(can_publish=True))
    page = soup(client.get(f"/admin/pages/{document.pk}/edit/"))
    header_actions = page.select_one("#w-slim-header-buttons")
    top_level = [
        link
        for link in header_actions.find_all("a", recursive=True)
        if not link.find_parent(attrs={"data-controller": "w-dropdown"})
    ]
    assert [link["href"] for link in top_level if link.get("data-kvm-action")] == [publish_url(document)]
    assert "Nieuwe versie publiceren" in " ".join(link.get_text(" ", strip=True) for link in top_level)
    # Shown once in the header: not again in its "…" menu.
    assert len(header_actions.select("[data-kvm-action=publish-version]")) == 1
    # And in the publish menu at the foot of the editor, beside Wagtail's own "Publiceren".
    footer = page.select_one("footer")
    assert footer.select_one(f"a[href='{publish_url(document)}']")


def test_a_call_or_an_editor_without_publish_rights_gets_no_such_action(client, make_document, make_editor):
    document = make_document(calls=1, activities_per_call=1)
    call = document.get_children().first()
    client.force_login(make_editor(can_publish=True))
    assert "data-kvm-action" not in client.get(f"/admin/pages/{call.pk}/edit/").content.decode()
    client.force_login(make_editor(can_publish=False))
    edit = client.get(f"/admin/pages/{document.pk}/edit/").content.decode()
    assert publish_url(document) not in edit
    refused = client.get(publish_url(document))  # Wagtail answers PermissionDenied with the dashboard
    assert (refused.status_code, refused.url) == (302, "/admin/")


def test_the_dashboard_lists_the_document_with_its_version_drafts_and_the_action(
    client, make_document, make_editor
):
    document = make_document(calls=1, activities_per_call=2)
    PublishVersionAction(document, note="Eerste versie.", skip_permission_check=True).execute()
    activity = ActivityPage.objects.descendant_of(document).first()
    activity.title = "Nieuwe titel"
    activity.save_revision()
    client.force_login(make_editor(can_publish=True))
    panel = soup(client.get("/admin/")).select_one("#kvm-documents")
    row = panel.select_one(f"tr[data-document-id='{document.pk}']")
    text = row.get_text(" ", strip=True)
    version = DocumentVersion.objects.get(document=document)
    assert f"Versie 1 — {version.published_at.day} " in text
    assert "1 pagina met wijzigingen" in text
    assert row.select_one("a[data-kvm-action=publish-version]")["href"] == publish_url(document)
    client.force_login(make_editor(can_publish=False))
    assert soup(client.get("/admin/")).select_one("#kvm-documents") is None


def test_the_admin_menu_marks_pages_while_the_form_is_open(client, make_document, make_editor):
    """Wagtail's sidebar marks the menu item with the longest URL that starts the current path (its sidebar.js);
    at /admin/documents/… that was Wagtail's "Documenten"."""
    document = make_document(calls=1, activities_per_call=1)
    client.force_login(make_editor(can_publish=True))
    page = soup(client.get(publish_url(document)))
    props = json.loads(page.select_one("#wagtail-sidebar-props").string)
    urls: dict[str, str] = {}

    def walk(value):
        if isinstance(value, dict):
            args = value.get("_args")
            if value.get("_type", "").startswith("wagtail.sidebar.") and isinstance(args, list) and args:
                item = args[0]
                if isinstance(item, dict) and item.get("url"):
                    urls[item["url"]] = item["label"]
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(props)
    path = publish_url(document)
    active = max((url for url in urls if path.startswith(url)), key=len)
    assert urls[active] == "Pagina's"
