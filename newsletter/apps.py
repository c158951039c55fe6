from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Sends each published version of a document to its audiences, once per person."""

    name = "newsletter"
    label = "newsletter"
    verbose_name = _("Nieuwsbrief")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from pages.signals import version_published
        from supporters.signals import collect_personal_data, contacts_imported, erase_personal_data

        from . import checks, receivers  # noqa: F401 - checks register themselves

        version_published.connect(receivers.on_version_published, dispatch_uid="newsletter.version_published")
        contacts_imported.connect(receivers.on_contacts_imported, dispatch_uid="newsletter.contacts_imported")
        tracking.connect(receivers.on_tracking, dispatch_uid="newsletter.tracking")
        collect_personal_data.connect(receivers.on_collect_personal_data, dispatch_uid="newsletter.collect")
        erase_personal_data.connect(receivers.on_erase_personal_data, dispatch_uid="newsletter.erase")
