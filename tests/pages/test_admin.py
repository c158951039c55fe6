"""Editors work on all three page types in the Wagtail admin, with Wagtail's revisions."""

import pytest

from pages.models import ActivityPage, CallPage

pytestmark = pytest.mark.django_db


def test_admin_login_page_and_dashboard(client, admin_user):
    assert client.get("/admin/login/").status_code == 200
    response = client.post("/admin/login/", {"username": "beheer", "password": "geheim-wachtwoord-123"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_editor_opens_each_page_type_and_its_revisions(client, admin_user, make_document):
    document = make_document(calls=1, activities_per_call=1)
    call = CallPage.objects.child_of(document).get()
    activity = ActivityPage.objects.child_of(call).get()
    client.force_login(admin_user)
    for page in (document, call, activity):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
        assert client.get(f"/admin/pages/{page.pk}/history/").status_code == 200
    assert client.get(f"/admin/pages/add/pages/activitypage/{call.pk}/").status_code == 200


def test_editor_saves_a_draft_of_an_activity_through_the_admin(client, admin_user, make_document):
    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.descendant_of(document).get()
    client.force_login(admin_user)
    data = {
        "title": "Andere titel",
        "slug": activity.slug,
        "status": "running",
        "description": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"Nieuw","inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "needs_people": "",
        "needs_means": "",
        "when_text": "",
        "district": "",
        "location": "",
        # The activity's events and their parts are inline formsets: an edit without them sends empty ones.
        **{
            f"{prefix}-{key}": value
            for prefix in ("event_parts", "events")
            for key, value in {
                "TOTAL_FORMS": "0",
                "INITIAL_FORMS": "0",
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "1000",
            }.items()
        },
    }
    response = client.post(f"/admin/pages/{activity.pk}/edit/", data)
    assert response.status_code == 302, response.content[:2000]
    activity.refresh_from_db()
    assert activity.title == "Activiteit 1.1"  # still live as before
    assert activity.has_unpublished_changes
    assert activity.get_latest_revision_as_object().title == "Andere titel"


def test_revisions_compare_and_rollback_work_on_every_page_type(client, admin_user, make_document):
    document = make_document(calls=1, activities_per_call=1)
    call = CallPage.objects.child_of(document).get()
    activity = ActivityPage.objects.child_of(call).get()
    client.force_login(admin_user)
    for page in (document, call, activity):
        first = page.get_latest_revision() or page.save_revision(user=admin_user)
        page.title = f"{page.title} (herzien)"
        second = page.save_revision(user=admin_user)
        compare = client.get(f"/admin/pages/{page.pk}/revisions/compare/{first.pk}...{second.pk}/")
        assert compare.status_code == 200
        assert "(herzien)" in compare.content.decode()
        revert = client.get(f"/admin/pages/{page.pk}/revisions/{first.pk}/revert/")
        assert revert.status_code == 200


def test_scheduled_publishing_goes_live_through_wagtails_command(make_document):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.descendant_of(document).get()
    activity.title = "Gepland voor later"
    revision = activity.save_revision()
    revision.approved_go_live_at = timezone.now() - dt.timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled", stdout=io.StringIO())
    activity.refresh_from_db()
    assert activity.title == "Gepland voor later"


def test_an_activity_goes_through_wagtails_default_moderation_workflow(client, make_document, make_editor):
    from wagtail.models import Workflow

    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.descendant_of(document).get()
    editor = make_editor(can_publish=False)
    workflow = Workflow.objects.get(name="Moderators approval")
    activity.title = "Ter goedkeuring"
    activity.save_revision(user=editor)
    workflow.start(activity, editor)
    activity.refresh_from_db()
    assert activity.workflow_in_progress
    assert activity.current_workflow_state.workflow == workflow
