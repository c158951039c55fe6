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
        from django.db.models.signals import post_delete, post_save

        from pages.signals import version_published
        from supporters.personal_data import register_source
        from supporters.signals import contacts_imported

        from . import checks, receivers  # noqa: F401 - checks register themselves
        from .inbound import INBOUND_SOURCE
        from .outreach import receivers as outreach_receivers
        from .outreach.mail import OUTREACH_TEMPLATES, OutreachTemplates
        from .outreach.personal_data import OUTREACH_SOURCE
        from .personal_data import NEWSLETTER_SOURCE
        from .personalisers import personaliser_register

        version_published.connect(receivers.on_version_published, dispatch_uid="newsletter.version_published")
        contacts_imported.connect(receivers.on_contacts_imported, dispatch_uid="newsletter.contacts_imported")
        tracking.connect(receivers.on_tracking, dispatch_uid="newsletter.tracking")
        outreach_receivers.connect()
        register_source(NEWSLETTER_SOURCE)  # export and erasure (supporters/personal_data.py)
        inbound.connect(receivers.on_inbound, dispatch_uid="newsletter.inbound")
        register_source(INBOUND_SOURCE)  # the received emails, in export and erasure
        register_source(OUTREACH_SOURCE)  # candidacies and commitments, in export and erasure
        personaliser_register(templates=OUTREACH_TEMPLATES, personaliser=OutreachTemplates())
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.on_public_outreach_change,
                sender="newsletter.OutreachActivity",
                dispatch_uid=f"newsletter.outreach_activity.{signal is post_save}",
            )
