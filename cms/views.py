"""Site-only views."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for a load balancer: answers without touching the database. Also the benchmarks' baseline view."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def robots_txt(request):
    """Everything public may be indexed except the admin, the API and the personal links; points to the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /api/",
        "Disallow: /steun/",
        "Disallow: /nieuwsbrief/gesprek/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
