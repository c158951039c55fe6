from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The living document: its page types, versions and public pages."""

    name = "pages"
    label = "pages"
    verbose_name = _("Levend document")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from .cache import connect_invalidation
        from .events.receivers import activity_published

        connect_invalidation()
        page_published.connect(activity_published, dispatch_uid="pages.events.activity_published")
