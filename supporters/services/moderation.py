"""What editors do with the inbox: approve, reject or process reactions and messages; turn a suggestion into an activity."""

from django.db import transaction
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator, slugify
from wagtail.coreutils import find_available_slug

from pages.models import ActivityPage, CallPage

from ..models import Endorsement, ModerationStatus, Reaction, ReactionStatus

REACTION_DECISIONS = {
    "approve": ReactionStatus.APPROVED,
    "reject": ReactionStatus.REJECTED,
    "process": ReactionStatus.PROCESSED,
}
MESSAGE_DECISIONS = {"approve": ModerationStatus.APPROVED, "reject": ModerationStatus.REJECTED}


def reaction_moderate(*, reaction: Reaction, decision: str) -> Reaction:
    """Approve (make public), reject or mark processed. Unconfirmed reactions cannot be moderated."""
    if decision not in REACTION_DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if reaction.status == ReactionStatus.UNCONFIRMED:
        raise ValueError("reaction is not confirmed")
    reaction.status = REACTION_DECISIONS[decision]
    reaction.save(update_fields=["status"])
    return reaction


def endorsement_message_moderate(*, endorsement: Endorsement, decision: str) -> Endorsement:
    """Approve or reject the public message of an endorsement (the endorsement itself counts either way)."""
    if decision not in MESSAGE_DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    endorsement.message_status = MESSAGE_DECISIONS[decision]
    endorsement.save(update_fields=["message_status"])
    return endorsement


def reaction_to_activity(*, reaction: Reaction, call: CallPage, title: str = "", user=None) -> ActivityPage:
    """Create an unpublished draft activity under `call` from a suggestion, linked to it, and mark it processed.

    When a version first contains the activity, the person who suggested it gets one email.
    """
    title = (title or "").strip() or Truncator(reaction.text).words(8, truncate="…")
    with transaction.atomic():
        activity = ActivityPage(
            title=title[:255],
            slug=find_available_slug(call, slugify(title)[:80] or "activiteit"),
            description=linebreaks(escape(reaction.text)),
            live=False,
        )
        call.add_child(instance=activity)
        activity.save_revision(user=user, log_action=True)
        reaction.activity = activity
        reaction.status = ReactionStatus.PROCESSED
        reaction.save(update_fields=["activity", "status"])
    return activity
