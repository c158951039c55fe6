"""Site-level middleware: the Content-Security-Policy, with a looser policy for the admin."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


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
