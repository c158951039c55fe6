from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Sends each published version of a document to its audiences, once per person."""

    name = "newsletter"
    label = "newsletter"
    verbose_name = _("Nieuwsbrief")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import inbound, tracking

        from pages.signals import version_published
        from supporters.personal_data import register_source
        from supporters.signals import contacts_imported

        from . import checks, receivers  # noqa: F401 - checks register themselves
        from .inbound import INBOUND_SOURCE
        from .personal_data import NEWSLETTER_SOURCE

        version_published.connect(receivers.on_version_published, dispatch_uid="newsletter.version_published")
        contacts_imported.connect(receivers.on_contacts_imported, dispatch_uid="newsletter.contacts_imported")
        tracking.connect(receivers.on_tracking, dispatch_uid="newsletter.tracking")
        register_source(NEWSLETTER_SOURCE)  # export and erasure (supporters/personal_data.py)
        inbound.connect(receivers.on_inbound, dispatch_uid="newsletter.inbound")
        register_source(INBOUND_SOURCE)  # the received emails, in export and erasure
