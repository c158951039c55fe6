"""Public pages of the candidates' commitments: the page behind a commitment link (a GET shows it, only a POST
records), and the overview per party at `kandidaten/`.

A link in an email never changes anything by itself (mail scanners follow links). Bad, tampered or expired links
are a 400 and store nothing.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pages.models import DocumentVersion
from supporters.tokens import InvalidToken

from .candidate_models import Candidate, PartyList
from .commitment_links import read_commitment_token
from .commitments import call_in, commitment_record, current_commitment
from .forms import CommitmentForm
from .overview import current_election, latest_calls, party_lists, party_overview


def _page(request, template: str, context: dict, *, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, f"newsletter/outreach/{template}", context, status=status)


def _invalid(request) -> TemplateResponse:
    return _page(request, "commitment_invalid.html", {}, status=400)


@require_http_methods(["GET", "POST"])
def commitment(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = read_commitment_token(token)
    except InvalidToken:
        return _invalid(request)
    candidate = (
        Candidate.objects.select_related("party_list").filter(pk=link.candidate_id, on_list=True).first()
    )
    version = DocumentVersion.objects.select_related("document").filter(pk=link.version_id).first()
    call = call_in(version, link.call_id) if version is not None else None
    if candidate is None or call is None:
        return _invalid(request)
    current = current_commitment(candidate_id=candidate.pk, call_id=link.call_id)
    context = {
        "token": token,
        "candidate": candidate,
        "party": candidate.party_list,
        "call": call,
        "version": version,
        "current": current,
        "confirming": request.GET.get("bevestigen") == "1" and current is not None,
        "party_url": reverse("outreach:candidates_party", args=[candidate.party_list.slug]),
    }
    if request.method != "POST":
        initial = {}
        if current is not None:
            initial = {
                "stance": current.stance,
                "explanation": current.explanation,
                "publish_name": current.publish_name,
            }
        return _page(request, "commitment.html", {**context, "form": CommitmentForm(initial=initial)})
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        return _page(request, "commitment.html", {**context, "form": form}, status=400)
    recorded = commitment_record(link=link, **form.cleaned_data)
    if recorded is None:
        return _invalid(request)
    return _page(request, "committed.html", {**context, "recorded": recorded})


@require_GET
def candidates_index(request: HttpRequest) -> HttpResponse:
    election = current_election()
    lists = list(party_lists(election)) if election else []
    return _page(request, "candidates_index.html", {"election": election, "lists": lists})


@require_GET
def candidates_party(request: HttpRequest, slug: str) -> HttpResponse:
    election = current_election()
    party_list = (
        PartyList.objects.select_related("organisation", "election")
        .filter(election=election, slug=slug, on_ballot=True)
        .first()
        if election
        else None
    )
    if party_list is None:
        raise Http404
    overview = party_overview(party_list, calls=latest_calls())
    return _page(request, "candidates_party.html", {"election": election, "overview": overview})
