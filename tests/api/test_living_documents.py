"""The living-documents router: the whole document, its versions, one snapshot, comparisons, Dutch problems."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus, CallPage

pytestmark = pytest.mark.django_db

API = "/api/v3/living-documents/"
PROBLEM_JSON = "application/problem+json"


def publish(document, note: str):
    return PublishVersionAction(document, note=note, skip_permission_check=True).execute()


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_document_outline_holds_texts_calls_and_activities_in_reading_order(client, published_document):
    document = published_document(calls=2, activities_per_call=2)
    body = client.get(f"{API}{document.pk}/").json()
    assert body["title"] == document.title
    assert body["url"] == f"https://kvm.example.org{document.url}"
    assert "dynamisch geheel" in body["intro"]
    assert [call["number"] for call in body["calls"]] == [1, 2]
    assert "Tekst van call 1." in body["calls"][0]["body"]
    first = body["calls"][0]["activities"][0]
    assert first["title"] == "Activiteit 1.1"
    assert first["status"] == "planned"
    assert first["status_label"] == "gepland"
    assert first["when"] == "maandelijks"
    assert first["where"] == "Oost"
    assert first["url"] == f"https://kvm.example.org{document.url}call-1/activiteit-1-1/"
    assert first["counts"] == {"endorsements": 0, "organisers": 0, "helpers": 0, "waitlisted": 0}
    assert body["counts"] == {"endorsements": 0}
    assert body["latest_version"]["number"] == 1
    assert body["latest_version"]["note"] == "Eerste versie"


def test_outline_leaves_out_drafts_and_unpublished_pages(client, make_document):
    document = make_document(calls=2, activities_per_call=1)
    CallPage.objects.get(title="Call 2").unpublish()
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    activity.title = "Geheime nieuwe titel"
    activity.save_revision()  # a draft, not published
    body = client.get(f"{API}{document.pk}/").json()
    assert [call["title"] for call in body["calls"]] == ["Call 1"]
    assert body["calls"][0]["activities"][0]["title"] == "Activiteit 1.1"
    assert "Geheime" not in str(body)
    assert body["latest_version"] is None


def test_documents_list_shows_live_documents_with_their_newest_version(
    client, published_document, make_document
):
    first = published_document(calls=1, activities_per_call=1)
    publish(first, "Tweede")
    second = make_document(calls=1, activities_per_call=1)
    hidden = make_document(calls=1, activities_per_call=1)
    hidden.unpublish()
    body = client.get(API).json()
    assert body["count"] == 2
    assert [(item["id"], item["latest_version"]) for item in body["items"]] == [
        (first.pk, 2),
        (second.pk, None),
    ]


def test_versions_list_newest_first_with_notes_and_change_lists(client, published_document):
    document = published_document(calls=1, activities_per_call=2)
    activity = ActivityPage.objects.get(title="Activiteit 1.2")
    activity.status = ActivityStatus.RUNNING
    activity.save_revision().publish()
    publish(document, "Activiteit loopt")
    body = client.get(f"{API}{document.pk}/versions/").json()
    assert body["count"] == 2
    newest, oldest = body["items"]
    assert (newest["number"], newest["note"], oldest["number"]) == (2, "Activiteit loopt", 1)
    assert newest["url"] == f"https://kvm.example.org{document.url}versies/2/"
    assert [(c["kind"], c["title"]) for c in newest["changes"]] == [("status", "Activiteit 1.2")]
    assert newest["changes"][0]["new_status"] == "running"


def test_one_version_returns_its_snapshot_even_after_the_pages_changed(client, published_document):
    document = published_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    activity.title = "Nieuwe naam"
    activity.save_revision().publish()
    body = client.get(f"{API}{document.pk}/versions/1/").json()
    assert body["number"] == 1
    assert body["format"] == 1
    assert body["document"]["title"] == document.title
    assert body["calls"][0]["activities"][0]["title"] == "Activiteit 1.1"


def test_comparison_gives_change_list_and_word_differences(client, published_document):
    document = published_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    activity.title = "Buurtgesprek"
    activity.needs_people = "Twee vrijwilligers"
    activity.save_revision().publish()
    publish(document, "Hernoemd")
    body = client.get(f"{API}{document.pk}/versions/1/compare/2/").json()
    assert (body["old"], body["new"], body["identical"]) == (1, 2, False)
    assert [(c["kind"], c["type"], c.get("field")) for c in body["changes"]] == [
        ("renamed", "activity", "title"),
        ("edited", "activity", "needs_people"),
    ]
    activity_item = body["document"]["children"][0]["items"][0]["children"][0]["items"][0]
    fields = {f["name"]: f for f in activity_item["fields"]}
    assert [(w["op"], w["removed"], w["added"]) for w in fields["title"]["words"]] == [
        ("change", "Activiteit 1.1", "Buurtgesprek")
    ]
    assert [(w["op"], w["removed"], w["added"]) for w in fields["needs_people"]["words"]] == [
        ("change", "—", "Twee vrijwilligers")
    ]
    same = client.get(f"{API}{document.pk}/versions/2/compare/2/").json()
    assert same["identical"] is True and same["changes"] == []


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("999999/", "Er is geen openbaar document met id 999999."),
        ("999999/versions/", "Er is geen openbaar document met id 999999."),
        ("{id}/versions/9/", "Dit document heeft geen versie 9."),
        ("{id}/versions/1/compare/9/", "Dit document heeft geen versie 9."),
    ],
)
def test_unknown_things_are_a_dutch_problem_detail(client, published_document, path, detail):
    document = published_document(calls=1, activities_per_call=1)
    response = client.get(API + path.format(id=document.pk))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "about:blank",
        "title": "Niet gevonden",
        "status": 404,
        "detail": detail,
    }


def test_private_and_unpublished_documents_are_not_found(client, make_document):
    from wagtail.models import PageViewRestriction

    private = make_document(calls=1, activities_per_call=1)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="geheim")
    draft = make_document(calls=1, activities_per_call=1)
    draft.unpublish()
    for document in (private, draft):
        assert client.get(f"{API}{document.pk}/").status_code == 404
        assert client.get(f"{API}{document.pk}/versions/").status_code == 404
    assert client.get(API).json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    ["abc/", "0/", "-4/", "99999999999999999999/", "1/versions/x/", "1/versions/0/compare/1/"],
)
def test_bad_path_input_is_a_422_problem_in_dutch_never_a_500(client, path):
    response = client.get(API + path)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["title"] == "Ongeldige invoer"
    assert body["errors"] and all(error["msg"] for error in body["errors"])
    assert body["errors"][0]["msg"] in {
        "Vul een geheel getal in.",
        "Dit getal is te klein.",
        "Dit getal is te groot.",
    }


def test_too_large_a_page_is_refused_in_dutch(client, make_document):
    make_document(calls=1, activities_per_call=1)
    response = client.get(API, {"limit": 1000})
    assert response.status_code == 400
    assert response.json()["title"] == "Ongeldig verzoek"
    assert response.json()["detail"] == "Vraag hoogstens 100 items tegelijk op (limit)."
    assert client.get(API, {"limit": "veel"}).json()["errors"][0]["msg"] == "Vul een geheel getal in."


def test_outline_query_count_does_not_grow_with_the_document(client, published_document):
    small = published_document(calls=2, activities_per_call=1)
    large = published_document(calls=6, activities_per_call=8)
    small_count = queries_for(client, f"{API}{small.pk}/")
    large_count = queries_for(client, f"{API}{large.pk}/")
    assert small_count == large_count, (small_count, large_count)


def test_list_query_counts_do_not_grow_with_the_page_size(client, make_document):
    for _ in range(2):
        make_document(calls=1, activities_per_call=0)
    small_documents = queries_for(client, API)
    for _ in range(8):
        make_document(calls=1, activities_per_call=0)
    assert queries_for(client, API) == small_documents

    document = make_document(calls=1, activities_per_call=1)
    for note in ("een", "twee"):
        publish(document, note)
    small_versions = queries_for(client, f"{API}{document.pk}/versions/")
    for n in range(10):
        publish(document, f"versie {n}")
    assert queries_for(client, f"{API}{document.pk}/versions/") == small_versions


def test_problems_speak_english_when_asked(client):
    body = client.get(f"{API}999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["title"], body["detail"]) == ("Not found", "There is no public document with id 999999.")
