"""Hostile input through every public route and form: no server error, nothing reflected unescaped, no writes.

The routes and forms come from `endpoints.py`, the inputs from `corpus.py`; adding either extends every test here.
"""

from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .corpus import CORPUS, INTEGERS, is_markup
from .endpoints import API_LIST_PARAMETERS, PUBLIC_FORMS, PUBLIC_ROUTES, QUERY_PARAMETERS, WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def problems_with(response, name: str, value: str, where: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{name} in {where}: HTTP {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if is_markup(value) and value in text:
        found.append(f"{name} in {where}: reflected unescaped")
    return found


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda route: route.name)
def test_public_route_survives_the_corpus(client, public_world, route):
    placeholders = public_world.placeholders
    base = route.url(placeholders)
    assert client.get(base).status_code == 200, f"{route.name}: {base} does not work to begin with"
    problems: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        for name, value in CORPUS:
            query = "&".join(f"{parameter}={encode(value)}" for parameter in QUERY_PARAMETERS)
            problems += problems_with(client.get(f"{base}?{query}"), name, value, "query values")
            problems += problems_with(client.get(f"{base}?{encode(value)}=1"), name, value, "a query name")
            if route.has_param and value:
                path = route.url(placeholders, encode(value))
                problems += problems_with(client.get(path), name, value, "the route parameter")
    writes = [
        q["sql"][:120] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert problems == []
    assert writes == [], "a GET wrote to the database"


API_ROUTES = [route for route in PUBLIC_ROUTES if route.name.startswith("api-")]


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda route: route.name)
def test_api_route_survives_each_integer_parameter_alone(client, public_world, route):
    """One parameter at a time, so that an out-of-range `offset` is not hidden behind a refused `limit`."""
    base = route.url(public_world.placeholders)
    problems: list[str] = []
    for parameter in API_LIST_PARAMETERS:
        for name, value in INTEGERS:
            response = client.get(f"{base}?{parameter}={encode(value)}")
            if response.status_code >= 500:
                problems.append(f"{name} in {parameter}: HTTP {response.status_code}")
            elif response.status_code >= 400 and response["Content-Type"] != "application/problem+json":
                problems.append(f"{name} in {parameter}: {response['Content-Type']}, not a problem detail")
    assert problems == []


def post(client, form, url: str, data: dict):
    if form.json:
        return client.post(url, data, content_type="application/json", **form.headers)
    # URL-encoded by hand: the test client's multipart encoder refuses lone surrogates.
    body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **form.headers)


@pytest.fixture
def submissions_reach_the_services(settings):
    """No minimum fill time and no rate limit bite, so valid submissions are stored and mailed for real."""
    settings.KVM_SUPPORTERS = {
        **getattr(settings, "KVM_SUPPORTERS", {}),
        "MIN_FILL_SECONDS": 0,
        "RATE_PER_IP": "100000/h",
        "RATE_PER_EMAIL": "100000/h",
    }
    settings.ANYMAIL = {**getattr(settings, "ANYMAIL", {}), "WEBHOOK_SECRET": WEBHOOK_SECRET}


@pytest.mark.parametrize("form", PUBLIC_FORMS, ids=lambda form: form.name)
def test_public_form_survives_the_corpus(client, public_world, form, submissions_reach_the_services):
    placeholders = public_world.placeholders
    url = form.url(placeholders)
    base = post(client, form, url, form.data(public_world))
    assert base.status_code < 400, f"{form.name}: its valid data is refused ({base.status_code})"
    problems: list[str] = []
    for field_name in (name.format(**placeholders) for name in form.fields):
        for name, value in CORPUS:
            data = {**form.data(public_world), field_name: value}
            response = post(client, form, url, data)
            if response.status_code not in form.acceptable_statuses:
                problems.append(f"{name} in {field_name}: HTTP {response.status_code}")
            problems += problems_with(response, name, value, field_name)
            if form.stored and form.stored(public_world, field_name, value):
                problems.append(f"{name} in {field_name}: stored")
    assert problems == []


def test_every_public_route_is_probed(public_world):
    """Adding a route to the pages app without adding it here would leave it untested: keep the list whole."""
    assert {route.name for route in PUBLIC_ROUTES} >= {
        "document",
        "call",
        "activity",
        "version-history",
        "version",
        "compare-first",
        "compare-second",
        "feed",
    }


def test_the_stored_check_notices_a_refused_value_that_was_kept(public_world):
    """The harness itself: if a refused address were stored anyway, the endorse form's check must say so."""
    from supporters.models import Endorsement

    endorse = next(form for form in PUBLIC_FORMS if form.name == "supporters-endorse")
    assert not endorse.stored(public_world, "email", "jan.example.org")
    kept = Endorsement.objects.first()
    kept.email = "jan.example.org"
    kept.save()
    assert endorse.stored(public_world, "email", "jan.example.org")
