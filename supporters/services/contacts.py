"""The partner network: upsert one contact, import many (from `supporters.imports`), announce them to other apps."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ..imports import ContactRow, RowError
from ..models import Contact, ContactRole, Organisation
from ..signals import contacts_imported


def organisation_for_name(name: str) -> Organisation | None:
    """The organisation with this name (any kind, case-insensitive), created as an ally when unknown."""
    name = (name or "").strip()
    if not name:
        return None
    existing = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    return existing or Organisation.objects.create(name=name)


def contact_upsert(
    *, name: str, email: str, organisation: str = "", role: str = ContactRole.OTHER, **fields
) -> tuple[Contact, bool]:
    """Create or update the contact with this (normalised) email; returns (contact, created).

    Extra keyword arguments are Contact fields (e.g. `position`) set as given.
    """
    email = (email or "").strip().lower()
    with transaction.atomic():
        contact, created = Contact.objects.select_for_update().get_or_create(
            email=email, defaults={"name": name}
        )
        contact.name = name
        contact.role = role or ContactRole.OTHER
        if organisation:
            contact.organisation = organisation_for_name(organisation)
        for key, value in fields.items():
            setattr(contact, key, value)
        contact.save()
    return contact, created


@dataclass
class ImportReport:
    """What an import did: how many contacts were created or updated, and the rows it could not use."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)


def contacts_import(*, rows: Iterable[ContactRow | RowError], audience: str | None = None) -> ImportReport:
    """Upsert every valid row (each in its own transaction), collect the bad ones, then send `contacts_imported`."""
    report = ImportReport()
    for row in rows:
        if isinstance(row, RowError):
            report.errors.append(row)
            continue
        contact, created = contact_upsert(**row.data)
        report.created += created
        report.updated += not created
        report.contact_ids.append(contact.pk)
    report.contact_ids = list(dict.fromkeys(report.contact_ids))
    if report.contact_ids:
        contacts_imported.send(sender=Contact, contact_ids=report.contact_ids, audience=audience)
    return report
