from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    """Endorsements, sign-ups, reactions and the partner network around a living document."""

    name = "supporters"
    label = "supporters"
    verbose_name = _("Supporters")
    default_auto_field = "django.db.models.BigAutoField"
