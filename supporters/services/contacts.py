"""The partner network: upsert one contact, import many (from `supporters.imports`), announce them to other apps."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import bulk
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


Progress = Callable[[str], None]
PROGRESS_EVERY = 10_000  # rows read between two progress messages
# The cleaned fields the import handles itself; any other is set on the contact field of that name.
HANDLED_FIELDS = {"name", "email", "role", "party", "organisation", "position"}


def _organisations(names: Iterable[str], *, kind: str | None) -> dict[str, Organisation]:
    """`organisation_for_name` for many names at once: lower-cased name → organisation, the missing created."""
    wanted: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())  # the first spelling in the file is kept
    found: dict[str, Organisation] = {}
    for chunk in bulk.chunks(list(wanted)):
        existing = Organisation.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk)
        if kind:
            existing = existing.filter(kind=kind)
        for organisation in existing.order_by("-pk"):  # the oldest wins, as in organisation_for_name
            found[organisation.lower_name] = organisation
    missing = [wanted[key] for key in wanted if key not in found]
    kind = kind or OrganisationKind.ALLY
    for chunk in bulk.chunks(missing):
        _count, created = bulk.rows_insert(
            Organisation,
            fields=["name"],
            rows=[(name,) for name in chunk],
            constants={"kind": kind},
            returning=["id", "name"],
        )
        for pk, name in created:
            found[name.lower()] = Organisation(pk=pk, name=name, kind=kind)
    return found


@dataclass(slots=True, eq=False)
class _Entry:
    """A contact as the import sees it: the fields it reads and writes, without a model instance per row."""

    pk: int | None
    email: str
    organisation_id: int | None
    position: int | None
    name: str = ""
    role: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _ContactIndex:
    """The contacts an import may touch, by email and by (party, list place), kept current as rows apply."""

    def __init__(self, *, emails: list[str], party_ids: list[int], extra_fields: list[str]):
        self.by_email: dict[str, _Entry] = {}
        self.by_place: dict[tuple[int, int], _Entry] = {}
        columns = ["pk", "email", "organisation_id", "position", *extra_fields]
        email_field = Contact._meta.get_field("email")
        for chunk in bulk.chunks(emails):
            found = Contact.objects.select_for_update().filter(
                email__in=bulk.values_subquery(chunk, field=email_field)
            )
            for pk, email, organisation_id, position, *extra in found.values_list(*columns):
                entry = _Entry(
                    pk, email, organisation_id, position, extra=dict(zip(extra_fields, extra, strict=True))
                )
                self.by_email[email] = entry
        if party_ids:
            places = Contact.objects.select_for_update().filter(
                organisation_id__in=party_ids, position__isnull=False
            )
            for pk, email, organisation_id, position, *extra in places.values_list(*columns):
                entry = self.by_email.get(email) or _Entry(
                    pk, email, organisation_id, position, extra=dict(zip(extra_fields, extra, strict=True))
                )
                self.by_place[(entry.organisation_id, entry.position)] = entry

    def find(self, *, email: str, party: Organisation | None, position: int | None) -> _Entry | None:
        by_place = self.by_place.get((party.pk, position)) if party is not None and position else None
        by_email = self.by_email.get(email)
        if by_place is not None and by_email is not None and by_place is not by_email:
            raise ContactConflict(
                _("plaats %(position)s van %(party)s hoort bij een ander contact dan dit e-mailadres")
                % {"position": position, "party": party.name}
            )
        return by_place or by_email

    def forget(self, entry: _Entry) -> None:
        if self.by_email.get(entry.email) is entry:
            del self.by_email[entry.email]
        place = (entry.organisation_id, entry.position)
        if self.by_place.get(place) is entry:
            del self.by_place[place]

    def remember(self, entry: _Entry) -> None:
        self.by_email[entry.email] = entry
        if entry.organisation_id and entry.position:
            self.by_place[(entry.organisation_id, entry.position)] = entry


def contacts_import(
    *, rows: Iterable[ContactRow | RowError], audience: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Upsert every valid row in bulk, collect the bad ones, then send `contacts_imported` — all in one
    transaction, so that when this returns every valid row is stored and (through the signal's receivers)
    on its audience. A fixed number of queries per 10,000 rows, whatever the file's length (`supporters.bulk`).

    Rows apply in file order with `contact_upsert`'s rules (a list place wins over an email, a conflict between
    them is a row error), against an in-memory index of the contacts the file names. `progress` receives a
    line (in the user's language) now and then, for a command to show.
    """
    report = ImportReport()
    valid: list[ContactRow] = []
    say = progress or (lambda message: None)
    read = 0
    for row in rows:
        if isinstance(row, RowError):
            report.errors.append(row)
        else:
            valid.append(row)
        read += 1
        if read % PROGRESS_EVERY == 0:
            say(_("%(rows)s regels gelezen") % {"rows": read})
    say(_("%(rows)s regels gelezen, %(valid)s bruikbaar") % {"rows": read, "valid": len(valid)})
    now = timezone.now()
    extra_fields = sorted({key for row in valid for key in row.data} - HANDLED_FIELDS)
    with transaction.atomic():
        parties = _organisations(
            (row.data.get("party") or "" for row in valid), kind=OrganisationKind.POLITICAL_PARTY
        )
        others = _organisations(
            (row.data.get("organisation") or "" for row in valid if not row.data.get("party")), kind=None
        )
        index = _ContactIndex(
            emails=list({row.data["email"] for row in valid}),
            party_ids=[org.pk for org in parties.values()],
            extra_fields=extra_fields,
        )
        defaults = {key: Contact._meta.get_field(key).get_default() for key in extra_fields}
        touched: dict[int, _Entry] = {}
        for row in valid:
            data = row.data
            email = (data["email"] or "").strip().lower()
            party_name = (data.get("party") or "").strip()
            organisation = (data.get("organisation") or "").strip()
            position = data.get("position")
            party = parties.get(party_name.lower()) if party_name else None
            try:
                entry = index.find(email=email, party=party, position=position)
            except ContactConflict as conflict:
                report.errors.append(RowError(line=row.line, message=str(conflict)))
                continue
            created = entry is None
            if entry is None:
                entry = _Entry(None, email, None, None, extra={key: defaults[key] for key in extra_fields})
            index.forget(entry)
            entry.name, entry.email, entry.role = data["name"], email, data.get("role") or ContactRole.OTHER
            if party is not None:
                entry.organisation_id, entry.position = party.pk, position
            elif organisation:
                entry.organisation_id = others[organisation.lower()].pk
            for key in extra_fields:
                if key in data:
                    entry.extra[key] = data[key]
            index.remember(entry)
            touched[id(entry)] = entry
            report.created += created
            report.updated += not created
        new_entries = [entry for entry in touched.values() if entry.pk is None]
        old_entries = [entry for entry in touched.values() if entry.pk is not None]
        stored = 0
        for write, entries in ((_contacts_insert, new_entries), (_contacts_update, old_entries)):
            for chunk in bulk.chunks(entries):
                write(chunk, extra_fields=extra_fields, now=now)
                stored += len(chunk)
                say(
                    _("%(done)s van %(total)s contactpersonen opgeslagen")
                    % {"done": stored, "total": len(touched)}
                )
        report.contact_ids = [entry.pk for entry in touched.values()]
        if report.contact_ids:
            say(_("Doelgroepen bijwerken"))
            contacts_imported.send(sender=Contact, contact_ids=report.contact_ids, audience=audience)
    report.errors.sort(key=lambda error: error.line)
    return report


def _values(entry: _Entry, extra_fields: list[str]) -> tuple:
    fixed = (entry.name, entry.email, entry.role, entry.organisation_id, entry.position)
    return (*fixed, *(entry.extra.get(key) for key in extra_fields))


def _columns(extra_fields: list[str]) -> list[str]:
    return ["name", "email", "role", "organisation", "position", *extra_fields]


def _contacts_insert(entries: Sequence[_Entry], *, extra_fields: list[str], now: dt.datetime) -> None:
    _count, returned = bulk.rows_insert(
        Contact,
        fields=_columns(extra_fields),
        rows=[_values(entry, extra_fields) for entry in entries],
        constants={"created_at": now, "updated_at": now},
        returning=["email", "id"],
    )
    pks = dict(returned)  # RETURNING keeps no order; emails are unique
    for entry in entries:
        entry.pk = pks[entry.email]


def _contacts_update(entries: Sequence[_Entry], *, extra_fields: list[str], now: dt.datetime) -> None:
    bulk.rows_update(
        Contact,
        fields=_columns(extra_fields),
        rows=[(entry.pk, *_values(entry, extra_fields)) for entry in entries],
        constants={"updated_at": now},
    )
