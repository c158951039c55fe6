"""Public URLs of the newsletter: include them before Wagtail's page serving (see `cms/urls.py`)."""

from django.urls import include, path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("nieuwsbrief/", views.subscribe, name="subscribe"),
    path("nieuwsbrief/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("nieuwsbrief/voorkeuren/", views.preferences_request, name="preferences_request"),
    path("nieuwsbrief/voorkeuren/<str:token>/", views.preferences, name="preferences"),
    path("nieuwsbrief/afmelden/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    # Provider webhooks, e.g. /nieuwsbrief/provider/postmark/tracking/ (basic auth: ANYMAIL WEBHOOK_SECRET).
    path("nieuwsbrief/provider/", include("anymail.urls")),
]
