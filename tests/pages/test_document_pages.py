"""The public document, call and activity pages, their editing rules, and the article's query count."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import ActivityPage, ActivityStatus, CallPage, DocumentPage, InfoPage

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_document_shows_intro_calls_activities_closing_and_contact(client, make_document):
    document = make_document(calls=3, activities_per_call=2)
    response = client.get(document.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == document.title
    assert "dynamisch geheel" in page.select_one(".intro").get_text()
    assert [h.get_text(strip=True) for h in page.select("section.call > h2")] == [
        "1. Call 1",
        "2. Call 2",
        "3. Call 3",
    ]
    activities = page.select("article.activity")
    assert len(activities) == 6
    first = activities[0]
    assert first.select_one("a")["href"].endswith("/call-1/activiteit-1-1/")
    assert "gepland" in first.select_one(".status-badge").get_text()
    assert "maandelijks" in first.get_text()
    assert "coördinatiegroep is klein" in page.select_one(".closing").get_text()
    assert page.select_one('.contact a[href="mailto:info@krachtvanmokum.nl"]')


def test_draft_and_unpublished_activities_stay_off_the_public_page(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    activity.title = "Nieuwe titel in concept"
    activity.save_revision()
    activity.refresh_from_db()
    second = ActivityPage(title="Nog niet gepubliceerd", slug="niet-live", live=False)
    CallPage.objects.get(title="Call 1", slug="call-1").add_child(instance=second)
    text = soup(client.get(document.url)).get_text()
    assert "Activiteit 1.1" in text
    assert "Nieuwe titel in concept" not in text
    assert "Nog niet gepubliceerd" not in text


def test_call_and_activity_have_their_own_pages(client, make_document):
    make_document(calls=1, activities_per_call=1, slug="doc")
    call = CallPage.objects.get(slug="call-1")
    activity = ActivityPage.objects.get(slug="activiteit-1-1")
    activity.status = ActivityStatus.RUNNING
    activity.needs_people = "Twee vrijwilligers"
    activity.save_revision().publish()

    call_page = soup(client.get(call.url))
    assert call_page.h1.get_text() == "1. Call 1"
    assert call_page.select_one("article.activity a").get_text() == "Activiteit 1.1"

    response = client.get(activity.url)
    assert response.status_code == 200
    activity_page = soup(response)
    assert activity_page.h1.get_text() == "Activiteit 1.1"
    facts = activity_page.select_one("dl.facts").get_text(" ", strip=True)
    assert "loopt" in facts
    assert "Twee vrijwilligers" in facts
    assert [a.get_text(strip=True) for a in activity_page.select(".breadcrumb a")][-1] == "1. Call 1"


def test_pages_only_nest_document_call_activity():
    assert DocumentPage.allowed_subpage_models() == [CallPage, InfoPage]
    assert CallPage.allowed_parent_page_models() == [DocumentPage]
    assert InfoPage.allowed_parent_page_models() == [DocumentPage]
    assert InfoPage.allowed_subpage_models() == []
    assert CallPage.allowed_subpage_models() == [ActivityPage]
    assert ActivityPage.allowed_parent_page_models() == [CallPage]
    assert ActivityPage.allowed_subpage_models() == []


def test_two_calls_cannot_share_a_number(make_document):
    from django.core.exceptions import ValidationError

    document = make_document(calls=1, activities_per_call=0)
    duplicate = CallPage(title="Dubbel", slug="dubbel", number=1)
    duplicate._parent_for_validation = document
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "number" in error.value.message_dict


def test_activity_when_reads_as_a_person_would_say_it():
    import datetime as dt

    assert ActivityPage(when_text="rond begin maart 2022").when == "rond begin maart 2022"
    assert ActivityPage(starts_on=dt.date(2021, 11, 2)).when == "2 november 2021"
    assert ActivityPage(location="Buurthuis", district="Oost").where == "Buurthuis, Oost"


def _queries_for(client, url) -> int:
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_article_query_count_does_not_grow_with_the_document(client, make_document):
    small = make_document(calls=5, activities_per_call=1)
    large = make_document(calls=5, activities_per_call=100)
    assert ActivityPage.objects.descendant_of(large).count() == 500
    small_count = _queries_for(client, small.url)
    large_count = _queries_for(client, large.url)
    assert small_count == large_count, (small_count, large_count)
    # Wagtail's routing and view restrictions (9), the latest version, sign-up and endorsement counts, outreach
    # kinds (4), and the site's navigation, worked out once per request (3).
    assert small_count <= 16
