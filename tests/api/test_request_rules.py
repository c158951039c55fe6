"""What the API refuses before any endpoint runs: bodies that are not JSON (415), and list bounds out of range (400).

A browser posts `text/plain` or a form across sites without a CORS preflight, so a write endpoint that parsed
such a body as JSON could be made to endorse or subscribe in a visitor's name. And an offset past what the
database can hold (`9223372036854775808`) used to reach PostgreSQL and answer 500 on every list.
"""

import re

import pytest

from newsletter.models import Subscriber
from supporters.models import Endorsement, Reaction, SignUp

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
OUT_OF_RANGE = ["9223372036854775808", "92233720368547758080000", "2147483648", "-9223372036854775809"]


@pytest.fixture
def ids(published_document):
    from pages.models import ActivityPage

    document = published_document(calls=1, activities_per_call=1)
    activity = ActivityPage.objects.descendant_of(document).first()
    return {"document_id": document.pk, "page_id": activity.pk}


def schema_operations(client, method: str):
    schema = client.get("/api/v3/openapi.json").json()
    for path, operations in schema["paths"].items():
        if method in operations:
            yield path, operations[method]


def fill(path: str, ids: dict[str, int]) -> str | None:
    """The path with its parameters filled in from `ids`; None if one cannot be (e.g. a snippet type)."""
    filled = re.sub(r"\{(\w+)\}", lambda match: str(ids.get(match.group(1), "{?}")), path)
    return None if "{?}" in filled else filled


def project_writes(client, ids):
    from tests.api.test_contract import project_path_regex

    selection = re.compile(project_path_regex())
    writes = [
        (url, details)
        for path, details in schema_operations(client, "post")
        if selection.match(path) and "requestBody" in details and (url := fill(path, ids)) is not None
    ]
    assert len(writes) >= 4
    return writes


def stored() -> int:
    return (
        Endorsement.objects.count()
        + SignUp.objects.count()
        + Reaction.objects.count()
        + Subscriber.objects.count()
    )


VALID_BODY = {
    "name": "Jan Jansen",
    "email": "jan@example.org",
    "visibility": "initials",
    "consent": True,
    "role": "helper",
    "kind": "reaction",
    "text": "Goed plan.",
    "audiences": ["residents"],
    "frequency": "every",
}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ],
)
def test_write_endpoints_refuse_bodies_that_are_not_json(client, ids, content_type):
    import json

    for url, details in project_writes(client, ids):
        response = client.post(url, json.dumps(VALID_BODY), content_type=content_type)
        assert response.status_code == 415, (url, response.content)
        assert response["Content-Type"] == PROBLEM
        assert "application/json" in response.json()["detail"]
        assert "415" in details["responses"]
    assert stored() == 0


def test_json_with_a_charset_is_accepted(client, ids, settings):
    import json

    settings.KVM_SUPPORTERS = {**getattr(settings, "KVM_SUPPORTERS", {}), "RATE_PER_IP": "1000/h"}
    url = f"/api/v3/supporters/pages/{ids['page_id']}/endorsements/"
    response = client.post(url, json.dumps(VALID_BODY), content_type="application/json; charset=utf-8")
    assert response.status_code == 202
    assert Endorsement.objects.count() == 1


def test_every_api_list_refuses_an_out_of_range_offset_with_a_problem(client, ids, bearer, admin_user):
    # With an editor's token, so that the lists only editors may read are reached too.
    token = bearer(admin_user)
    lists = [
        (fill(path, ids), details)
        for path, details in schema_operations(client, "get")
        if any(parameter["name"] == "offset" for parameter in details.get("parameters", []))
    ]
    lists = [(url, details) for url, details in lists if url]
    assert {"/api/v3/living-documents/", "/api/v3/pages/", "/api/v3/images/"} <= {url for url, _ in lists}
    for url, _details in lists:
        for value in OUT_OF_RANGE:
            response = client.get(f"{url}?offset={value}", HTTP_AUTHORIZATION=token)
            assert response.status_code in (400, 422), (url, value, response.status_code)
            assert response["Content-Type"] == PROBLEM, (url, value)
            if not value.startswith("-"):
                assert response.status_code == 400, (url, value)
                assert response.json()["errors"][0]["loc"] == ["query", "offset"]
        assert client.get(f"{url}?offset=0", HTTP_AUTHORIZATION=token).status_code == 200, url


def test_out_of_range_limits_are_a_400_with_the_maximum(client, ids):
    response = client.get("/api/v3/living-documents/?limit=6227020801")
    assert response.status_code == 400
    assert "100" in response.json()["detail"]
    pages = client.get("/api/v3/pages/?limit=9223372036854775808")
    assert pages.status_code == 400
    assert pages["Content-Type"] == PROBLEM


@pytest.mark.parametrize("site", ["localhost:abc", "localhost: “%(title)s”", "localhost:²"])
def test_wagtails_site_filter_with_a_port_that_is_no_number_is_a_problem_not_a_500(client, ids, site):
    response = client.get("/api/v3/pages/find/", {"html_path": "/", "site": site})

    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    assert "poortnummer" in response.json()["detail"]


def test_wagtails_site_filter_still_finds_a_site_by_hostname_and_port(client, ids):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    response = client.get("/api/v3/pages/find/", {"html_path": "/", "site": f"{site.hostname}:{site.port}"})

    assert response.status_code in (200, 302)
