"""The newsletter's part of the headless API: the audiences anyone may subscribe to, and subscribing.

A subscription takes the path of the site's form (`newsletter.intake`): the same form and messages, the same rate
limits, double opt-in by email, the consent wording stored on confirmation, and the same 202 for known and
unknown addresses. As for the supporters' endpoints the form's minimum fill time does not apply (the client never
showed the form); its honeypot `website` does.
"""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from pages.api import ApiProblem, check_body, form_problem, form_schema, operation
from supporters.intake import Outcome
from supporters.protection import RATE_LIMITED_MESSAGE, retry_after_seconds

from .forms import CONSENT_WORDING, SubscribeForm
from .intake import SENT_MESSAGE, subscription_take
from .models import Audience

router = Router(tags=["newsletter"])

# The audiences' choices come from the database, so the schema documents them as keys (listed at
# /newsletter/audiences/); the form refuses a key that is not a public audience with 422.
SubscriptionIn = form_schema(
    SubscribeForm,
    name="SubscriptionIn",
    exclude=("shown_at",),
    form_kwargs={"audience_choices": []},
    choice_max_length=Audience._meta.get_field("key").max_length,
)


class AudienceOut(Schema):
    """An audience readers may subscribe to, by its stable key."""

    key: str
    name: str
    description: str


class SubscriptionAccepted(Schema):
    """The one answer to an accepted subscription: check your email. Says nothing about the address."""

    detail: str


class ConsentText(Schema):
    """The exact consent wording of the subscribe form; a client shows it next to the `consent` box."""

    subscribe: str


@router.get(
    "/audiences/",
    response=list[AudienceOut],
    url_name="kvm_newsletter_audiences",
    operation_id="newsletter_audiences",
    summary="De doelgroepen waarvoor lezers zich kunnen aanmelden",
    openapi_extra=operation(
        example=[{"key": "residents", "name": "Bewoners", "description": "Voor Amsterdammers."}]
    ),
)
def audiences(request: HttpRequest):
    return Audience.objects.filter(is_public=True).order_by("position", "name")


@router.post(
    "/subscriptions/",
    response={202: SubscriptionAccepted},
    url_name="kvm_newsletter_subscribe",
    operation_id="newsletter_subscribe",
    summary="Aanmelden voor de nieuwsbrief",
    openapi_extra=operation(
        status=202,
        example={
            "detail": "Als dit adres zich kan aanmelden, staat er een e-mail met een bevestigingslink klaar."
        },
        body_example={
            "email": "jan@example.org",
            "audiences": ["residents"],
            "frequency": "every",
            "consent": True,
        },
        problems=(400, 422, 429),
    ),
)
def subscribe(request: HttpRequest, data: SubscriptionIn):
    """Ask to receive the newsletter; nothing changes for the address until the emailed link is confirmed."""
    form = SubscribeForm(data.dict(), timed=False)
    check_body(data, form)
    source_url = (
        request.META.get("HTTP_REFERER") or request.headers.get("Origin") or request.build_absolute_uri()
    )
    outcome = subscription_take(request, form=form, source_url=source_url)
    if outcome is Outcome.INVALID:
        raise form_problem(form, loc=("body", "data"))
    if outcome is Outcome.RATE_LIMITED:
        raise ApiProblem(429, str(RATE_LIMITED_MESSAGE), headers={"Retry-After": str(retry_after_seconds())})
    return Status(202, {"detail": str(SENT_MESSAGE)})


@router.get(
    "/consent-text/",
    response=ConsentText,
    url_name="kvm_newsletter_consent_text",
    operation_id="newsletter_consent_text",
    summary="De toestemmingstekst van het aanmeldformulier",
    openapi_extra=operation(example={"subscribe": "Ik wil de nieuwsbrief van Kracht van Mokum ontvangen. …"}),
)
def consent_text(request: HttpRequest):
    return {"subscribe": str(CONSENT_WORDING)}
