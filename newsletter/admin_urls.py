"""Admin URLs of the newsletter, mounted under /admin/nieuwsbrief/ by `wagtail_hooks`."""

from django.urls import path

from . import admin_views

app_name = "newsletter_admin"

urlpatterns = [
    path("", admin_views.MailingIndexView.as_view(), name="mailings"),
    path("<int:pk>/", admin_views.MailingDetailView.as_view(), name="mailing"),
    path("versie/<int:version_id>/", admin_views.version_mailing, name="version_mailing"),
    path("<int:pk>/actie/", admin_views.MailingActionView.as_view(), name="mailing_action"),
    path("voorbeeld/", admin_views.PreviewView.as_view(), name="preview"),
]
