"""Site-level middleware: the Content-Security-Policy (looser for the admin), and readers' 404 pages under DEBUG."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, sending `ADMIN_CONTENT_SECURITY_POLICY` under the admin's URL prefixes.

    Wagtail's admin needs inline scripts and styles; public pages get the strict `CONTENT_SECURITY_POLICY`.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin_policy = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None)
        if (
            admin_policy
            and not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin_policy.get("URL_PREFIXES", ())))
        ):
            parts.config = admin_policy["DIRECTIVES"]
        return parts


class PublicNotFoundMiddleware:
    """Readers get the site's Dutch 404 page, or the 410 page of a removed activity, under DEBUG as well.

    With DEBUG on, Django answers a `Http404` with its technical page instead of calling `handler404`; this hands
    such exceptions from public views to the same handler. The admin and the API keep their own error pages.
    """

    EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404) or request.path_info.startswith(self.EXCLUDED_PREFIXES):
            return None
        handler = import_string(getattr(settings, "PUBLIC_NOT_FOUND_HANDLER", "pages.views.page_not_found"))
        return handler(request, exception)
