"""The outreach's admin URLs (namespace `outreach_admin`), mounted under /admin/nieuwsbrief/kandidaten/ by its
`wagtail_hooks`."""

from django.urls import path

from . import admin_views

app_name = "outreach_admin"

urlpatterns = [
    path("", admin_views.OutreachView.as_view(), name="outreach"),
    path("csv/", admin_views.OutreachCsvView.as_view(), name="outreach_csv"),
    path("<int:pk>/", admin_views.OutreachPersonView.as_view(), name="outreach_person"),
]
