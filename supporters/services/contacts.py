"""The partner network: upsert one contact, import many (from `supporters.imports`), announce them to other apps."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
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


CHUNK = 5000


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _organisations(names: Iterable[str], *, kind: str | None) -> dict[str, Organisation]:
    """`organisation_for_name` for many names at once: lower-cased name → organisation, the missing created."""
    wanted: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())  # the first spelling in the file is kept
    found: dict[str, Organisation] = {}
    for chunk in _chunks(list(wanted)):
        existing = Organisation.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk)
        if kind:
            existing = existing.filter(kind=kind)
        for organisation in existing.order_by("-pk"):  # the oldest wins, as in organisation_for_name
            found[organisation.lower_name] = organisation
    missing = [
        Organisation(name=wanted[key], kind=kind or OrganisationKind.ALLY)
        for key in wanted
        if key not in found
    ]
    for organisation in Organisation.objects.bulk_create(missing, batch_size=1000):
        found[organisation.name.lower()] = organisation
    return found


class _ContactIndex:
    """The contacts an import may touch, by email and by (party, list place), kept current as rows apply."""

    def __init__(self, *, emails: list[str], party_ids: list[int]):
        self.by_email: dict[str, Contact] = {}
        self.by_place: dict[tuple[int, int], Contact] = {}
        for chunk in _chunks(emails):
            for contact in Contact.objects.select_for_update().filter(email__in=chunk):
                self.by_email[contact.email] = contact
        if party_ids:
            places = Contact.objects.select_for_update().filter(
                organisation_id__in=party_ids, position__isnull=False
            )
            for contact in places:
                contact = self.by_email.get(contact.email, contact)
                self.by_place[(contact.organisation_id, contact.position)] = contact

    def find(self, *, email: str, party: Organisation | None, position: int | None) -> Contact | None:
        by_place = self.by_place.get((party.pk, position)) if party is not None and position else None
        by_email = self.by_email.get(email)
        if by_place is not None and by_email is not None and by_place is not by_email:
            raise ContactConflict(
                _("plaats %(position)s van %(party)s hoort bij een ander contact dan dit e-mailadres")
                % {"position": position, "party": party.name}
            )
        return by_place or by_email

    def forget(self, contact: Contact) -> None:
        if self.by_email.get(contact.email) is contact:
            del self.by_email[contact.email]
        place = (contact.organisation_id, contact.position)
        if self.by_place.get(place) is contact:
            del self.by_place[place]

    def remember(self, contact: Contact) -> None:
        self.by_email[contact.email] = contact
        if contact.organisation_id and contact.position:
            self.by_place[(contact.organisation_id, contact.position)] = contact


def contacts_import(*, rows: Iterable[ContactRow | RowError], audience: str | None = None) -> ImportReport:
    """Upsert every valid row in bulk, collect the bad ones, then send `contacts_imported` — all in one
    transaction, so that when this returns every valid row is stored and (through the signal's receivers)
    on its audience. A fixed number of queries per 5,000 rows, whatever the file's length.

    Rows apply in file order with `contact_upsert`'s rules (a list place wins over an email, a conflict between
    them is a row error), against an in-memory index of the contacts the file names.
    """
    report = ImportReport()
    valid: list[ContactRow] = []
    for row in rows:
        if isinstance(row, RowError):
            report.errors.append(row)
        else:
            valid.append(row)
    now = timezone.now()
    with transaction.atomic():
        parties = _organisations(
            (row.data.get("party") or "" for row in valid), kind=OrganisationKind.POLITICAL_PARTY
        )
        others = _organisations(
            (row.data.get("organisation") or "" for row in valid if not row.data.get("party")), kind=None
        )
        index = _ContactIndex(
            emails=list({row.data["email"] for row in valid}), party_ids=[org.pk for org in parties.values()]
        )
        touched: dict[int, Contact] = {}
        extra_fields: set[str] = set()
        for row in valid:
            data = dict(row.data)
            email = (data.pop("email") or "").strip().lower()
            name = data.pop("name")
            role = data.pop("role", "") or ContactRole.OTHER
            party_name = (data.pop("party", "") or "").strip()
            organisation = (data.pop("organisation", "") or "").strip()
            position = data.pop("position", None)
            party = parties.get(party_name.lower()) if party_name else None
            try:
                contact = index.find(email=email, party=party, position=position)
            except ContactConflict as conflict:
                report.errors.append(RowError(line=row.line, message=str(conflict)))
                continue
            created = contact is None
            contact = contact or Contact(email=email, created_at=now)
            index.forget(contact)
            contact.name, contact.email, contact.role = name, email, role
            if party is not None:
                contact.organisation, contact.position = party, position
            elif organisation:
                contact.organisation = others[organisation.lower()]
            for key, value in data.items():
                setattr(contact, key, value)
                extra_fields.add(key)
            contact.updated_at = now
            index.remember(contact)
            touched[id(contact)] = contact
            report.created += created
            report.updated += not created
        new = [contact for contact in touched.values() if contact.pk is None]
        old = [contact for contact in touched.values() if contact.pk is not None]
        Contact.objects.bulk_create(new, batch_size=1000)
        fields = ["name", "email", "role", "organisation", "position", "updated_at", *sorted(extra_fields)]
        Contact.objects.bulk_update(old, fields, batch_size=1000)
        report.contact_ids = [contact.pk for contact in touched.values()]
        if report.contact_ids:
            contacts_imported.send(sender=Contact, contact_ids=report.contact_ids, audience=audience)
    report.errors.sort(key=lambda error: error.line)
    return report
