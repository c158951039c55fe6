"""Public URLs of the newsletter: include them before Wagtail's page serving (see `cms/urls.py`)."""

import functools
import logging

from anymail import urls as anymail_urls
from django.http import HttpResponseBadRequest
from django.urls import URLPattern, include, path

from . import views

app_name = "newsletter"
logger = logging.getLogger(__name__)


def _malformed_is_bad_request(view):
    """anymail parses the provider's body after checking its authentication; a body it cannot parse is the
    sender's error (400, which providers retry), not ours (500)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            logger.warning("Malformed provider webhook at %s", request.path, exc_info=True)
            return HttpResponseBadRequest()

    return wrapped


provider_webhooks = [
    URLPattern(
        pattern.pattern, _malformed_is_bad_request(pattern.callback), pattern.default_args, pattern.name
    )
    for pattern in anymail_urls.urlpatterns
]

urlpatterns = [
    path("nieuwsbrief/", views.subscribe, name="subscribe"),
    path("nieuwsbrief/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("nieuwsbrief/voorkeuren/", views.preferences_request, name="preferences_request"),
    path("nieuwsbrief/voorkeuren/<str:token>/", views.preferences, name="preferences"),
    path("nieuwsbrief/afmelden/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    # Provider webhooks, e.g. /nieuwsbrief/provider/postmark/tracking/ (basic auth: ANYMAIL WEBHOOK_SECRET).
    path("nieuwsbrief/provider/", include((provider_webhooks, anymail_urls.app_name))),
]
