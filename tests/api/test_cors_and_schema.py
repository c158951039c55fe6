"""Cross-origin access only for the listed origins and only under /api/; one OpenAPI schema with interactive docs."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

PARTNER = "https://partner.example"


@override_settings(CORS_ALLOWED_ORIGINS=[PARTNER])
def test_listed_origin_may_read_and_post_the_api(client):
    response = client.get("/api/v3/living-documents/", HTTP_ORIGIN=PARTNER)
    assert response["Access-Control-Allow-Origin"] == PARTNER
    preflight = client.options(
        "/api/v3/living-documents/",
        HTTP_ORIGIN=PARTNER,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == PARTNER
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "content-type" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight


@override_settings(CORS_ALLOWED_ORIGINS=[PARTNER])
def test_other_origins_and_other_paths_get_no_cors_headers(client, make_document):
    document = make_document(calls=0, activities_per_call=0)
    response = client.get("/api/v3/living-documents/", HTTP_ORIGIN="https://elders.example")
    assert "Access-Control-Allow-Origin" not in response
    page = client.get(document.url, HTTP_ORIGIN=PARTNER)
    assert page.status_code == 200
    assert "Access-Control-Allow-Origin" not in page


def test_nothing_is_open_cross_origin_by_default(client, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = client.get("/api/v3/living-documents/", HTTP_ORIGIN=PARTNER)
    assert "Access-Control-Allow-Origin" not in response


def test_cors_origins_come_from_the_environment():
    from tests.test_settings import _python

    code = "import cms.settings.dev as s; print(s.CORS_ALLOWED_ORIGINS)"
    out = _python(code, CORS_ALLOWED_ORIGINS="https://a.example, https://b.example").stdout.strip()
    assert out == "['https://a.example', 'https://b.example']"


def test_one_schema_holds_wagtail_and_project_endpoints(client):
    schema = client.get("/api/v3/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v3/pages/",
        "/api/v3/pages/{page_id}/",
        "/api/v3/living-documents/{document_id}/",
        "/api/v3/living-documents/{document_id}/versions/{number}/",
        "/api/v3/living-documents/{document_id}/versions/{old}/compare/{new}/",
    ):
        assert path in paths
    components = schema["components"]["schemas"]
    activity = components["ActivityPageSchema"]["properties"]
    assert {"status", "needs_people", "needs_means", "when", "where", "public_counts"} <= set(activity)
    assert {"number", "body"} <= set(components["CallPageSchema"]["properties"])
    problem = paths["/api/v3/living-documents/{document_id}/"]["get"]["responses"]["404"]
    assert "application/problem+json" in problem["content"]


def test_interactive_docs_are_served(client):
    response = client.get("/api/v3/docs/")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_docs_use_the_bundled_swagger_files_not_a_cdn(client):
    html = client.get("/api/v3/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html


def test_the_page_cache_never_serves_api_answers(client, settings, make_document):
    settings.KVM_PAGES = {**getattr(settings, "KVM_PAGES", {}), "PAGE_CACHE_SECONDS": 300}
    settings.CORS_ALLOWED_ORIGINS = [PARTNER, "https://tweede.example"]
    document = make_document(calls=1, activities_per_call=0)
    url = f"/api/v3/living-documents/{document.pk}/"
    assert client.get(url, HTTP_ORIGIN=PARTNER)["Access-Control-Allow-Origin"] == PARTNER
    second = client.get(url, HTTP_ORIGIN="https://tweede.example")
    assert second["Access-Control-Allow-Origin"] == "https://tweede.example"
    document.title = "Nieuwe titel zonder publicatie"
    document.save(update_fields=["title"])  # no publish signal, so a cached answer would stay stale
    assert client.get(url).json()["title"] == "Nieuwe titel zonder publicatie"
