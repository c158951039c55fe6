"""The provider's webhooks: only the configured provider's URLs are mounted, and each is authenticated and strict.

`provider_webhook_urls()` is the one place that decides which of anymail's webhook views the site serves:

- the *tracking* webhook of the provider that sends the mail (`KVM_NEWSLETTER["TRACKING_PROVIDER"]`, by default
  the anymail backend in `EMAIL_BACKEND`, recognised by its `esp_name`), and
- (inbound email is mounted beside it by `newsletter.inbound.inbound_webhook_urls()`, for the provider named
  by the `INBOUND_EMAIL_PROVIDER` setting, with the same webhook secret).

Every other provider's URL is simply not there (404), so a provider that is not configured cannot answer 500 with
`AnymailConfigurationError`. Each mounted view is wrapped by `strict_webhook`: no `ANYMAIL["WEBHOOK_SECRET"]` →
403 (the production settings refuse to start without one, and `check --deploy` reports `newsletter.E001`);
anymail's own authentication check → 400 on a wrong secret; then the whole request runs in one transaction, so a
body that anymail or `tracking_event_check` finds malformed is a 400 and writes nothing, not even the events of
the same batch before it. Receivers of anymail's `tracking` / `inbound` signals raise `MalformedEvent` for an event
they cannot use.

Adding a kind of webhook (as inbound email does): give it a `KVM_NEWSLETTER` option naming the provider and a
`(kind, option)` row in `WEBHOOK_KINDS`; the URL is `/nieuwsbrief/provider/<esp>/<kind>/` as anymail names it.
"""

import functools
import logging
from collections.abc import Callable

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError, AnymailError
from anymail.signals import AnymailTrackingEvent
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.urls import URLPattern
from django.utils.module_loading import import_string

from .conf import newsletter_setting

logger = logging.getLogger(__name__)

# kind of webhook (anymail's URL name is "<esp>_<kind>_webhook") → the option naming its provider
WEBHOOK_KINDS: tuple[tuple[str, str], ...] = (("tracking", "TRACKING_PROVIDER"),)


class MalformedEvent(ValueError):
    """A provider event that cannot be right (no content, a recipient that is not an address): answered 400."""


def esp_key(esp_name: str) -> str:
    """anymail's `esp_name` ("Amazon SES", "Postmark") as its webhook URLs spell it ("amazon_ses", "postmark")."""
    return esp_name.strip().lower().replace(" ", "_")


def backend_provider() -> str | None:
    """The provider of the configured anymail backend, or None for SMTP, the outbox and other non-anymail backends."""
    try:
        backend = import_string(settings.EMAIL_BACKEND)
    except ImportError:
        return None
    esp_name = getattr(backend, "esp_name", None)
    return esp_key(esp_name) if isinstance(esp_name, str) and esp_name else None


def webhook_provider(kind: str) -> str | None:
    """The provider whose `kind` webhook is mounted, or None. Tracking defaults to the sending backend's provider."""
    option = dict(WEBHOOK_KINDS)[kind]
    value = newsletter_setting(option)
    if value is None and kind == "tracking":
        return backend_provider()
    return esp_key(value) if value else None


def mounted_webhooks() -> dict[str, str]:
    """{kind: provider} of every webhook the site serves."""
    return {kind: provider for kind, _option in WEBHOOK_KINDS if (provider := webhook_provider(kind))}


def webhook_secret() -> str:
    return str(getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET") or "")


def strict_webhook(view: Callable) -> Callable:
    """Refuse without a configured secret; run the view in one transaction; a malformed body is a 400."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not webhook_secret():
            logger.error("Provider webhook %s refused: ANYMAIL['WEBHOOK_SECRET'] is not set", request.path)
            return HttpResponseForbidden()
        try:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except (
            AnymailError,
            AnymailConfigurationError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            UnicodeDecodeError,
        ):
            # ValueError covers MalformedEvent and bodies that are not JSON; anymail raises its configuration
            # error for a body of the wrong kind (an inbound message at the tracking URL).
            logger.warning("Malformed provider webhook at %s", request.path, exc_info=True)
            return HttpResponseBadRequest()

    return wrapped


def _url_names(provider: str, kind: str) -> set[str]:
    names = {f"{provider}_{kind}_webhook"}
    if provider == "mandrill":
        names.add("mandrill_webhook")  # Mandrill has one combined URL for tracking and inbound
    return names


def provider_webhook_urls(*, providers: dict[str, str] | None = None) -> list[URLPattern]:
    """anymail's URL patterns for the given {kind: provider} (default: `mounted_webhooks()`), strictly wrapped.

    Mount them under one prefix, e.g. `path("nieuwsbrief/provider/", include((provider_webhook_urls(), "anymail")))`.
    """
    providers = mounted_webhooks() if providers is None else providers
    wanted = set()
    for kind, provider in providers.items():
        wanted |= _url_names(provider, kind)
    return [
        URLPattern(pattern.pattern, strict_webhook(pattern.callback), pattern.default_args, pattern.name)
        for pattern in anymail_urls.urlpatterns
        if pattern.name in wanted
    ]


def tracking_event_check(event: AnymailTrackingEvent) -> None:
    """Raise MalformedEvent for an event with no content or a recipient that is not one email address."""
    raw = event.esp_event
    if isinstance(raw, dict | list) and not raw:
        raise MalformedEvent("empty event")
    if event.recipient is None:
        return
    if not isinstance(event.recipient, str):
        raise MalformedEvent("recipient is not a string")
    try:
        validate_email(event.recipient.strip())
    except ValidationError as error:
        raise MalformedEvent("recipient is not an email address") from error
