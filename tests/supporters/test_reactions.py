"""Reactions and suggestions: confirmed by email, public only after an editor approves; a suggestion becomes an activity."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from pages.actions import PublishVersionAction
from pages.models import ActivityPage
from supporters.models import Reaction, ReactionStatus

from .conftest import last_link, reaction_data

pytestmark = pytest.mark.django_db


def test_reaction_waits_for_confirmation_and_moderation_before_it_is_public(
    client, post, admin_user, small_document
):
    _document, call, _activity = small_document
    text = "Mooi initiatief <b>echt</b>"
    post(f"/steun/{call.pk}/reageren/", reaction_data(text=text))
    reaction = Reaction.objects.get()
    assert reaction.status == ReactionStatus.UNCONFIRMED
    assert client.post(last_link()).status_code == 200
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.NEW
    assert "Mooi initiatief" not in client.get(call.url).content.decode()

    client.force_login(admin_user)
    inbox = client.get("/admin/supporters/reaction/?status=new")
    assert inbox.status_code == 200
    assert "Mooi initiatief" in inbox.content.decode()
    review = client.post(f"/admin/supporters/reacties/{reaction.pk}/", {"decision": "approve"})
    assert review.status_code == 302
    client.logout()

    page = client.get(call.url).content.decode()
    assert "Mooi initiatief &lt;b&gt;echt&lt;/b&gt;" in page
    assert "Piet de Vries" in page
    assert "piet@example.org" not in page


def test_unconfirmed_reaction_cannot_be_approved(client, post, admin_user, small_document):
    _document, call, _activity = small_document
    post(f"/steun/{call.pk}/reageren/", reaction_data())
    reaction = Reaction.objects.get()
    client.force_login(admin_user)
    client.post(f"/admin/supporters/reacties/{reaction.pk}/", {"decision": "approve"})
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.UNCONFIRMED


def test_document_reactions_page_lists_approved_reactions(client, post, small_document):
    document, _call, _activity = small_document
    post(
        f"/steun/{document.pk}/reageren/", reaction_data(text="Over het hele document", visibility="initials")
    )
    client.post(last_link())
    url = f"/steun/{document.pk}/reacties/"
    assert "Over het hele document" not in client.get(url).content.decode()
    Reaction.objects.update(status=ReactionStatus.APPROVED)
    page = client.get(url).content.decode()
    assert "Over het hele document" in page
    assert "P. D. V." in page and "Piet" not in page


def test_inbox_filters_by_target_status_and_kind(client, post, admin_user, small_document):
    document, call, _activity = small_document
    post(f"/steun/{document.pk}/reageren/", reaction_data(text="Reactie op document"))
    post(f"/steun/{call.pk}/reageren/", reaction_data(text="Suggestie bij call", kind="suggestion"))
    client.force_login(admin_user)

    def listed(query):
        return BeautifulSoup(
            client.get(f"/admin/supporters/reaction/?{query}").content, "html.parser"
        ).get_text()

    assert "Reactie op document" in listed(f"pagina={document.pk}")
    assert "Suggestie bij call" not in listed(f"pagina={document.pk}")
    assert "Reactie op document" not in listed("kind=suggestion")
    assert "Suggestie bij call" in listed("status=unconfirmed")


def test_suggestion_becomes_draft_activity_then_version_then_one_email(
    client, post, admin_user, small_document, django_capture_on_commit_callbacks
):
    document, call, _activity = small_document
    post(f"/steun/{document.pk}/reageren/", reaction_data(kind="suggestion", text="Een buurtdebat in Noord"))
    client.post(last_link())
    reaction = Reaction.objects.get()

    client.force_login(admin_user)
    review = client.get(f"/admin/supporters/reacties/{reaction.pk}/")
    assert BeautifulSoup(review.content, "html.parser").select_one("form#draft-activity-form")
    response = client.post(
        f"/admin/supporters/reacties/{reaction.pk}/",
        {"decision": "activity", "call": call.pk, "title": "Buurtdebat Noord"},
    )
    assert response.status_code == 302
    activity = ActivityPage.objects.get(title="Buurtdebat Noord")
    assert response["Location"] == f"/admin/pages/{activity.pk}/edit/"
    assert not activity.live and activity.get_parent().pk == call.pk
    assert "Een buurtdebat in Noord" in activity.description
    reaction.refresh_from_db()
    assert reaction.activity_id == activity.pk and reaction.status == ReactionStatus.PROCESSED
    article = BeautifulSoup(client.get(document.url).content, "html.parser").select_one("article.document")
    assert "Buurtdebat Noord" not in article.get_text()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = PublishVersionAction(document, note="Eerste versie", skip_permission_check=True).execute()
    assert mail.outbox == []  # the draft is not in version 1

    with django_capture_on_commit_callbacks(execute=True):
        version = PublishVersionAction(
            document, note="Buurtdebat erbij", user=admin_user, publish_drafts=[activity]
        ).execute()
    assert version.number == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["piet@example.org"]
    assert message.subject == "Uw suggestie is onderdeel van versie 2"
    assert version.full_url in message.body
    assert "https://kvm.example.org/" in message.alternatives[0][0]

    with django_capture_on_commit_callbacks(execute=True):
        PublishVersionAction(document, note="Nog een versie", skip_permission_check=True).execute()
    assert len(mail.outbox) == 1  # one email, not one per version


def test_editor_links_a_reaction_to_an_existing_activity(
    client, post, admin_user, small_document, django_capture_on_commit_callbacks
):
    document, _call, activity = small_document
    post(f"/steun/{activity.pk}/reageren/", reaction_data(text="Dit bedoelde ik al"))
    client.post(last_link())
    Reaction.objects.update(activity=activity)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PublishVersionAction(document, note="Versie", skip_permission_check=True).execute()
    assert [m.subject for m in mail.outbox] == ["Uw suggestie is onderdeel van versie 1"]
