"""Taking in a public submission, whichever door it comes through: the site's forms or the headless API.

One path for both: the form validates, the per-IP limit counts (429 beyond it), a probable bot is answered as if all
went well while nothing is stored, and otherwise the service records the submission and queues the confirmation
email. Once an address has had its share of mails (`protection.mail_allowed`) a submission for it changes nothing
(the links already sent stay valid) and gets the same answer. The caller only chooses how to show the outcome.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from pages.models import ActivityPage, CallPage, DocumentPage

from . import services
from .forms import ConsentForm, EndorseForm, ReactionForm, RegistrationForm, SignUpForm
from .protection import mail_allowed, rate_limited

TARGET_TYPES = (DocumentPage, CallPage, ActivityPage)

# The one answer to every accepted submission, whether the address was new, known, confirmed or a bot's.
ACCEPTED_MESSAGE = _(
    "We hebben een e-mail gestuurd naar het adres dat u opgaf. Klik op de link daarin en bevestig; "
    "pas daarna telt uw inzending mee. De link is 7 dagen geldig."
)


def _endorse(form: ConsentForm, page: Page, source_url: str) -> None:
    data = form.cleaned_data
    services.endorsement_submit(
        target=page,
        name=data["name"],
        email=data["email"],
        organisation_name=data["organisation_name"],
        on_behalf=data["on_behalf"],
        message=data["message"],
        visibility=data["visibility"],
        consent_text=form.consent_text,
        source_url=source_url,
    )


def _sign_up(form: ConsentForm, page: Page, source_url: str) -> None:
    data = form.cleaned_data
    services.signup_submit(
        activity=page,
        name=data["name"],
        email=data["email"],
        role=data["role"],
        availability=data["availability"],
        consent_text=form.consent_text,
        source_url=source_url,
    )


def _react(form: ConsentForm, page: Page, source_url: str) -> None:
    data = form.cleaned_data
    services.reaction_submit(
        target=page,
        name=data["name"],
        email=data["email"],
        kind=data["kind"],
        text=data["text"],
        visibility=data["visibility"],
        consent_text=form.consent_text,
        source_url=source_url,
    )


def _register(form: ConsentForm, event, source_url: str) -> None:
    data = form.cleaned_data
    services.registration_submit(
        event=event,
        name=data["name"],
        email=data["email"],
        parts=form.chosen_parts,
        guests=data["guests"],
        consent_text=form.consent_text,
        source_url=source_url,
    )


@dataclass(frozen=True)
class SubmissionKind:
    """One kind of public submission: its form, its rate-limit group, the pages it may target, its service call."""

    form_class: type[ConsentForm]
    group: str
    page_types: tuple[type[Page], ...]
    submit: Callable[[ConsentForm, Page, str], None]


ENDORSE = SubmissionKind(EndorseForm, "supporters:endorse", TARGET_TYPES, _endorse)
SIGN_UP = SubmissionKind(SignUpForm, "supporters:signup", (ActivityPage,), _sign_up)
REACT = SubmissionKind(ReactionForm, "supporters:react", TARGET_TYPES, _react)
# Registrations target an event (`pages.Event`), not a page: found with `public_event`, formed with `event=`.
REGISTER = SubmissionKind(RegistrationForm, "supporters:register", (), _register)


class Outcome(enum.Enum):
    """What became of a submission. ACCEPTED is also the answer to a probable bot, which stores nothing."""

    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    ACCEPTED = "accepted"


def public_target(page_id: int, types: tuple[type[Page], ...] = TARGET_TYPES) -> Page | None:
    """The live, public page with this id if it is one of `types` (a kind's `page_types`), else None."""
    page = Page.objects.live().public().filter(pk=page_id).specific().first()
    return page if isinstance(page, types) else None


def public_event(event_id: int):
    """The event with this id if its activity is live and public, else None (past and cancelled ones included:
    the form says why registering is closed)."""
    from pages.events.selectors import public_event as find

    return find(event_id=event_id)


def submission_take(
    request: HttpRequest, *, kind: SubmissionKind, page: Page, form: ConsentForm, source_url: str
) -> Outcome:
    """Validate, rate-limit and (unless it looks like a bot) record one submission for `page`."""
    if not form.is_valid():
        return Outcome.INVALID
    if rate_limited(request, group=kind.group):
        return Outcome.RATE_LIMITED
    if form.is_probably_bot():
        return Outcome.ACCEPTED
    if mail_allowed(request, group=kind.group, email=form.cleaned_data["email"]):
        kind.submit(form, page, source_url)
    return Outcome.ACCEPTED
