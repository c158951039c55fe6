"""Admin wiring for the living document: audit-log actions (and, with versions, the publish action)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .actions import LOG_ACTION


@hooks.register("register_log_actions")
def register_version_log_actions(actions):
    def message(log_entry):
        return _("Versie %(number)s gepubliceerd") % {"number": log_entry.data.get("number", "?")}

    actions.register_action(LOG_ACTION, _("Versie gepubliceerd"), message)
