"""Signals the supporters app sends. Receivers live in apps that may read `supporters` (e.g. newsletter).

- ``contacts_imported``: after `import_contacts` stored contacts. Arguments: ``contact_ids`` (list of Contact pks),
  ``audience`` (an audience key or None). The newsletter puts the contacts in that audience.
- ``collect_personal_data``: a person asked for an export. Argument: ``email`` (normalised). Each receiver returns
  a JSON-serialisable dict ``{"section name": data}`` of what its app stores about that address.
- ``erase_personal_data``: a person asked for erasure. Argument: ``email``. Each receiver deletes or anonymises what
  its app stores about that address, keeping only anonymous counts.
"""

from django.dispatch import Signal

contacts_imported = Signal()
collect_personal_data = Signal()
erase_personal_data = Signal()
