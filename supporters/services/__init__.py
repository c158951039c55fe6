"""Writes of the supporters app, as keyword-only `<noun>_<verb>(*, ...)` functions.

The public forms, the admin and (later) the headless API call these same functions, so that double opt-in,
deduplication and "same answer for known and unknown addresses" hold whichever door a request comes through.
"""

from .contacts import ImportReport, contact_upsert, contacts_import
from .moderation import (
    endorsement_message_moderate,
    reaction_moderate,
    reaction_to_activity,
)
from .notifications import change_notices_send, suggestion_notices_send, version_notify
from .privacy import personal_data_collect, personal_data_erase, personal_data_request
from .submissions import (
    SUBMISSION_MODELS,
    ConfirmResult,
    change_answer_apply,
    endorsement_submit,
    normalise_email,
    reaction_submit,
    signup_submit,
    submission_confirm,
    submission_mail_send,
)

__all__ = [
    "SUBMISSION_MODELS",
    "ConfirmResult",
    "ImportReport",
    "change_answer_apply",
    "change_notices_send",
    "contact_upsert",
    "contacts_import",
    "endorsement_message_moderate",
    "endorsement_submit",
    "normalise_email",
    "personal_data_collect",
    "personal_data_erase",
    "personal_data_request",
    "reaction_moderate",
    "reaction_submit",
    "reaction_to_activity",
    "signup_submit",
    "submission_confirm",
    "submission_mail_send",
    "suggestion_notices_send",
    "version_notify",
]
