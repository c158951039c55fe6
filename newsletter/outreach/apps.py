from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """The pleidooi to candidates and party leaders, and their answers: plugs into the newsletter, which knows
    nothing of it. Its models keep the newsletter's app label (see `models.py`)."""

    name = "newsletter.outreach"
    label = "outreach"
    verbose_name = _("Benadering van kandidaten en fractieleiders")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from supporters.personal_data import register_source

        from ..personalisers import personaliser_register
        from . import receivers
        from .mail import OUTREACH_TEMPLATES, OutreachTemplates
        from .personal_data import OUTREACH_SOURCE

        receivers.connect()
        register_source(
            OUTREACH_SOURCE
        )  # candidacies, commitments, answers and reminders, in export and erasure
        personaliser_register(templates=OUTREACH_TEMPLATES, personaliser=OutreachTemplates())
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.on_public_outreach_change,
                sender="newsletter.OutreachActivity",
                dispatch_uid=f"newsletter.outreach_activity.{signal is post_save}",
            )
