"""Writes of the supporters app, as keyword-only `<noun>_<verb>(*, ...)` functions.

The public forms, the admin and (later) the headless API call these same functions, so that double opt-in,
deduplication and "same answer for known and unknown addresses" hold whichever door a request comes through.
"""

from .contacts import ImportReport, contact_upsert, contacts_import
from .email_reactions import (
    EMAIL_CONSENT_TEXT,
    email_reaction_submit,
    person_is_confirmed,
    reaction_to_signup,
)
from .moderation import (
    endorsement_message_moderate,
    reaction_moderate,
    reaction_to_activity,
)
from .notifications import change_notices_send, suggestion_notices_send, version_notify
from .privacy import (
    data_links_send,
    email_from_token,
    personal_data_collect,
    personal_data_erase,
    personal_data_request,
)
from .registrations import (
    event_change_notify,
    event_reminders_send,
    registration_cancel,
    registration_submit,
    registration_waitlist_promote,
)
from .submissions import (
    SUBMISSION_MODELS,
    ConfirmResult,
    change_answer_apply,
    endorsement_submit,
    normalise_email,
    reaction_submit,
    signup_promoted_mail_send,
    signup_submit,
    submission_confirm,
    submission_mail_send,
)

__all__ = [
    "EMAIL_CONSENT_TEXT",
    "SUBMISSION_MODELS",
    "ConfirmResult",
    "ImportReport",
    "change_answer_apply",
    "change_notices_send",
    "contact_upsert",
    "contacts_import",
    "data_links_send",
    "email_from_token",
    "email_reaction_submit",
    "endorsement_message_moderate",
    "endorsement_submit",
    "event_change_notify",
    "event_reminders_send",
    "normalise_email",
    "person_is_confirmed",
    "personal_data_collect",
    "personal_data_erase",
    "personal_data_request",
    "reaction_moderate",
    "reaction_submit",
    "reaction_to_activity",
    "reaction_to_signup",
    "registration_cancel",
    "registration_submit",
    "registration_waitlist_promote",
    "signup_promoted_mail_send",
    "signup_submit",
    "submission_confirm",
    "submission_mail_send",
    "suggestion_notices_send",
    "version_notify",
]
