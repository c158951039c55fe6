"""The privacy scan that every API test runs under (tests/api/conftest.py) finds what it must find."""

import pytest
from django.http import HttpResponse, JsonResponse

from .conftest import personal_data_in, response_text

pytestmark = pytest.mark.django_db


def test_scan_flags_addresses_except_published_contact_addresses():
    text = "Mail piet.jansen+kvm@voorbeeld.nl of info@krachtvanmokum.nl"
    found = personal_data_in(text, allowed_addresses={"info@krachtvanmokum.nl"}, private_values=set())
    assert found == ["piet.jansen+kvm@voorbeeld.nl"]


def test_scan_flags_private_values_in_json_whatever_the_escaping():
    response = JsonResponse({"people": ["Zoë de Vries"]})  # serialised as "Zo\\u00eb de Vries"
    assert "\\u00eb" in response.content.decode()
    found = personal_data_in(
        response_text(response), allowed_addresses=set(), private_values={"zoë de vries"}
    )
    assert found == ["zoë de vries"]


def test_scan_reads_plain_text_bodies_too():
    response = HttpResponse("contact: a@b.nl", content_type="text/plain")
    assert personal_data_in(response_text(response), allowed_addresses=set(), private_values=set()) == [
        "a@b.nl"
    ]


def test_every_api_response_of_a_test_is_recorded(client, api_responses):
    client.get("/api/v3/living-documents/")
    client.get("/api/v3/supporters/consent-texts/")
    client.get(
        "/api/v3/openapi.json"
    )  # documentation written in code (its examples are nobody's): not recorded
    client.get("/")  # not the API: not recorded
    assert [(method, path) for method, path, _response in api_responses] == [
        ("GET", "/api/v3/living-documents/"),
        ("GET", "/api/v3/supporters/consent-texts/"),
    ]


def test_short_private_values_count_only_as_whole_strings():
    private = {"Anna"}
    assert personal_data_in('{"name": "Anna"}', allowed_addresses=set(), private_values=private) == ["Anna"]
    assert personal_data_in('{"detail": "Vannacht"}', allowed_addresses=set(), private_values=private) == []
