"""Read-only queries of the public overview per party (`kandidaten/`, the API, the daily digest).

Counts come from the current commitments of candidates on the list, so concurrent answers can never be counted
twice (one current answer per candidate and call, by a unique constraint). Names appear only beside explanations
their authors allowed to be published; everything else is a number. A fixed number of queries per page.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from pages.models import DocumentVersion
from supporters.models import ContactRole

from .candidate_models import Candidate, Commitment, Election, PartyList, ProgrammeResponsePage, Stance
from .models import AnswerChoice, DialogueAnswer


def current_election() -> Election | None:
    """The election whose lists the overview shows: the latest one with a list on the ballot."""
    return Election.objects.filter(lists__on_ballot=True).order_by("-date", "-pk").distinct().first()


def party_lists(election: Election) -> QuerySet[PartyList]:
    """The election's lists on the ballot, with how many candidates are on each and how many answered."""
    return (
        election.lists.filter(on_ballot=True)
        .select_related("organisation")
        .annotate(
            candidate_count=Count("candidates", filter=Q(candidates__on_list=True), distinct=True),
            answered_count=Count(
                "candidates",
                filter=Q(candidates__on_list=True, candidates__commitments__is_current=True),
                distinct=True,
            ),
        )
        .order_by("number")
    )


def latest_calls() -> list[dict]:
    """The calls of the latest published version (number, title, id), in reading order."""
    version = DocumentVersion.objects.order_by("-published_at", "-pk").only("snapshot").first()
    if version is None:
        return []
    return [
        {"id": call["id"], "number": call["number"], "title": call["title"], "path": call.get("path", "")}
        for call in (version.snapshot or {}).get("calls", [])
    ]


@dataclass
class CallCounts:
    """One call's answers from one party's candidates."""

    id: int
    number: int
    title: str
    support: int = 0
    partly: int = 0
    no: int = 0

    @property
    def total(self) -> int:
        return self.support + self.partly + self.no


@dataclass
class Explanation:
    """An explanation its author allowed to be published with their name."""

    call_number: int | str
    call_title: str
    stance: str
    stance_label: str
    name: str
    position: int | None
    text: str


@dataclass
class PartyOverview:
    """Everything the party's page shows."""

    party_list: PartyList
    candidates: int
    answered: int
    calls: list[CallCounts] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)
    dialogue_yes: int = 0
    dialogue_no: int = 0
    leader_answer: str = ""
    response: ProgrammeResponsePage | None = None


def _commitments(party_list: PartyList) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        candidate__party_list=party_list, candidate__on_list=True, is_current=True
    )


def party_overview(party_list: PartyList, *, calls: list[dict] | None = None) -> PartyOverview:
    """The party's page: counts per call, published explanations with names, dialogue status, the party
    leader's answer and our written response to the programme."""
    calls = latest_calls() if calls is None else calls
    by_id = {
        call["id"]: CallCounts(id=call["id"], number=call["number"], title=call["title"]) for call in calls
    }
    for row in _commitments(party_list).values("call_id", "stance").annotate(n=Count("pk")):
        counts = by_id.get(row["call_id"])
        if counts is not None and row["stance"] in Stance.values:
            setattr(counts, row["stance"], row["n"])
    overview = PartyOverview(
        party_list=party_list,
        candidates=party_list.candidates.filter(on_list=True).count(),
        answered=_commitments(party_list).values("candidate_id").distinct().count(),
        calls=list(by_id.values()),
    )
    published = (
        _commitments(party_list)
        .filter(publish_name=True)
        .exclude(explanation="")
        .select_related("candidate")
        .order_by("call_id", "candidate__position")
    )
    labels = dict(Stance.choices)
    for commitment in published:
        call = by_id.get(commitment.call_id)
        overview.explanations.append(
            Explanation(
                call_number=call.number if call else "",
                call_title=call.title if call else "",
                stance=commitment.stance,
                stance_label=str(labels[commitment.stance]),
                name=commitment.candidate.name,
                position=commitment.candidate.position,
                text=commitment.explanation,
            )
        )
    answers = DialogueAnswer.objects.filter(
        is_current=True,
        contact__organisation_id=party_list.organisation_id,
        contact__role__in=(ContactRole.CANDIDATE, ContactRole.PARTY_LEADER),
    ).values_list("contact__role", "answer")
    for role, answer in answers:
        if role == ContactRole.PARTY_LEADER:
            overview.leader_answer = str(AnswerChoice(answer).label)
        elif answer == AnswerChoice.YES:
            overview.dialogue_yes += 1
        else:
            overview.dialogue_no += 1
    overview.response = programme_response(organisation_id=party_list.organisation_id)
    return overview


def programme_response(*, organisation_id: int) -> ProgrammeResponsePage | None:
    """Our latest published response to this party's programme."""
    return (
        ProgrammeResponsePage.objects.live()
        .public()
        .filter(party_id=organisation_id)
        .order_by("-response_date", "-pk")
        .first()
    )


def candidate_for_contact(contact_ids: list[int]) -> dict[int, Candidate]:
    """contact id → their candidacy on a list of the current election (one query)."""
    election = current_election()
    if election is None:
        return {}
    rows = Candidate.objects.filter(
        contact_id__in=contact_ids, on_list=True, party_list__election=election
    ).select_related("party_list")
    return {row.contact_id: row for row in rows}
