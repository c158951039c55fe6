"""Public URLs of the newsletter: include them before Wagtail's page serving (see `cms/urls.py`)."""

from anymail import urls as anymail_urls
from django.urls import include, path

from . import views
from .inbound import inbound_webhook_urls
from .webhooks import provider_webhook_urls

app_name = "newsletter"

urlpatterns = [
    path("nieuwsbrief/", views.subscribe, name="subscribe"),
    path("nieuwsbrief/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("nieuwsbrief/voorkeuren/", views.preferences_request, name="preferences_request"),
    path("nieuwsbrief/voorkeuren/<str:token>/", views.preferences, name="preferences"),
    path("nieuwsbrief/afmelden/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    # Only the configured provider's webhooks, e.g. /nieuwsbrief/provider/postmark/tracking/ (see webhooks.py).
    path(
        "nieuwsbrief/provider/",
        include((provider_webhook_urls() + inbound_webhook_urls(), anymail_urls.app_name)),
    ),
]
