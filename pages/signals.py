"""Signals the pages app sends. Other apps receive them; `pages` never imports those apps."""

from django.dispatch import Signal

# Sent once a new DocumentVersion is committed to the database.
# Arguments: sender=DocumentVersion, version=<DocumentVersion>, audiences=<list of audience keys to notify>.
version_published = Signal()
