"""Site-only views."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for a load balancer: answers without touching the database. Also the benchmarks' baseline view."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
