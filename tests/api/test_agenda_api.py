"""The agenda in the headless API: events with confirmed counts, and registering through the same intake."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import ActivityPage, CallPage
from supporters.models import EventRegistration

from ..supporters.test_event_registrations import MEETUP_PARTS


@pytest.fixture
def meetup(make_document, make_event):
    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.child_of(CallPage.objects.child_of(document).get()).get()
    return make_event(activity, parts=MEETUP_PARTS)


def test_events_are_listed_with_counts_and_registering_goes_through_the_intake(
    client, meetup, django_capture_on_commit_callbacks
):
    listing = client.get("/api/v3/agenda/events/").json()
    [item] = listing["items"]
    assert item["id"] == meetup.pk and item["confirmed"] == 0 and item["district"] == "Noord"
    dialogue = next(part for part in item["parts"] if part["name"] == "dialoogsessie")
    assert dialogue["capacity"] == 2 and dialogue["label"] == "dialoogsessie 19.30–20.30"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v3/supporters/events/{meetup.pk}/registrations/",
            {
                "name": "Api Lezer",
                "email": "api@example.org",
                "parts": [dialogue["id"]],
                "guests": 1,
                "consent": True,
            },
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    registration = EventRegistration.objects.get(email="api@example.org")
    assert registration.confirmed_at is None and registration.guests == 1
    assert client.get(f"/api/v3/agenda/events/{meetup.pk}/").json()["confirmed"] == 0
    confirm = re.search(r"https://kvm\.example\.org(/steun/bevestigen/\S+)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    detail = client.get(f"/api/v3/agenda/events/{meetup.pk}/").json()
    assert detail["confirmed"] == 2
    assert next(p for p in detail["parts"] if p["name"] == "dialoogsessie")["confirmed"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "email": "geen-adres", "parts": [], "consent": True},
        {"name": "X", "email": "x@example.org", "parts": [999999], "consent": True},
        {"name": "X", "email": "x@example.org", "guests": 50, "consent": True},
        {"name": "<script>", "email": "x@example.org", "guests": "veel", "consent": True},
    ],
)
def test_bad_registrations_get_a_dutch_problem_and_store_nothing(client, meetup, body):
    response = client.post(
        f"/api/v3/supporters/events/{meetup.pk}/registrations/", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "<script>" not in response.content.decode()
    assert not EventRegistration.objects.exists()
    unknown = {"name": "X", "email": "x@example.org", "consent": True}
    response = client.post(
        "/api/v3/supporters/events/999999/registrations/", unknown, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_events_list_answers_in_a_fixed_number_of_queries(client, meetup, make_event):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v3/agenda/events/").status_code == 200
        return len(captured)

    few = queries()
    for days in range(8, 14):
        make_event(meetup.activity, days=days)
    assert queries() == few
    assert client.get("/api/v3/agenda/events/?district=atlantis").status_code == 404


@pytest.mark.parametrize("parts", [None, []])
def test_a_registration_that_names_no_parts_is_for_the_whole_event(client, meetup, parts):
    body = {"name": "Hele Avond", "email": "hele@example.org", "consent": True}
    if parts is not None:
        body["parts"] = parts
    response = client.post(
        f"/api/v3/supporters/events/{meetup.pk}/registrations/", body, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    registration = EventRegistration.objects.get(email="hele@example.org")
    chosen = set(registration.parts.values_list("part_id", flat=True))
    assert chosen == set(meetup.activity.event_parts.values_list("pk", flat=True)) and len(chosen) == 2
