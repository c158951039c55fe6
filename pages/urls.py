"""URLs the pages app adds in front of Wagtail's page serving. Include them before `wagtail.urls`.

Wagtail's own pattern only accepts letters, digits, `-` and `_` in a path, so the comparison route
`versies/<a>...<b>/` (and `versies/<a>...nu/`) of a document needs this pattern to reach Wagtail's `serve` view at all.
"""

from django.urls import path, re_path, register_converter
from wagtail import views as wagtail_views

from .events import views as agenda

app_name = "pages"


class IdConverter:
    """A database id in a path: at most nine digits, so no value overflows an integer column."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    re_path(
        r"^((?:[\w\-]+/)*versies/[0-9]{1,9}\.\.\.(?:[0-9]{1,9}|nu)/)$", wagtail_views.serve, name="compare"
    ),
    path("agenda/", agenda.agenda, name="agenda"),
    path("agenda/feed.ics", agenda.feed, name="agenda_feed"),
    path("agenda/archief/", agenda.archive, name="agenda_archive"),
    path("agenda/stadsdeel/<slug:district>/", agenda.agenda, name="agenda_district"),
    path("agenda/stadsdeel/<slug:district>/feed.ics", agenda.district_feed, name="agenda_district_feed"),
    path("agenda/activiteit/<id:activity_id>/feed.ics", agenda.activity_feed, name="agenda_activity_feed"),
    path("agenda/<id:event_id>/", agenda.event_detail, name="event"),
    path("agenda/<id:event_id>/agenda.ics", agenda.event_ics, name="event_ics"),
]
