from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The site that hosts the apps: settings, URLs and site-only management commands."""

    name = "cms"
    verbose_name = "Kracht van Mokum"

    def ready(self):
        from . import client_ip, login_limits  # noqa: F401  (a system check; the lock-notice receiver)
