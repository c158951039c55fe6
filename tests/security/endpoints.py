"""The public surface the hostile-input corpus goes through: one line per route or form.

A *route* is a public GET URL. Its template may use the world's placeholders (`{document}`, `{call}`,
`{activity}`, `{call_slug}`, `{first}`, `{second}` and what WORLD_EXTENSIONS add) and at most one `{param}`:
the route parameter the corpus is put into (`default` is its working value).

A *form* is a public POST endpoint (a supporters or newsletter form, an API call). `data(world)` returns a valid
submission; each name in `fields` gets each corpus value in turn. `stored(world, name, value)`, when given, returns
True if the value was kept somewhere it must not be. JSON endpoints set `json=True`.

Other apps add theirs here, e.g.:
    PUBLIC_FORMS.append(Form("endorse", "{activity}steun/", data=lambda w: {"email": "a@example.org"}, fields=("email", "name")))
    WORLD_EXTENSIONS.append(lambda world: {"confirm_token": make_token("confirm", {...})})
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WEBHOOK_SECRET = "provider:corpus-geheim"  # ANYMAIL's webhook secret while the corpus runs


@dataclass(frozen=True)
class Route:
    """A public GET URL the corpus is sent to, in its query string and (with `{param}`) in its path."""

    name: str
    template: str
    default: str = ""
    html: bool = True

    def url(self, placeholders: dict[str, str], value: str | None = None) -> str:
        param = self.default.format(**placeholders) if value is None else value
        return self.template.format(**placeholders, param=param)

    @property
    def has_param(self) -> bool:
        return "{param}" in self.template


@dataclass(frozen=True)
class Form:
    """A public form or API endpoint the corpus is posted to, field by field."""

    name: str
    template: str
    data: Callable[[Any], dict[str, Any]]
    fields: tuple[str, ...]
    json: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # e.g. the provider's credentials for a webhook
    stored: Callable[[Any, str, str], bool] | None = None
    # Answers that are fine for hostile input: shown again with errors, refused, rate limited, or "thank you".
    acceptable_statuses: frozenset[int] = field(
        default_factory=lambda: frozenset({200, 302, 303, 400, 403, 404, 422, 429})
    )

    def url(self, placeholders: dict[str, str]) -> str:
        return self.template.format(**placeholders)


PUBLIC_ROUTES: list[Route] = [
    Route("document", "{document}"),
    Route("call", "{call}"),
    Route("activity", "{activity}"),
    Route("page-path", "{document}{param}/", default="{call_slug}"),
    Route("child-path", "{call}{param}/", default="{activity_slug}"),
    Route("version-history", "{document}versies/"),
    Route("version", "{document}versies/{param}/", default="1"),
    Route("compare-first", "{document}versies/{param}...2/", default="1"),
    Route("compare-second", "{document}versies/1...{param}/", default="2"),
    Route("feed", "{document}versies/feed/", html=False),
]

# Query parameters the pages read (and some they do not): each gets every corpus value.
# `limit` and `offset` are the integer parameters of every API list (Wagtail's and the project's).
API_LIST_PARAMETERS: tuple[str, ...] = ("limit", "offset")
QUERY_PARAMETERS: tuple[str, ...] = ("van", "tot", "q", "page", "next", "token", "lang", *API_LIST_PARAMETERS)

PUBLIC_FORMS: list[Form] = []

# Functions world → dict of extra placeholders (tokens, ids) for the routes and forms other apps add.
WORLD_EXTENSIONS: list[Callable[[Any], dict[str, str]]] = []


# -- the newsletter (newsletter/urls.py) --


def _newsletter_world(world) -> dict[str, str]:
    """A confirmed subscriber and a pending confirmation, for the newsletter's token routes."""
    from django.utils import timezone

    from newsletter.links import confirm_token, recipient_token
    from newsletter.models import Audience, Subscriber, Subscription

    residents, _created = Audience.objects.get_or_create(
        key="residents", defaults={"name": "Bewoners", "is_public": True}
    )
    subscriber = Subscriber.objects.create(
        email="abonnee@example.org", name="Abonnee", confirmed_at=timezone.now()
    )
    Subscription.objects.create(subscriber=subscriber, audience=residents)
    pending = Subscriber.objects.create(email="wacht@example.org", nonce="0123456789abcdef")
    return {
        "newsletter_recipient_token": recipient_token(subscriber_id=subscriber.pk, audience_key="residents"),
        "newsletter_confirm_token": confirm_token(subscriber_id=pending.pk, nonce=pending.nonce),
    }


def _newsletter_subscription(world) -> dict[str, Any]:
    import time

    from django.core import signing

    return {
        "name": "Lezer",
        "email": "lezer@example.org",
        "audiences": ["residents"],
        "frequency": "every",
        "consent": "on",
        "website": "",
        "shown_at": signing.dumps(time.time() - 60, salt="kvm.form-shown-at"),
    }


WORLD_EXTENSIONS.append(_newsletter_world)
PUBLIC_ROUTES += [
    Route("newsletter-subscribe", "/nieuwsbrief/"),
    Route("newsletter-preferences-request", "/nieuwsbrief/voorkeuren/"),
    Route("newsletter-confirm", "/nieuwsbrief/bevestigen/{param}/", default="{newsletter_confirm_token}"),
    Route(
        "newsletter-preferences", "/nieuwsbrief/voorkeuren/{param}/", default="{newsletter_recipient_token}"
    ),
    Route("newsletter-unsubscribe", "/nieuwsbrief/afmelden/{param}/", default="{newsletter_recipient_token}"),
]
PUBLIC_FORMS += [
    Form(
        "newsletter-subscribe",
        "/nieuwsbrief/",
        data=_newsletter_subscription,
        fields=("email", "name", "audiences", "frequency", "consent", "shown_at"),
    ),
    Form(
        "newsletter-preferences-request",
        "/nieuwsbrief/voorkeuren/",
        data=lambda world: {
            k: v for k, v in _newsletter_subscription(world).items() if k in ("email", "website", "shown_at")
        },
        fields=("email",),
    ),
    Form(
        "newsletter-preferences",
        "/nieuwsbrief/voorkeuren/{newsletter_recipient_token}/",
        data=lambda world: {"audiences": ["residents"], "frequency": "every"},
        fields=("audiences", "frequency"),
    ),
    Form(
        "newsletter-confirm",
        "/nieuwsbrief/bevestigen/{newsletter_confirm_token}/",
        data=lambda world: {},
        fields=("anything",),
    ),
    Form(
        "newsletter-unsubscribe",
        "/nieuwsbrief/afmelden/{newsletter_recipient_token}/",
        data=lambda world: {"List-Unsubscribe": "One-Click"},
        fields=("List-Unsubscribe",),
    ),
    Form(
        "newsletter-provider-webhook",
        "/nieuwsbrief/provider/postmark/tracking/",
        data=lambda world: {
            "RecordType": "Bounce",
            "ID": 1,
            "Type": "HardBounce",
            "Email": "abonnee@example.org",
        },
        fields=("RecordType", "Type", "Email", "MessageID", "ID"),
        json=True,
        headers={"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()},
    ),
]


# -- supporters (supporters/urls.py, under /steun/) --


def _supporters_world(world) -> dict[str, str]:
    """A confirmed endorser of the activity with a pending second endorsement, a change notice and data links."""
    from django.utils import timezone

    from pages.models import DocumentVersion
    from supporters.models import ChangeNotice, Consent, Endorsement
    from supporters.services.notifications import CHANGE_PURPOSE
    from supporters.services.privacy import ERASE_PURPOSE, EXPORT_PURPOSE, data_link_token
    from supporters.services.submissions import confirm_purpose
    from supporters.tokens import make_token

    email = "steuner@example.org"
    consent = Consent.objects.create(email=email, purpose="endorsement", wording="Toestemming.")
    Endorsement.objects.create(
        email=email, name="Steuner", target=world.activity, consent=consent, confirmed_at=timezone.now()
    )
    pending = Endorsement.objects.create(email=email, name="Steuner", target=world.call, consent=consent)
    version = DocumentVersion.objects.filter(document=world.document).order_by("-number").first()
    notice = ChangeNotice.objects.create(version=version, email=email, activity_ids=[world.activity.pk])
    return {
        "activity_id": str(world.activity.pk),
        "supporters_confirm_token": make_token(
            confirm_purpose("steun"), {"id": pending.pk, "n": pending.nonce}
        ),
        "supporters_change_token": make_token(CHANGE_PURPOSE, {"id": notice.pk, "e": email}),
        "supporters_export_token": data_link_token(EXPORT_PURPOSE, email),
        "supporters_erase_token": data_link_token(ERASE_PURPOSE, email),
        "endorsement_prefix": f"e{Endorsement.objects.get(email=email, target=world.activity).pk}",
    }


def _shown_a_minute_ago() -> str:
    import time

    from django.core import signing

    return signing.dumps(time.time() - 60, salt="kvm.form-shown-at")


def _endorsement(world) -> dict[str, Any]:
    return {
        "name": "Lezer",
        "email": "lezer@example.org",
        "organisation_name": "",
        "message": "Goed plan.",
        "visibility": "name",
        "consent": "on",
        "website": "",
        "shown_at": _shown_a_minute_ago(),
    }


def _signup(world) -> dict[str, Any]:
    return {
        "name": "Lezer",
        "email": "lezer@example.org",
        "role": "helper",
        "availability": "Zaterdagen.",
        "consent": "on",
        "website": "",
        "shown_at": _shown_a_minute_ago(),
    }


def _reaction(world) -> dict[str, Any]:
    return {
        "kind": "reaction",
        "text": "Een reactie.",
        "name": "Lezer",
        "email": "lezer@example.org",
        "visibility": "initials",
        "consent": "on",
        "website": "",
        "shown_at": _shown_a_minute_ago(),
    }


def _refused_but_stored(form_path: str, data: Callable[[Any], dict[str, Any]], model_path: str):
    """stored(): a value the form refuses must not turn up in the model's field of the same name."""
    from importlib import import_module

    def stored(world, field_name: str, value: str) -> bool:
        module, _dot, name = form_path.rpartition(".")
        form = getattr(import_module(module), name)({**data(world), field_name: value})
        module, _dot, name = model_path.rpartition(".")
        model = getattr(import_module(module), name)
        if not value or form.is_valid() or field_name not in {f.name for f in model._meta.fields}:
            return False
        kept = set(model.objects.values_list(field_name, flat=True))
        return value in kept or value.strip().lower() in kept

    return stored


WORLD_EXTENSIONS.append(_supporters_world)
PUBLIC_ROUTES += [
    Route("supporters-endorse", "/steun/{param}/steunen/", default="{activity_id}"),
    Route("supporters-signup", "/steun/{param}/aanmelden/", default="{activity_id}"),
    Route("supporters-react", "/steun/{param}/reageren/", default="{activity_id}"),
    Route("supporters-reactions", "/steun/{param}/reacties/", default="{activity_id}"),
    Route("supporters-confirm", "/steun/bevestigen/steun/{param}/", default="{supporters_confirm_token}"),
    Route("supporters-change", "/steun/wijziging/{param}/", default="{supporters_change_token}"),
    Route("supporters-data-request", "/steun/gegevens/"),
    Route("supporters-data-export", "/steun/gegevens/download/{param}/", default="{supporters_export_token}"),
    Route(
        "supporters-data-erase", "/steun/gegevens/verwijderen/{param}/", default="{supporters_erase_token}"
    ),
]
PUBLIC_FORMS += [
    Form(
        "supporters-endorse",
        "/steun/{activity_id}/steunen/",
        data=_endorsement,
        fields=(
            "name",
            "email",
            "organisation_name",
            "on_behalf",
            "message",
            "visibility",
            "consent",
            "shown_at",
        ),
        stored=_refused_but_stored(
            "supporters.forms.EndorseForm", _endorsement, "supporters.models.Endorsement"
        ),
    ),
    Form(
        "supporters-signup",
        "/steun/{activity_id}/aanmelden/",
        data=_signup,
        fields=("name", "email", "role", "availability", "consent", "shown_at"),
        stored=_refused_but_stored("supporters.forms.SignUpForm", _signup, "supporters.models.SignUp"),
    ),
    Form(
        "supporters-react",
        "/steun/{activity_id}/reageren/",
        data=_reaction,
        fields=("kind", "text", "name", "email", "visibility", "consent", "shown_at"),
        stored=_refused_but_stored("supporters.forms.ReactionForm", _reaction, "supporters.models.Reaction"),
    ),
    Form(
        "supporters-data-request",
        "/steun/gegevens/",
        data=lambda world: {"email": "steuner@example.org", "website": "", "shown_at": _shown_a_minute_ago()},
        fields=("email", "shown_at"),
    ),
    Form(
        "supporters-confirm",
        "/steun/bevestigen/steun/{supporters_confirm_token}/",
        data=lambda world: {},
        fields=("anything",),
    ),
    Form(
        "supporters-change",
        "/steun/wijziging/{supporters_change_token}/",
        data=lambda world: {f"{world.extra['endorsement_prefix']}-action": "keep"},
        fields=("{endorsement_prefix}-action", "{endorsement_prefix}-move_to"),
    ),
]


# -- the agenda (pages/events/, agenda/) and event registrations (supporters, under /steun/agenda/) --


def _agenda_world(world) -> dict[str, str]:
    """A meetup next week on the activity, with two parts, and a pending registration with its links."""
    import datetime as dt

    from django.utils import timezone

    from pages.models import District, Event, EventPart
    from supporters.models import EventRegistration, RegistrationPart
    from supporters.services.registrations import CANCEL_PURPOSE
    from supporters.services.submissions import confirm_purpose
    from supporters.tokens import make_token

    start = timezone.now() + dt.timedelta(days=7)
    district = District.objects.get_or_create(slug="noord", defaults={"name": "Noord"})[0]
    event = Event.objects.create(
        activity_id=world.activity.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        district=district,
        place_name="Buurthuis",
    )
    dialogue = EventPart.objects.create(
        activity_id=world.activity.pk, name="dialoogsessie", starts=dt.time(19, 30)
    )
    registration = EventRegistration.objects.create(event=event, name="Lezer", email="rsvp@example.org")
    RegistrationPart.objects.create(registration=registration, part=dialogue)
    return {
        "event_id": str(event.pk),
        "event_part_id": str(dialogue.pk),
        "district_slug": district.slug,
        "rsvp_confirm_token": make_token(
            confirm_purpose("agenda"), {"id": registration.pk, "n": registration.nonce}
        ),
        "rsvp_cancel_token": make_token(CANCEL_PURPOSE, {"id": registration.pk, "n": registration.nonce}),
    }


def _registration(world) -> dict[str, Any]:
    return {
        "name": "Lezer",
        "email": "lezer@example.org",
        "parts": [world.extra["event_part_id"]],
        "guests": "1",
        "consent": "on",
        "website": "",
        "shown_at": _shown_a_minute_ago(),
    }


def _registration_refused_but_stored(world, field_name: str, value: str) -> bool:
    """A value the event's registration form refuses must not turn up in the registrations."""
    from pages.models import Event
    from supporters.forms import RegistrationForm
    from supporters.models import EventRegistration

    event = Event.objects.select_related("activity").get(pk=world.extra["event_id"])
    form = RegistrationForm({**_registration(world), field_name: value}, event=event)
    if not value or form.is_valid() or field_name not in {"name", "email", "guests"}:
        return False
    kept = {str(v) for v in EventRegistration.objects.values_list(field_name, flat=True)}
    return value in kept or value.strip().lower() in kept


WORLD_EXTENSIONS.append(_agenda_world)
PUBLIC_ROUTES += [
    Route("agenda", "/agenda/"),
    Route("agenda-archive", "/agenda/archief/"),
    Route("agenda-district", "/agenda/stadsdeel/{param}/", default="{district_slug}"),
    Route("agenda-feed", "/agenda/feed.ics", html=False),
    Route(
        "agenda-district-feed", "/agenda/stadsdeel/{param}/feed.ics", default="{district_slug}", html=False
    ),
    Route("agenda-activity-feed", "/agenda/activiteit/{param}/feed.ics", default="{activity_id}", html=False),
    Route("agenda-event", "/agenda/{param}/", default="{event_id}"),
    Route("agenda-event-ics", "/agenda/{param}/agenda.ics", default="{event_id}", html=False),
    Route("rsvp-form", "/steun/agenda/{param}/aanmelden/", default="{event_id}"),
    Route("rsvp-confirm", "/steun/bevestigen/agenda/{param}/", default="{rsvp_confirm_token}"),
    Route("rsvp-cancel", "/steun/agenda/afmelden/{param}/", default="{rsvp_cancel_token}"),
    Route("api-agenda-events", "/api/v3/agenda/events/", html=False),
    Route("api-agenda-event", "/api/v3/agenda/events/{param}/", default="{event_id}", html=False),
]
PUBLIC_FORMS += [
    Form(
        "rsvp",
        "/steun/agenda/{event_id}/aanmelden/",
        data=_registration,
        fields=("name", "email", "parts", "guests", "consent", "shown_at"),
        stored=_registration_refused_but_stored,
    ),
    Form(
        "rsvp-cancel",
        "/steun/agenda/afmelden/{rsvp_cancel_token}/",
        data=lambda world: {},
        fields=("anything",),
    ),
    Form(
        "api-register",
        "/api/v3/supporters/events/{event_id}/registrations/",
        data=lambda world: {
            **_api_endorsement(world),
            "parts": [int(world.extra["event_part_id"])],
            "guests": 0,
        },
        fields=("name", "email", "guests"),
        json=True,
        acceptable_statuses=frozenset({202, 400, 422, 429}),
    ),
]


# -- the outreach's answer page (newsletter/outreach/views.py) --


def _outreach_world(world) -> dict[str, str]:
    """A candidate on a party's list and their signed "yes" link."""
    from newsletter.outreach.links import answer_token
    from supporters.models import Contact, ContactRole, Organisation, OrganisationKind

    party = Organisation.objects.create(name="Partij", kind=OrganisationKind.POLITICAL_PARTY)
    candidate = Contact.objects.create(
        name="Kandidaat",
        email="kandidaat@example.org",
        organisation=party,
        role=ContactRole.CANDIDATE,
        position=1,
    )
    return {"outreach_answer_token": answer_token(contact_id=candidate.pk, mailing_id=1, answer="yes")}


WORLD_EXTENSIONS.append(_outreach_world)
PUBLIC_ROUTES.append(
    Route("outreach-answer", "/nieuwsbrief/gesprek/{param}/", default="{outreach_answer_token}")
)
PUBLIC_FORMS.append(
    Form(
        "outreach-answer",
        "/nieuwsbrief/gesprek/{outreach_answer_token}/",
        data=lambda world: {"answer": "yes", "message": "", "preferred_contact": ""},
        fields=("answer", "message", "preferred_contact", "show_name"),
    )
)


# -- the headless API (cms/api.py: pages/api/, supporters/api.py, newsletter/api.py) --


def _api_world(world) -> dict[str, str]:
    """Page ids for the API's paths."""
    return {
        "document_id": str(world.document.pk),
        "call_id": str(world.call.pk),
        "activity_id": str(world.activity.pk),
    }


def _api_endorsement(world) -> dict[str, Any]:
    return {
        "name": "Lezer",
        "email": "lezer@example.org",
        "visibility": "name",
        "consent": True,
        "website": "",
    }


WORLD_EXTENSIONS.append(_api_world)
PUBLIC_ROUTES += [
    Route("api-documents", "/api/v3/living-documents/", html=False),
    Route("api-document", "/api/v3/living-documents/{param}/", default="{document_id}", html=False),
    Route("api-versions", "/api/v3/living-documents/{document_id}/versions/", html=False),
    Route(
        "api-versions-of", "/api/v3/living-documents/{param}/versions/", default="{document_id}", html=False
    ),
    Route("api-version", "/api/v3/living-documents/{document_id}/versions/{param}/", default="1", html=False),
    Route(
        "api-compare",
        "/api/v3/living-documents/{document_id}/versions/1/compare/{param}/",
        default="2",
        html=False,
    ),
    Route("api-pages", "/api/v3/pages/", html=False),
    Route("api-images", "/api/v3/images/", html=False),
    Route("api-wagtail-documents", "/api/v3/documents/", html=False),
    Route("api-redirects", "/api/v3/redirects/", html=False),
    Route("api-page", "/api/v3/pages/{param}/", default="{activity_id}", html=False),
    Route(
        "api-endorsers",
        "/api/v3/supporters/documents/{param}/endorsers/",
        default="{document_id}",
        html=False,
    ),
    Route("api-consent-texts", "/api/v3/supporters/consent-texts/", html=False),
    Route("api-newsletter-audiences", "/api/v3/newsletter/audiences/", html=False),
]
PUBLIC_FORMS += [
    Form(
        "api-endorse",
        "/api/v3/supporters/pages/{activity_id}/endorsements/",
        data=_api_endorsement,
        fields=("name", "email", "organisation_name", "message", "visibility", "consent", "website"),
        json=True,
        acceptable_statuses=frozenset({202, 400, 422, 429}),
    ),
    Form(
        "api-signup",
        "/api/v3/supporters/pages/{activity_id}/signups/",
        data=lambda world: {**_api_endorsement(world), "role": "helper", "availability": ""},
        fields=("name", "email", "role", "availability"),
        json=True,
        acceptable_statuses=frozenset({202, 400, 422, 429}),
    ),
    Form(
        "api-react",
        "/api/v3/supporters/pages/{call_id}/reactions/",
        data=lambda world: {**_api_endorsement(world), "kind": "reaction", "text": "Goed plan."},
        fields=("text", "name", "kind"),
        json=True,
        acceptable_statuses=frozenset({202, 400, 422, 429}),
    ),
    Form(
        "api-newsletter-subscribe",
        "/api/v3/newsletter/subscriptions/",
        data=lambda world: {
            "name": "Lezer",
            "email": "lezer@example.org",
            "audiences": ["residents"],
            "frequency": "every",
            "consent": True,
        },
        fields=("name", "email", "audiences", "frequency"),
        json=True,
        acceptable_statuses=frozenset({202, 400, 422, 429}),
    ),
]


# -- the candidates' commitments and overview (newsletter/outreach/public_views.py, issue 16) --


def _commitments_world(world) -> dict[str, str]:
    """A party list with one candidate, and their signed link for the world's call at the latest version."""
    from newsletter.outreach.commitment_links import commitment_token
    from newsletter.outreach.models import Candidate, Election, PartyList
    from pages.models import DocumentVersion
    from supporters.models import Organisation, OrganisationKind

    election = Election.objects.create(identifier="GR2026_Test", name="Gemeenteraad 2026")
    party = Organisation.objects.create(name="Lijstpartij", kind=OrganisationKind.POLITICAL_PARTY)
    party_list = PartyList.objects.create(
        election=election, number=1, registered_name="Lijstpartij", slug="lijstpartij", organisation=party
    )
    candidate = Candidate.objects.create(
        party_list=party_list, position=1, initials="A.", last_name="Kandidaat"
    )
    version = DocumentVersion.objects.filter(document=world.document).order_by("-number").first()
    token = commitment_token(candidate_id=candidate.pk, call_id=world.call.pk, version_id=version.pk)
    return {"commitment_token": token, "party_slug": party_list.slug}


WORLD_EXTENSIONS.append(_commitments_world)
PUBLIC_ROUTES += [
    Route("candidates", "/kandidaten/"),
    Route("candidates-party", "/kandidaten/{param}/", default="{party_slug}"),
    Route("commitment", "/nieuwsbrief/standpunt/{param}/", default="{commitment_token}"),
    Route("api-candidate-parties", "/api/v3/candidates/parties/", html=False),
    Route("api-candidate-party", "/api/v3/candidates/parties/{param}/", default="{party_slug}", html=False),
]
PUBLIC_FORMS.append(
    Form(
        "commitment",
        "/nieuwsbrief/standpunt/{commitment_token}/",
        data=lambda world: {"stance": "support", "explanation": ""},
        fields=("stance", "explanation", "publish_name"),
    )
)
