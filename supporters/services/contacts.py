"""The partner network: upsert one contact, import many (from `supporters.imports`), announce them to other apps."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ..imports import ContactRow, RowError
from ..models import Contact, ContactRole, Organisation, OrganisationKind
from ..signals import contacts_imported


def organisation_for_name(name: str, *, kind: str | None = None) -> Organisation | None:
    """The organisation with this name (case-insensitive; of `kind` when given), created when unknown."""
    name = (name or "").strip()
    if not name:
        return None
    existing = Organisation.objects.filter(name__iexact=name)
    if kind:
        existing = existing.filter(kind=kind)
    found = existing.order_by("pk").first()
    return found or Organisation.objects.create(name=name, kind=kind or OrganisationKind.ALLY)


class ContactConflict(ValueError):
    """The row's list place belongs to one contact and its email to another: the editor must decide."""


def _existing_contact(*, email: str, party: Organisation | None, position: int | None) -> Contact | None:
    """The contact this row describes: the one at this party's list place, else the one with this email."""
    by_place = None
    if party is not None and position:
        by_place = Contact.objects.select_for_update().filter(organisation=party, position=position).first()
    by_email = Contact.objects.select_for_update().filter(email=email).first()
    if by_place and by_email and by_place.pk != by_email.pk:
        raise ContactConflict(
            _("plaats %(position)s van %(party)s hoort bij een ander contact dan dit e-mailadres")
            % {"position": position, "party": party.name}
        )
    return by_place or by_email


def contact_upsert(
    *,
    name: str,
    email: str,
    organisation: str = "",
    role: str = ContactRole.OTHER,
    party: str = "",
    position: int | None = None,
    **fields,
) -> tuple[Contact, bool]:
    """Create or update one contact; returns (contact, created).

    A row with a party is a candidate list entry: the party becomes an organisation of kind "political party",
    and a corrected list updates the person at the same party and place (or with the same email) in place.
    Extra keyword arguments are Contact fields set as given.
    """
    email = (email or "").strip().lower()
    with transaction.atomic():
        party_org = organisation_for_name(party, kind=OrganisationKind.POLITICAL_PARTY) if party else None
        contact = _existing_contact(email=email, party=party_org, position=position)
        created = contact is None
        contact = contact or Contact(email=email)
        contact.name = name
        contact.email = email
        contact.role = role or ContactRole.OTHER
        if party_org is not None:
            contact.organisation = party_org
            contact.position = position
        elif organisation:
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
        try:
            contact, created = contact_upsert(**row.data)
        except ContactConflict as conflict:
            report.errors.append(RowError(line=row.line, message=str(conflict)))
            continue
        report.created += created
        report.updated += not created
        report.contact_ids.append(contact.pk)
    report.contact_ids = list(dict.fromkeys(report.contact_ids))
    if report.contact_ids:
        contacts_imported.send(sender=Contact, contact_ids=report.contact_ids, audience=audience)
    return report
