from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Sends each published version of a document to its audiences, once per person."""

    name = "newsletter"
    label = "newsletter"
    verbose_name = _("Nieuwsbrief")
    default_auto_field = "django.db.models.BigAutoField"
