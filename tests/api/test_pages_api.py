"""Wagtail's API v3 pages endpoints on this site: the page types' fields, and nothing written or leaked anonymously."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from pages.models import ActivityPage, CallPage

pytestmark = pytest.mark.django_db

PAGES = "/api/v3/pages/"
PROBLEM_JSON = "application/problem+json"


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_call_and_activity_expose_their_fields(client, make_document):
    make_document(calls=1, activities_per_call=1)
    call = CallPage.objects.get()
    activity = ActivityPage.objects.get()
    activity.status = "running"
    activity.needs_people = "Twee gespreksleiders"
    activity.location = "Buurthuis De Meeuw"
    activity.save_revision().publish()

    body = client.get(f"{PAGES}{call.pk}/").json()
    assert body["meta"]["type"] == "pages.CallPage"
    assert body["number"] == 1
    assert body["body"][0]["type"] == "paragraph"
    assert "Tekst van call 1." in body["body"][0]["value"]

    body = client.get(f"{PAGES}{activity.pk}/").json()
    assert body["meta"]["type"] == "pages.ActivityPage"
    assert (body["status"], body["needs_people"]) == ("running", "Twee gespreksleiders")
    assert (body["when"], body["where"]) == ("maandelijks", "Buurthuis De Meeuw, Oost")
    assert body["public_counts"] == {"endorsements": 0, "organisers": 0, "helpers": 0, "waitlisted": 0}


def test_document_exposes_its_texts_with_rich_text_as_display_html(client, make_document):
    document = make_document(calls=0, activities_per_call=0)
    document.intro = f'<p>Zie <a linktype="page" id="{document.pk}">het document</a>.</p>'
    document.save_revision().publish()
    body = client.get(f"{PAGES}{document.pk}/").json()
    assert body["meta"]["type"] == "pages.DocumentPage"
    assert f'href="{document.url}"' in body["intro"]
    assert "linktype" not in body["intro"]
    assert body["closing_title"] == "Tot slot"


def test_listing_by_type(client, make_document):
    make_document(calls=2, activities_per_call=2)
    body = client.get(PAGES, {"type": "pages.ActivityPage"}).json()
    assert body["count"] == 4
    assert {item["meta"]["type"] for item in body["items"]} == {"pages.ActivityPage"}


def test_anonymous_clients_cannot_create_change_publish_or_delete_pages(client, make_document, admin_user):
    document = make_document(calls=1, activities_per_call=1)
    call = CallPage.objects.get()
    before = Page.objects.count()
    client.force_login(admin_user)  # a session is never enough: the API only trusts bearer tokens
    attempts = [
        post_json(
            client,
            PAGES,
            {"meta": {"type": "pages.CallPage", "parent_id": document.pk}, "title": "X", "number": 7},
        ),
        client.patch(f"{PAGES}{call.pk}/", json.dumps({"title": "Gekaapt"}), content_type="application/json"),
        client.delete(f"{PAGES}{call.pk}/"),
        post_json(client, f"{PAGES}{call.pk}/actions/unpublish/", {}),
        post_json(client, f"{PAGES}{call.pk}/actions/publish/", {}),
        post_json(client, f"{PAGES}{call.pk}/actions/copy/", {}),
        client.get(f"{PAGES}{call.pk}/revisions/"),
        client.get("/api/v3/whoami/"),
        client.get("/api/v3/sites/"),
    ]
    for response in attempts:
        assert response.status_code == 401, (response.request, response.content)
        assert response["Content-Type"] == PROBLEM_JSON
        assert response.json()["title"] == "Niet aangemeld"
    call.refresh_from_db()
    assert (Page.objects.count(), call.title, call.live) == (before, "Call 1", True)


def test_a_bad_token_is_refused_too(client, make_document):
    document = make_document(calls=0, activities_per_call=0)
    response = post_json(
        client,
        PAGES,
        {"meta": {"type": "pages.CallPage", "parent_id": document.pk}, "title": "X", "number": 7},
        HTTP_AUTHORIZATION="Bearer niet-geldig",
    )
    assert response.status_code == 401
    assert not CallPage.objects.exists()


def test_drafts_stay_hidden_from_anonymous_clients(client, make_document, make_editor, bearer):
    make_document(calls=1, activities_per_call=0)
    call = CallPage.objects.get()
    call.title = "Nog geheim"
    call.save_revision()
    for params in ({}, {"version": "draft"}):
        assert client.get(f"{PAGES}{call.pk}/", params).json()["title"] == "Call 1"
    # An editor with a token sees the draft: the anonymous answer above is a decision, not an accident.
    token = bearer(make_editor())
    draft = client.get(f"{PAGES}{call.pk}/", {"version": "draft"}, HTTP_AUTHORIZATION=token).json()
    assert draft["title"] == "Nog geheim"


def test_unpublished_and_private_pages_are_not_found_nor_listed(client, make_document):
    document = make_document(calls=2, activities_per_call=1)
    hidden_call = CallPage.objects.get(title="Call 1")
    hidden_call.unpublish()
    private_call = CallPage.objects.get(title="Call 2")
    PageViewRestriction.objects.create(page=private_call, restriction_type="password", password="geheim")
    hidden = [hidden_call, private_call, ActivityPage.objects.child_of(private_call).get()]
    for page in hidden:
        response = client.get(f"{PAGES}{page.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM_JSON
    listed = {item["id"] for item in client.get(PAGES, {"descendant_of": document.pk}).json()["items"]}
    assert listed.isdisjoint(page.pk for page in hidden)
    assert ActivityPage.objects.child_of(hidden_call).get().pk in listed  # still live itself, as on the site


def test_page_list_query_count_does_not_grow_with_the_page(client, make_document):
    make_document(calls=1, activities_per_call=2)
    url = f"{PAGES}?type=pages.ActivityPage&limit=50"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).json()["count"] == 2
    make_document(calls=4, activities_per_call=10)
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).json()["count"] == 42
    assert len(small) == len(large), (len(small), len(large))
