"""Public pages: subscribe, confirm, preferences, one-click unsubscribe. Bad input gets a 4xx page, never a 500."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from supporters.intake import Outcome
from supporters.protection import RATE_LIMITED_MESSAGE, mail_allowed, rate_limited, retry_after_seconds
from supporters.tokens import InvalidToken

from .forms import PreferencesForm, PreferencesLinkForm, SubscribeForm
from .intake import subscription_take
from .links import RecipientLink, read_recipient_token
from .models import Subscriber
from .selectors import preference_audiences, subscribed_keys
from .services import (
    preferences_link_request,
    preferences_update,
    subscriber_for_link,
    subscription_confirm,
    unsubscribe,
    unsubscribe_all,
)


def _page(request, template: str, context: dict | None = None, *, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, f"newsletter/{template}", context or {}, status=status)


def _invalid_link(request) -> TemplateResponse:
    return _page(request, "link_invalid.html", status=400)


def masked(email: str) -> str:
    """j…@example.org: enough for a person to recognise their address, not enough to read it off a screen."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    outcome = subscription_take(
        request, form=form, source_url=request.META.get("HTTP_REFERER", "")[:500] or request.path
    )
    if outcome is Outcome.INVALID:
        return _page(request, "subscribe.html", {"form": form}, status=400)
    if outcome is Outcome.RATE_LIMITED:
        return _too_many(request, "subscribe.html", form)
    return _page(request, "subscribe_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A link in an email never changes anything by itself (mail scanners follow links): confirm by POST."""
    if request.method != "POST":
        return _page(request, "confirm.html", {"token": token})
    subscriber = subscription_confirm(token=token)
    if subscriber is None:
        return _invalid_link(request)
    return _page(request, "confirmed.html", {"subscriber_name": subscriber.name})


def _link(token: str) -> tuple[RecipientLink, Subscriber] | None:
    try:
        link = read_recipient_token(token)
    except InvalidToken:
        return None
    subscriber = subscriber_for_link(link)
    return (link, subscriber) if subscriber is not None else None


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    found = _link(token)
    if found is None:
        return _invalid_link(request)
    _link_data, subscriber = found
    audiences = preference_audiences(subscriber=subscriber)
    if request.method == "POST" and "unsubscribe_all" in request.POST:
        unsubscribe_all(subscriber=subscriber)
        return _page(request, "unsubscribed.html", {"everything": True})
    if request.method == "POST":
        form = PreferencesForm(request.POST, audiences=audiences)
        if form.is_valid():
            preferences_update(
                subscriber=subscriber,
                audience_keys=form.cleaned_data["audiences"],
                frequency=form.cleaned_data["frequency"],
            )
            return _page(
                request,
                "preferences.html",
                {
                    "form": PreferencesForm(initial=_initial(subscriber), audiences=audiences),
                    "saved": True,
                    "address": masked(subscriber.email),
                },
            )
        return _page(
            request, "preferences.html", {"form": form, "address": masked(subscriber.email)}, status=400
        )
    form = PreferencesForm(initial=_initial(subscriber), audiences=audiences)
    return _page(request, "preferences.html", {"form": form, "address": masked(subscriber.email)})


def _initial(subscriber: Subscriber) -> dict:
    keys = subscribed_keys(subscriber=subscriber) if subscriber.unsubscribed_at is None else set()
    return {"audiences": sorted(keys), "frequency": subscriber.frequency}


def _too_many(request: HttpRequest, template: str, form) -> HttpResponse:
    response = _page(request, template, {"form": form, "error": RATE_LIMITED_MESSAGE}, status=429)
    response["Retry-After"] = str(retry_after_seconds())
    return response


@require_http_methods(["GET", "POST"])
def preferences_request(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "preferences_request.html", {"form": PreferencesLinkForm()})
    form = PreferencesLinkForm(request.POST)
    if not form.is_valid():
        return _page(request, "preferences_request.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if form.is_probably_bot():
        return _page(request, "preferences_request_sent.html")
    if rate_limited(request, group="newsletter-preferences"):
        return _too_many(request, "preferences_request.html", form)
    if mail_allowed(request, group="newsletter-preferences", email=email):
        preferences_link_request(email=email)
    return _page(request, "preferences_request_sent.html")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST with `List-Unsubscribe=One-Click` unsubscribes at once, without cookies (the
    signed token is the authorisation, hence no CSRF check). A GET only shows a page with that same button.
    """
    try:
        link = read_recipient_token(token)
    except InvalidToken:
        return _invalid_link(request)
    if subscriber_for_link(link) is None:  # a genuine link of someone no longer here: nothing left to stop
        return _page(request, "unsubscribed.html", {"everything": True})
    if request.method != "POST":
        return _page(request, "unsubscribe.html", {"token": token, "audience_key": link.audience_key})
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return _page(request, "unsubscribe.html", {"token": token}, status=400)
    unsubscribe(link=link)
    return _page(request, "unsubscribed.html", {"everything": not link.audience_key, "token": token})
