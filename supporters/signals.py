"""Signals the supporters app sends. Receivers live in apps that may read `supporters` (e.g. newsletter).

- ``contacts_imported``: after `import_contacts` (``services.contacts_import``) stored contacts; sent once per import,
  only when at least one row was stored. Arguments: ``sender=Contact``, ``contact_ids`` (list of Contact pks, created
  and updated alike, no duplicates), ``audience`` (an audience key already checked against
  ``pages.extensions.version_audience_choices()``, or None). The newsletter puts the contacts in that audience.
  Sent inside the import's transaction: receivers do their work at once and in bulk (no per-contact query, no
  background task), so that an import is complete — contacts and their audiences — when it answers.
- ``collect_personal_data`` / ``erase_personal_data``: an app that stores personal data registers a
  ``supporters.personal_data.PersonalDataSource`` instead (its models are then checked by the completeness test);
  these signals are still sent afterwards for receivers that only add to an export.
- ``collect_personal_data``: a person asked for an export (by a signed link). Arguments: ``sender=Endorsement``,
  ``email`` (normalised: stripped, lower case). Each receiver returns a JSON-serialisable dict
  ``{"section name": data}`` of what its app stores about that address; the dicts are merged into the export.
- ``erase_personal_data``: a person asked for erasure (by a signed link), sent after the supporters app erased its
  own rows. Arguments: ``sender=Endorsement``, ``email`` (normalised). Each receiver deletes or anonymises what its
  app stores about that address, keeping only anonymous counts.
"""

from django.dispatch import Signal

contacts_imported = Signal()
collect_personal_data = Signal()
erase_personal_data = Signal()
