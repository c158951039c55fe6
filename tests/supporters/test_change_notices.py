"""When a version removes or substantially changes an activity, its supporters hear once and can keep, move or withdraw."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus
from supporters.models import ChangeNotice, Endorsement, SignUp

from .conftest import endorse_data, last_link, link_in, signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def run(document, note="Nieuwe versie"):
        with django_capture_on_commit_callbacks(execute=True):
            return PublishVersionAction(document, note=note, skip_permission_check=True).execute()

    return run


@pytest.fixture
def supported(client, post, small_document, publish):
    """Version 1 of a document whose first activity Jan endorses and signs up for, and Anna endorses."""
    document, _call, activity = small_document
    for data, url in (
        (endorse_data(), f"/steun/{activity.pk}/steunen/"),
        (signup_data(email="jan@example.org", name="Jan Jansen"), f"/steun/{activity.pk}/aanmelden/"),
        (endorse_data(email="anna@example.org", name="Anna"), f"/steun/{activity.pk}/steunen/"),
        (endorse_data(email="alleen-doc@example.org"), f"/steun/{document.pk}/steunen/"),
    ):
        post(url, data)
        client.post(last_link())
    publish(document, "Versie 1")
    mail.outbox.clear()
    return document, activity


def _republish(activity, **fields):
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.save_revision().publish()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"status": ActivityStatus.DROPPED}, "gepland → vervallen"),
        ({"status": ActivityStatus.DONE}, "gepland → afgerond"),
        ({"title": "Nieuwe naam"}, "heet nu “Nieuwe naam”"),
    ],
)
def test_substantial_change_sends_one_email_per_person(supported, publish, change, expected):
    document, activity = supported
    _republish(activity, **change)
    version = publish(document)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@example.org",
        "jan@example.org",
    ]  # Jan once, not twice
    jan = next(m for m in mail.outbox if m.to == ["jan@example.org"])
    assert "versie 2" in jan.subject
    assert expected in jan.body
    assert "https://kvm.example.org/steun/wijziging/" in jan.body
    assert version.full_url in jan.body
    assert ChangeNotice.objects.filter(version=version).count() == 2
    from supporters.services import change_notices_send

    assert change_notices_send(version=version) == 0  # running the task again sends nothing
    assert len(mail.outbox) == 2


def test_removed_and_moved_activities_notify(supported, publish, small_document):
    document, activity = supported
    other = ActivityPage.objects.descendant_of(document).exclude(pk=activity.pk).live().last()
    activity.unpublish()
    version = publish(document)
    assert len(mail.outbox) == 2
    assert "Activiteit verwijderd" in mail.outbox[0].body
    assert version.changes

    mail.outbox.clear()
    activity.save_revision().publish()
    publish(document)  # it came back: an addition, nobody is told
    assert mail.outbox == []
    activity.refresh_from_db()
    activity.move(other.get_parent(), pos="last-child")
    publish(document)
    assert len(mail.outbox) == 2
    assert "verplaatst van call 1 naar call 2" in mail.outbox[0].body


def test_a_deleted_activity_still_notifies_its_supporters(supported, publish):
    document, activity = supported
    activity_id = activity.pk
    activity.delete()
    assert Endorsement.objects.filter(former_page_id=activity_id).count() == 2
    publish(document, "Activiteit geschrapt")
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "jan@example.org"]
    assert "Activiteit verwijderd" in mail.outbox[0].body


def test_text_edits_and_other_activities_do_not_notify(supported, publish):
    document, activity = supported
    _republish(activity, description="<p>Andere beschrijving.</p>", status=ActivityStatus.RUNNING)
    publish(document)
    assert mail.outbox == []


def test_keep_move_or_withdraw_through_the_signed_link(client, supported, publish):
    document, activity = supported
    other = ActivityPage.objects.descendant_of(document).exclude(pk=activity.pk).live().first()
    _republish(activity, status=ActivityStatus.DROPPED)
    publish(document)
    jan_mail = next(m for m in mail.outbox if m.to == ["jan@example.org"])
    link = link_in(jan_mail)

    page = client.get(link)
    assert page.status_code == 200
    fieldsets = BeautifulSoup(page.content, "html.parser").select("form#change-form > fieldset")
    assert len(fieldsets) == 2  # his endorsement and his sign-up
    endorsement = Endorsement.objects.get(email="jan@example.org")
    signup = SignUp.objects.get(email="jan@example.org")

    bad = client.post(link, {f"e{endorsement.pk}-action": "move", f"s{signup.pk}-action": "keep"})
    assert bad.status_code == 400  # moving needs a destination
    response = client.post(
        link,
        {
            f"e{endorsement.pk}-action": "move",
            f"e{endorsement.pk}-move_to": other.pk,
            f"s{signup.pk}-action": "withdraw",
        },
    )
    assert response.status_code == 200
    endorsement.refresh_from_db()
    assert endorsement.target_id == other.pk
    assert not SignUp.objects.filter(email="jan@example.org").exists()
    assert Endorsement.objects.get(email="anna@example.org").target_id == activity.pk  # Anna kept hers

    tampered = link[:-3] + "xyz/"
    assert client.get(tampered).status_code == 400


def test_the_change_link_carries_no_address(supported, publish, client):
    from tests.supporters.test_tokens_and_queue import readable_parts

    document, activity = supported
    _republish(activity, title="Nieuwe naam")
    publish(document)
    jan = next(m for m in mail.outbox if m.to == ["jan@example.org"])
    link = link_in(jan, r"https://kvm\.example\.org/steun/wijziging/\S+")
    assert "jan@example.org" not in readable_parts(link) and "jan@" not in readable_parts(link)
    assert client.get(link).status_code == 200
