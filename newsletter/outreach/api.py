"""The candidates' overview in the headless API: per party the counts per call and the explanations their authors
allowed to be published with their name. Nothing else about a person: no address, no unconsented text.

Mounted by the site at `/api/v3/candidates/` (see `cms/api.py`); the same selectors as the `kandidaten/` pages.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema

from pages.api import ApiProblem, operation
from pages.conf import pages_setting

from .overview import current_election, latest_calls, party_lists, party_overview

router = Router(tags=["candidates"])

ELECTION_EXAMPLE = {
    "identifier": "GR2026_Amsterdam",
    "name": "Gemeenteraad Amsterdam 2026",
    "domain": "Amsterdam",
    "date": "2026-03-18",
}
PARTY_SUMMARY_EXAMPLE = {
    "slug": "partij-voor-de-buurt",
    "number": 3,
    "name": "Partij voor de Buurt",
    "candidates": 12,
    "answered": 4,
}
PARTIES_EXAMPLE = {"election": ELECTION_EXAMPLE, "parties": [PARTY_SUMMARY_EXAMPLE]}
PARTY_EXAMPLE = {
    **PARTY_SUMMARY_EXAMPLE,
    "calls": [{"number": 1, "title": "Democratisering", "support": 3, "partly": 1, "no": 0}],
    "explanations": [
        {
            "call_number": 1,
            "stance": "Ik steun deze call",
            "name": "Charèl van der Spek",
            "position": 2,
            "text": "Wij doen mee.",
        }
    ],
    "dialogue_yes": 5,
    "dialogue_no": 1,
    "party_leader_answer": "ja",
    "programme_response_url": None,
}


class ElectionOut(Schema):
    """The election whose lists are shown."""

    identifier: str
    name: str
    domain: str
    date: str | None


class PartySummaryOut(Schema):
    """One party's list: its number and name, how many candidates are on it and how many answered."""

    slug: str
    number: int
    name: str
    candidates: int
    answered: int


class PartiesOut(Schema):
    election: ElectionOut | None
    parties: list[PartySummaryOut]


class CallCountsOut(Schema):
    """One call's answers from the party's candidates: counts only."""

    number: int
    title: str
    support: int
    partly: int
    no: int


class ExplanationOut(Schema):
    """An explanation its author allowed to be published with their name."""

    call_number: int | str
    stance: str
    name: str
    position: int | None
    text: str


class PartyOut(PartySummaryOut):
    calls: list[CallCountsOut]
    explanations: list[ExplanationOut]
    dialogue_yes: int
    dialogue_no: int
    party_leader_answer: str
    programme_response_url: str | None


def _election(election) -> dict | None:
    if election is None:
        return None
    return {
        "identifier": election.identifier,
        "name": election.name,
        "domain": election.domain,
        "date": election.date.isoformat() if election.date else None,
    }


@router.get(
    "/parties/",
    response=PartiesOut,
    url_name="kvm_candidate_parties",
    operation_id="candidates_parties",
    summary="De partijen op de kandidatenlijsten en hoeveel kandidaten antwoordden",
    openapi_extra=operation(example=PARTIES_EXAMPLE),
)
def parties(request: HttpRequest):
    election = current_election()
    lists = party_lists(election) if election else []
    return {
        "election": _election(election),
        "parties": [
            {
                "slug": item.slug,
                "number": item.number,
                "name": item.registered_name,
                "candidates": item.candidate_count,
                "answered": item.answered_count,
            }
            for item in lists
        ],
    }


@router.get(
    "/parties/{slug}/",
    response=PartyOut,
    url_name="kvm_candidate_party",
    operation_id="candidates_party",
    summary="De standpunten van de kandidaten van één partij per call",
    openapi_extra=operation(example=PARTY_EXAMPLE, problems=(404, 422)),
)
def party(
    request: HttpRequest,
    slug: str = Path(
        ...,
        max_length=80,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="De partij, zoals in kandidaten/<partij>/.",
    ),
):
    election = current_election()
    party_list = election.lists.filter(slug=slug, on_ballot=True).first() if election else None
    if party_list is None:
        raise ApiProblem(404, _("Er is geen partij met dit adres op de kandidatenlijsten."))
    overview = party_overview(party_list, calls=latest_calls())
    return {
        "slug": party_list.slug,
        "number": party_list.number,
        "name": party_list.registered_name,
        "candidates": overview.candidates,
        "answered": overview.answered,
        "calls": [
            {"number": c.number, "title": c.title, "support": c.support, "partly": c.partly, "no": c.no}
            for c in overview.calls
        ],
        "explanations": [
            {
                "call_number": e.call_number,
                "stance": e.stance,
                "name": e.name,
                "position": e.position,
                "text": e.text,
            }
            for e in overview.explanations
        ],
        "dialogue_yes": overview.dialogue_yes,
        "dialogue_no": overview.dialogue_no,
        "party_leader_answer": overview.leader_answer,
        "programme_response_url": pages_setting("BASE_URL") + overview.response.url
        if overview.response
        else None,
    }
