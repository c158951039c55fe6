"""Hostile input through every public route and form: no server error, nothing reflected unescaped, no writes.

The routes and forms come from `endpoints.py`, the inputs from `corpus.py`; adding either extends every test here.
"""

from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .corpus import CORPUS, is_markup
from .endpoints import PUBLIC_FORMS, PUBLIC_ROUTES, QUERY_PARAMETERS

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


@pytest.mark.parametrize("form", PUBLIC_FORMS, ids=lambda form: form.name)
def test_public_form_survives_the_corpus(client, public_world, form):
    url = form.url(public_world.placeholders)
    problems: list[str] = []
    for field_name in form.fields:
        for name, value in CORPUS:
            data = {**form.data(public_world), field_name: value}
            if form.json:
                response = client.post(url, data, content_type="application/json")
            else:
                # URL-encoded by hand: the test client's multipart encoder refuses lone surrogates.
                body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")
                response = client.post(url, body, content_type="application/x-www-form-urlencoded")
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
