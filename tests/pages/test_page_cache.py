"""The full-page cache serves anonymous readers without the database, and a publish is visible at once."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.actions import PublishVersionAction
from pages.cache import PublicPageCacheMiddleware, cacheable_route
from pages.models import ActivityPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.KVM_PAGES = {**settings.KVM_PAGES, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    yield
    cache.clear()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def document(make_document):
    return make_document(calls=1, activities_per_call=1)


def test_a_second_anonymous_reader_is_served_from_the_cache(
    client, page_cache, document, django_assert_num_queries
):
    first = client.get(document.url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(document.url)
    assert second.status_code == 200
    assert without_csrf_tokens(second.content) == without_csrf_tokens(first.content)
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_cached_forms_carry_each_readers_own_working_csrf_token(page_cache, document):
    from django.test import Client

    first_reader = Client(enforce_csrf_checks=True)
    second_reader = Client(enforce_csrf_checks=True)
    first_reader.get(document.url)
    page = second_reader.get(document.url)
    tokens = set(re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content))
    assert len(tokens) == 1 and b"__kvm_csrf_token__" not in page.content
    assert second_reader.cookies.get("csrftoken")
    # The token works: the endorse form accepts the post (a CSRF failure would be a 403).
    action = re.search(rb'<form id="endorse-form"[^>]*action="([^"]+)"', page.content).group(1).decode()
    response = second_reader.post(action, {"csrfmiddlewaretoken": tokens.pop().decode(), "name": ""})
    assert response.status_code != 403
    assert first_reader.post(action, {"name": ""}).status_code == 403


def test_publishing_an_activity_shows_at_once(
    client, page_cache, document, django_capture_on_commit_callbacks
):
    activity = ActivityPage.objects.descendant_of(document).get()
    assert "Activiteit 1.1" in client.get(document.url).content.decode()
    assert "Activiteit 1.1" in client.get(activity.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        activity.title = "Nieuwe naam"
        activity.save_revision().publish()
    assert "Nieuwe naam" in client.get(document.url).content.decode()
    assert "Nieuwe naam" in client.get(activity.url).content.decode()


def test_unpublishing_removes_the_page_at_once(
    client, page_cache, document, django_capture_on_commit_callbacks
):
    activity = ActivityPage.objects.descendant_of(document).get()
    assert client.get(activity.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        activity.unpublish()
    assert client.get(activity.url).status_code == 404
    assert "Activiteit 1.1" not in client.get(document.url).content.decode()


def test_deleting_a_page_removes_it_at_once(client, page_cache, document, django_capture_on_commit_callbacks):
    activity = ActivityPage.objects.descendant_of(document).get()
    assert "Activiteit 1.1" in client.get(document.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        activity.delete()
    assert "Activiteit 1.1" not in client.get(document.url).content.decode()


def test_a_new_version_shows_at_once(client, page_cache, document, django_capture_on_commit_callbacks):
    client.get(document.url)
    with django_capture_on_commit_callbacks(execute=True):
        PublishVersionAction(document, note="Een nieuwe versie.", skip_permission_check=True).execute()
    assert "Een nieuwe versie." in client.get(document.url).content.decode()


def test_logged_in_editors_are_never_served_a_cached_page(client, page_cache, document, admin_user):
    client.get(document.url)
    client.force_login(admin_user)
    client.get(document.url)
    assert queries_for(client, document.url) > 0


def test_a_flash_message_cookie_bypasses_the_cache(client, page_cache, document):
    client.get(document.url)
    client.cookies["messages"] = "iets"
    assert queries_for(client, document.url) > 0


def test_off_by_default(client, document):
    client.get(document.url)
    assert queries_for(client, document.url) > 0


def test_a_page_that_sets_a_cookie_is_not_cached(rf, page_cache):
    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("formulier")
        response.set_cookie("csrftoken", "x")
        return response

    middleware = PublicPageCacheMiddleware(view)
    middleware(rf.get("/formulier/"))
    middleware(rf.get("/formulier/"))
    assert len(calls) == 2


def test_a_confirmed_endorsement_shows_at_once_on_a_cached_page(
    client, page_cache, document, django_capture_on_commit_callbacks
):
    from supporters.models import Endorsement

    activity = ActivityPage.objects.descendant_of(document).get()

    def count() -> str:
        page = BeautifulSoup(client.get(document.url).content, "html.parser")
        return page.select_one(f"#activiteit-{activity.pk} [data-endorsement-count]")[
            "data-endorsement-count"
        ]

    assert count() == "0"
    with django_capture_on_commit_callbacks(execute=True):
        Endorsement.objects.create(
            target=activity, name="Lezer", email="lezer@example.org", confirmed_at=timezone.now()
        )
    assert count() == "1"


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("newsletter:confirm", {"token": "t"}),
        ("newsletter:preferences", {"token": "t"}),
        ("newsletter:unsubscribe", {"token": "t"}),
        ("outreach:answer", {"token": "t"}),
        ("outreach:commitment", {"token": "t"}),
        ("newsletter:preferences_request", {}),
        ("supporters:confirm", {"kind": "steun", "token": "t"}),
        ("supporters:change", {"token": "t"}),
        ("supporters:registration_cancel", {"token": "t"}),
        ("supporters:data_request", {}),
        ("supporters:data_export", {"token": "t"}),
        ("supporters:data_erase", {"token": "t"}),
        ("supporters:reactions", {"page_id": 1}),
        ("healthz", {}),
    ],
)
def test_only_allow_listed_routes_are_cacheable(name, kwargs):
    assert not cacheable_route(reverse(name, kwargs=kwargs))


def test_every_allow_listed_route_exists_and_public_pages_are_cacheable():
    from django.urls import get_resolver

    def view_names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from view_names(pattern, namespace)
            elif pattern.name:
                yield prefix + pattern.name

    known = set(view_names(get_resolver()))
    assert set(settings_routes()) <= known, set(settings_routes()) - known
    for path in (
        "/",
        "/een-pagina/",
        "/een-pagina/versies/1...2/",
        "/agenda/",
        "/kandidaten/",
        "/robots.txt",
    ):
        assert cacheable_route(path), path


def settings_routes():
    from pages.conf import pages_setting

    return pages_setting("PAGE_CACHE_ROUTES")
