from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The living document: its page types, versions and public pages."""

    name = "pages"
    label = "pages"
    verbose_name = _("Levend document")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache import connect_invalidation

        connect_invalidation()
