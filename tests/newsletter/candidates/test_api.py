"""The API exposes the overview: counts and consented texts only."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_lists_parties_and_one_partys_counts_and_consented_texts(client, overview_world):
    _document, _version, answer = overview_world
    answer("Oorschot", 1, "support", "Wijkbudgetten nu.", publish=True)
    answer("Blikkert", 1, "partly", "Geheime overweging van Krisje.")
    response = client.get("/api/v3/candidates/parties/")
    assert response.status_code == 200
    data = response.json()
    assert data["election"]["identifier"] == "GR2026_Amsterdam"
    assert [(p["number"], p["slug"], p["candidates"], p["answered"]) for p in data["parties"]] == [
        (1, "groenlinks", 12, 2),
        (2, "partij-van-de-arbeid-pvda", 3, 0),
        (3, "partij-voor-de-dieren", 2, 0),
    ]
    party = client.get("/api/v3/candidates/parties/groenlinks/").json()
    assert party["calls"][0] == {
        "number": 1,
        "title": party["calls"][0]["title"],
        "support": 1,
        "partly": 1,
        "no": 0,
    }
    assert party["explanations"] == [
        {
            "call_number": 1,
            "stance": "support",
            "name": "Annemieke Oorschot",
            "position": 1,
            "text": "Wijkbudgetten nu.",
        }
    ]
    body = json.dumps(party, ensure_ascii=False)
    assert "Krisje" not in body and "Geheime" not in body and "@" not in body


def test_an_unknown_party_is_a_problem_404(client, overview_world):
    response = client.get("/api/v3/candidates/parties/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
