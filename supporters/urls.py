"""Public URLs of the supporters app. Include them before Wagtail's page serving, e.g. under `steun/`."""

from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("<int:page_id>/steunen/", views.endorse, name="endorse"),
    path("<int:page_id>/aanmelden/", views.signup, name="signup"),
    path("<int:page_id>/reageren/", views.react, name="react"),
    path("<int:page_id>/reacties/", views.reactions, name="reactions"),
    path("bevestigen/<slug:kind>/<str:token>/", views.confirm, name="confirm"),
    path("agenda/<int:event_id>/aanmelden/", views.register, name="register"),
    path("agenda/afmelden/<str:token>/", views.registration_cancel, name="registration_cancel"),
    path("wijziging/<str:token>/", views.change, name="change"),
    path("gegevens/", views.data_request, name="data_request"),
    path("gegevens/download/<str:token>/", views.data_export, name="data_export"),
    path("gegevens/verwijderen/<str:token>/", views.data_erase, name="data_erase"),
]
