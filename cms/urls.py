"""The site's URLs: Django's and Wagtail's admin, the headless API, the apps' own URLs, then Wagtail's page serving."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from .api import api
from .views import healthz, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v3/", api.urls),
    # The language switch in the footer posts to `set_language`, which keeps the choice in the language cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include("newsletter.urls")),
    path("", include("newsletter.outreach.urls")),
    path("steun/", include("supporters.urls")),
    path("", include("pages.urls")),
    path("", include(wagtail_urls)),
]

handler404 = "pages.views.page_not_found"
