"""The supporters' part of the headless API: endorse, sign up, react or suggest, and the public list of endorsers.

Submissions go through `supporters.intake`, the same path as the site's forms: the same form validates (so the
same rules and Dutch messages), the same rate limits count, the same services record consent and send the
double opt-in email. The answer is the same 202 whether the address was new, known, already confirmed, or the
honeypot was filled in. Nothing here ever returns an email address or a name not confirmed and chosen to be shown.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field
from wagtail.models import Page

from pages.api import ApiProblem, IdPath, check_body, form_problem, form_schema, operation
from pages.models import DocumentPage

from . import intake, selectors
from .forms import ENDORSE_CONSENT, REACTION_CONSENT, SIGNUP_CONSENT
from .protection import RATE_LIMITED_MESSAGE, retry_after_seconds

router = Router(tags=["supporters"])

PageId = IdPath("Het id van de pagina: het document, een call of een activiteit.")

# The body of each endpoint is its form (the honeypot `website` included; the form's fill-time stamp is not).
EndorsementIn = form_schema(intake.ENDORSE.form_class, name="EndorsementIn", exclude=("shown_at",))
SignUpIn = form_schema(intake.SIGN_UP.form_class, name="SignUpIn", exclude=("shown_at",))
ReactionIn = form_schema(intake.REACT.form_class, name="ReactionIn", exclude=("shown_at",))


class RegistrationIn(form_schema(intake.REGISTER.form_class, name="RegistrationBase", exclude=("shown_at",))):
    """A registration: the event's part ids (see `GET /agenda/events/{id}/`); empty or left out: every part."""

    parts: list[int] = Field(
        default_factory=list,
        description="De ids van de gekozen onderdelen; leeg of weggelaten: alle onderdelen van de bijeenkomst.",
    )


class SubmissionAccepted(Schema):
    """The one answer to an accepted submission: check your email. Says nothing about the address."""

    detail: str


class ConsentTexts(Schema):
    """The exact consent wording of each form; a client shows it next to the `consent` box and it is stored."""

    endorse: str
    signup: str
    react: str


class PublicEndorserOut(Schema):
    """One person on the public list, as they chose to be shown (full name or initials), with an approved message."""

    name: str
    organisation: str
    message: str


class PublicEndorsementsOut(Schema):
    """Who publicly supports a document: people who chose to be shown, and every endorsing organisation."""

    people: list[PublicEndorserOut]
    organisations: list[str]


def _source_url(request: HttpRequest) -> str:
    """Where the submission came from, for the consent record: the client's page if it says, else the API."""
    return request.META.get("HTTP_REFERER") or request.headers.get("Origin") or request.build_absolute_uri()


def _take(request: HttpRequest, kind: intake.SubmissionKind, page_id: int, data: Schema, not_found: str):
    page = intake.public_target(page_id, kind.page_types)
    if page is None:
        raise ApiProblem(404, not_found)
    form = kind.form_class(data.dict(), timed=False)
    check_body(data, form)
    outcome = intake.submission_take(
        request, kind=kind, page=page, form=form, source_url=_source_url(request)
    )
    if outcome is intake.Outcome.INVALID:
        raise form_problem(form, loc=("body", "data"))
    if outcome is intake.Outcome.RATE_LIMITED:
        raise ApiProblem(429, str(RATE_LIMITED_MESSAGE), headers={"Retry-After": str(retry_after_seconds())})
    return Status(202, {"detail": str(intake.ACCEPTED_MESSAGE)})


ACCEPTED_EXAMPLE = {
    "detail": "Bedankt! Wij hebben u een e-mail gestuurd; pas na uw bevestiging telt uw inzending mee."
}


def submission(body_example: dict) -> dict:
    """The contract of a public submission: 202, or a problem (not found, invalid, too many submissions)."""
    return operation(
        status=202, example=ACCEPTED_EXAMPLE, body_example=body_example, problems=(400, 404, 422, 429)
    )


@router.post(
    "/pages/{page_id}/endorsements/",
    response={202: SubmissionAccepted},
    url_name="kvm_endorse",
    operation_id="supporters_endorse",
    summary="Steun betuigen aan het document, een call of een activiteit",
    openapi_extra=submission(
        {"name": "Jan Jansen", "email": "jan@example.org", "visibility": "initials", "consent": True}
    ),
)
def endorse(request: HttpRequest, data: EndorsementIn, page_id: int = PageId):
    """Record support, unconfirmed until the person clicks the link in the email; counted once confirmed."""
    return _take(
        request,
        intake.ENDORSE,
        page_id,
        data,
        _("Er is geen openbaar document, call of activiteit met dit id."),
    )


@router.post(
    "/pages/{page_id}/signups/",
    response={202: SubmissionAccepted},
    url_name="kvm_signup",
    operation_id="supporters_signup",
    summary="Aanmelden om een activiteit te organiseren of te helpen",
    openapi_extra=submission(
        {
            "name": "Jan Jansen",
            "email": "jan@example.org",
            "role": "helper",
            "availability": "Zaterdagen",
            "consent": True,
        }
    ),
)
def sign_up(request: HttpRequest, data: SignUpIn, page_id: int = PageId):
    """Offer to organise or help; once confirmed the person gets a place, or a place on the waiting list."""
    return _take(request, intake.SIGN_UP, page_id, data, _("Er is geen openbare activiteit met dit id."))


@router.post(
    "/pages/{page_id}/reactions/",
    response={202: SubmissionAccepted},
    url_name="kvm_react",
    operation_id="supporters_react",
    summary="Reageren, of een activiteit voorstellen",
    openapi_extra=submission(
        {
            "kind": "reaction",
            "text": "Organiseer de buurtconferentie ook in Noord.",
            "email": "jan@example.org",
            "visibility": "initials",
            "consent": True,
        }
    ),
)
def react(request: HttpRequest, data: ReactionIn, page_id: int = PageId):
    """A reaction or suggestion; after confirmation it waits for an editor before anything of it is public."""
    return _take(
        request,
        intake.REACT,
        page_id,
        data,
        _("Er is geen openbaar document, call of activiteit met dit id."),
    )


@router.get(
    "/consent-texts/",
    response=ConsentTexts,
    url_name="kvm_consent_texts",
    operation_id="supporters_consent_texts",
    summary="De toestemmingsteksten van de formulieren",
    openapi_extra=operation(
        example={
            "endorse": "Ik geef Kracht van Mokum toestemming mijn naam … te bewaren om mijn steun te tellen.",
            "signup": "Ik geef Kracht van Mokum toestemming mijn naam, e-mailadres en beschikbaarheid …",
            "react": "Ik geef Kracht van Mokum toestemming mijn reactie, naam en e-mailadres te bewaren …",
        }
    ),
)
def consent_texts(request: HttpRequest):
    return {"endorse": str(ENDORSE_CONSENT), "signup": str(SIGNUP_CONSENT), "react": str(REACTION_CONSENT)}


@router.get(
    "/documents/{document_id}/endorsers/",
    response=PublicEndorsementsOut,
    url_name="kvm_endorsers",
    operation_id="supporters_endorsers",
    summary="Wie het document openbaar steunt",
    openapi_extra=operation(
        example={
            "people": [{"name": "Jan Jansen", "organisation": "", "message": "Eindelijk!"}],
            "organisations": ["Buurtvereniging De Meeuw"],
        },
        problems=(404, 422),
    ),
)
def endorsers(request: HttpRequest, document_id: int = IdPath("Het id van het document.")):
    """People who endorsed the document and chose to be shown, and organisations endorsing it or its pages."""
    document = DocumentPage.objects.live().public().filter(pk=document_id).first()
    if document is None:
        raise ApiProblem(404, _("Er is geen openbaar document met id %(id)s.") % {"id": document_id})
    page_ids = (
        Page.objects.descendant_of(document, inclusive=True).live().public().values_list("pk", flat=True)
    )
    _counts, public = selectors.document_endorsements(document_id=document.pk, page_ids=list(page_ids))
    return public


@router.post(
    "/events/{event_id}/registrations/",
    response={202: SubmissionAccepted},
    url_name="kvm_register",
    operation_id="supporters_register",
    summary="Aanmelden voor een bijeenkomst",
    openapi_extra=submission(
        {"name": "Jan Jansen", "email": "jan@example.org", "parts": [1], "guests": 0, "consent": True}
    ),
)
def register(
    request: HttpRequest,
    data: RegistrationIn,
    event_id: int = IdPath("Het id van de bijeenkomst."),
):
    """Register (with `parts`: ids of the event's parts, and `guests`); counted once confirmed by email."""
    event = intake.public_event(event_id)
    if event is None:
        raise ApiProblem(404, _("Er is geen openbare bijeenkomst met dit id."))
    payload = data.dict()
    # A client that names no parts registers for the whole event, as the schema says.
    parts = payload.get("parts") or list(event.activity.event_parts.values_list("pk", flat=True))
    payload["parts"] = [str(part) for part in parts]
    if payload.get("guests") is None:
        payload["guests"] = 0
    form = intake.REGISTER.form_class(payload, event=event, timed=False)
    check_body(data, form)
    outcome = intake.submission_take(
        request, kind=intake.REGISTER, page=event, form=form, source_url=_source_url(request)
    )
    if outcome is intake.Outcome.INVALID:
        raise form_problem(form, loc=("body", "data"))
    if outcome is intake.Outcome.RATE_LIMITED:
        raise ApiProblem(429, str(RATE_LIMITED_MESSAGE), headers={"Retry-After": str(retry_after_seconds())})
    return Status(202, {"detail": str(intake.ACCEPTED_MESSAGE)})
