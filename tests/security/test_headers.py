"""Public pages carry a strict Content-Security-Policy and use no inline script or style; the admin still works."""

import pytest
from bs4 import BeautifulSoup

from pages.models import ActivityPage, CallPage

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_public_pages_send_a_policy_without_inline_script_or_style(client, public_world):
    for url in public_world.public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert not any("unsafe" in source for sources in policy.values() for source in sources), url


def test_public_pages_have_no_inline_script_style_or_event_handler(client, public_world):
    for url in public_world.html_urls():
        page = BeautifulSoup(client.get(url).content, "html.parser")
        assert page.h1, url
        assert [s for s in page.find_all("script") if not s.get("src")] == [], url
        assert page.find_all("style") == [], url
        assert page.select("[style]") == [], url
        handlers = [
            (tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs if attr.startswith("on")
        ]
        assert handlers == [], url


def test_the_admin_gets_its_own_policy_that_allows_nothing_from_elsewhere(client, admin_user):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert all(source in {"'self'", "'unsafe-inline'"} for source in policy["script-src"])


def test_editors_still_open_the_admin_pages_under_the_policy(client, admin_user, make_document):
    document = make_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.child_of(CallPage.objects.child_of(document).get()).get()
    client.force_login(admin_user)
    for url in ("/admin/", f"/admin/pages/{activity.pk}/edit/", f"/admin/pages/{document.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" in directives(response)["script-src"]


def test_the_healthz_view_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
