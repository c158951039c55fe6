"""URLs the pages app adds in front of Wagtail's page serving. Include them before `wagtail.urls`.

Wagtail's own pattern only accepts letters, digits, `-` and `_` in a path, so the comparison route
`versies/<a>...<b>/` of a document needs this pattern to reach Wagtail's `serve` view at all.
"""

from django.urls import re_path
from wagtail import views as wagtail_views

app_name = "pages"

urlpatterns = [
    re_path(r"^((?:[\w\-]+/)*versies/[0-9]{1,9}\.\.\.[0-9]{1,9}/)$", wagtail_views.serve, name="compare"),
]
