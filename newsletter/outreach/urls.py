"""The outreach's public URLs (namespace `outreach`), included by `cms/urls.py` before Wagtail's page serving."""

from django.urls import path

from . import public_views, views

app_name = "outreach"

urlpatterns = [
    path("nieuwsbrief/gesprek/<str:token>/", views.answer, name="answer"),
    path("nieuwsbrief/standpunt/<str:token>/", public_views.commitment, name="commitment"),
    path("kandidaten/", public_views.candidates_index, name="candidates"),
    path("kandidaten/<slug:slug>/", public_views.candidates_party, name="candidates_party"),
]
