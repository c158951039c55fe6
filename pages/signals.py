"""Signals the pages app sends. Other apps receive them; `pages` never imports those apps."""

from django.dispatch import Signal

# Sent once a new DocumentVersion is committed to the database.
# Arguments: sender=DocumentVersion, version=<DocumentVersion>, audiences=<list of audience keys to notify>,
# send_at=<aware datetime or None: when the notification should go; None means now>.
version_published = Signal()

# Sent once an activity's publish changed an event's time, place or status (after the commit).
# Arguments: sender=EventChange, change=<pages.events.models.EventChange> (event, sequence, changes: the
# change list's entries, each with field, old, new and text).
event_changed = Signal()
