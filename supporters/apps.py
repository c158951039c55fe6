from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    """Endorsements, sign-ups, reactions and the partner network around a living document."""

    name = "supporters"
    label = "supporters"
    verbose_name = _("Supporters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pages.signals import version_published

        from .receivers import version_published_received

        version_published.connect(version_published_received, dispatch_uid="supporters.version_published")
