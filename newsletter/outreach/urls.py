"""The outreach's public URLs, added to the newsletter's (namespace `newsletter`)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("nieuwsbrief/standpunt/<str:token>/", public_views.commitment, name="commitment"),
    path("kandidaten/", public_views.candidates_index, name="candidates"),
    path("kandidaten/<slug:slug>/", public_views.candidates_party, name="candidates_party"),
]
