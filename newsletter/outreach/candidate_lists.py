"""Writing the official candidate lists: import a parsed 230b file (all or nothing, idempotent, a corrected file
updates positions and says who was added and removed), link candidates to contacts that have an address, and the
party secretariat's address."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pages.cache import invalidate_public_pages
from supporters import bulk
from supporters.models import Contact, ContactRole, OrganisationKind
from supporters.services.contacts import contact_upsert, organisation_for_name
from supporters.signals import contacts_imported

from .candidate_models import Candidate, Election, PartyList, dutch_name
from .eml import CandidateLists, ListedCandidate


def _key(*, initials: str, first_name: str, prefix: str, last_name: str) -> tuple[str, ...]:
    """Who a candidate is across two versions of a list: their name, not their (correctable) place."""
    return (
        last_name.casefold(),
        prefix.casefold(),
        initials.replace(" ", "").casefold(),
        first_name.casefold(),
    )


def _listed_key(listed: ListedCandidate) -> tuple[str, ...]:
    return _key(
        initials=listed.initials,
        first_name=listed.first_name,
        prefix=listed.prefix,
        last_name=listed.last_name,
    )


@dataclass
class ListImportReport:
    """What an import changed; empty lists and `changed is False` for a file read before."""

    election: Election | None = None
    election_created: bool = False
    parties_added: list[str] = field(default_factory=list)
    parties_removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0
    candidates: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.election_created
            or self.parties_added
            or self.parties_removed
            or self.added
            or self.removed
            or self.moved
        )

    def lines(self) -> list[str]:
        """The report in Dutch, one line each, as the command and the admin show it."""
        lines = [
            _("%(election)s: %(parties)s lijsten, %(candidates)s kandidaten.")
            % {
                "election": self.election.name if self.election else "-",
                "parties": self.election.lists.filter(on_ballot=True).count() if self.election else 0,
                "candidates": self.candidates,
            }
        ]
        if not self.changed:
            lines.append(_("Niets veranderd: dit bestand was al ingelezen."))
        for label, names in (
            (_("Nieuwe lijst"), self.parties_added),
            (_("Lijst niet meer in het bestand"), self.parties_removed),
            (_("Toegevoegd"), self.added),
            (_("Verwijderd"), self.removed),
            (_("Andere plaats"), self.moved),
        ):
            lines.extend(f"{label}: {name}" for name in names)
        return lines


def _party_list(election: Election, number: int, name: str, report: ListImportReport) -> PartyList:
    organisation = organisation_for_name(name, kind=OrganisationKind.POLITICAL_PARTY)
    party_list = PartyList.objects.filter(election=election, organisation=organisation).first()
    if party_list is None:
        base = slugify(name)[:70] or "lijst"
        slug = (
            base
            if not PartyList.objects.filter(election=election, slug=base).exists()
            else f"{base}-{number}"
        )
        report.parties_added.append(name)
        return PartyList.objects.create(
            election=election, number=number, registered_name=name, slug=slug, organisation=organisation
        )
    if (party_list.number, party_list.registered_name, party_list.on_ballot) != (number, name, True):
        party_list.number, party_list.registered_name, party_list.on_ballot = number, name, True
        party_list.save(update_fields=["number", "registered_name", "on_ballot"])
    return party_list


def _sync_candidates(party_list: PartyList, listed: list[ListedCandidate], report: ListImportReport) -> None:
    existing = {
        _key(initials=c.initials, first_name=c.first_name, prefix=c.prefix, last_name=c.last_name): c
        for c in party_list.candidates.all()
    }
    wanted = {_listed_key(item): item for item in listed}
    label = party_list.registered_name
    for key, candidate in existing.items():
        if key not in wanted and candidate.on_list:
            report.removed.append(f"{label} {candidate.position}. {candidate.name}")
            candidate.on_list, candidate.position = False, None
            candidate.save(update_fields=["on_list", "position"])
    moving = [c for key, c in existing.items() if key in wanted and c.position != wanted[key].position]
    if moving:  # free their places first: the new order may swap two people
        Candidate.objects.filter(pk__in=[c.pk for c in moving]).update(position=None)
    for key, item in wanted.items():
        fields = {
            "position": item.position,
            "initials": item.initials,
            "first_name": item.first_name,
            "prefix": item.prefix,
            "last_name": item.last_name,
            "locality": item.locality,
            "on_list": True,
        }
        candidate = existing.get(key)
        if candidate is None:
            Candidate.objects.create(party_list=party_list, **fields)
            report.added.append(f"{label} {item.position}. {dutch_name(**_name_parts(item))}")
            continue
        if candidate in moving and candidate.on_list:
            report.moved.append(f"{label}: {candidate.name} {candidate.position} → {item.position}")
        elif not candidate.on_list:
            report.added.append(f"{label} {item.position}. {candidate.name}")
        if any(getattr(candidate, name) != value for name, value in fields.items()) or candidate in moving:
            for name, value in fields.items():
                setattr(candidate, name, value)
            candidate.save(update_fields=list(fields))
        else:
            report.unchanged += 1


def _name_parts(item: ListedCandidate) -> dict[str, str]:
    return {
        "initials": item.initials,
        "first_name": item.first_name,
        "prefix": item.prefix,
        "last_name": item.last_name,
    }


def candidate_lists_import(*, lists: CandidateLists, election_name: str = "") -> ListImportReport:
    """Store the election, its lists and candidates in one transaction; a second import of the same file changes
    nothing; a corrected file moves people, and reports who was added and who is no longer on a list."""
    report = ListImportReport()
    name = (election_name or lists.name or lists.identifier).strip()[:200]
    with transaction.atomic():
        election = Election.objects.select_for_update().filter(identifier=lists.identifier).first()
        if election is None:
            election = Election.objects.create(
                identifier=lists.identifier,
                name=name,
                category=lists.category,
                domain=lists.domain,
                date=lists.date,
            )
            report.election_created = True
        else:
            updates = {"name": name, "category": lists.category, "domain": lists.domain, "date": lists.date}
            if any(getattr(election, key) != value for key, value in updates.items()):
                Election.objects.filter(pk=election.pk).update(**updates)
                election.refresh_from_db()
        seen = []
        for party in lists.parties:
            party_list = _party_list(election, party.number, party.name, report)
            _sync_candidates(party_list, party.candidates, report)
            seen.append(party_list.pk)
            report.candidates += len(party.candidates)
        for gone in election.lists.filter(on_ballot=True).exclude(pk__in=seen):
            report.parties_removed.append(gone.registered_name)
            for candidate in gone.candidates.filter(on_list=True):
                report.removed.append(f"{gone.registered_name} {candidate.position}. {candidate.name}")
            gone.candidates.update(on_list=False, position=None)
            PartyList.objects.filter(pk=gone.pk).update(on_ballot=False)
        report.election = election
        candidate_contacts_link(election=election)
        if report.changed:
            transaction.on_commit(invalidate_public_pages)
    return report


def candidate_contacts_link(
    *, election: Election | None = None, contact_ids: Iterable[int] | None = None
) -> int:
    """Give listed candidates without an address the contact of their party at their place on the list (as the
    CSV import makes them), else the one with their name. Returns how many were linked."""
    candidates = Candidate.objects.filter(on_list=True, contact__isnull=True).select_related(
        "party_list__organisation"
    )
    contacts = Contact.objects.filter(
        role__in=(ContactRole.CANDIDATE, ContactRole.PARTY_LEADER),
        organisation__kind=OrganisationKind.POLITICAL_PARTY,
        candidacies__isnull=True,
    )
    if election is not None:
        candidates = candidates.filter(party_list__election=election)
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=bulk.values_subquery(list(contact_ids), field=Contact._meta.pk))
    by_place, by_name = {}, {}
    for contact in contacts:
        if contact.position:
            by_place[(contact.organisation_id, contact.position)] = contact
        by_name[(contact.organisation_id, contact.name.casefold())] = contact
    links: dict[int, int] = {}  # contact → candidate
    for candidate in candidates:
        org = candidate.party_list.organisation_id
        contact = by_place.get((org, candidate.position))
        if contact is None:
            contact = by_name.get((org, candidate.name.casefold())) or by_name.get(
                (org, candidate.full_name.casefold())
            )
        if contact is not None:
            links.setdefault(contact.pk, candidate.pk)
    pairs = [(candidate, contact) for contact, candidate in links.items()]
    # Also inside an import's transaction: a fixed number of queries, not one per candidate.
    for chunk in bulk.chunks(pairs):
        bulk.rows_update(Candidate, fields=["contact"], rows=chunk)
    return len(pairs)


def candidate_address_set(*, candidate: Candidate, email: str) -> Contact:
    """An editor adds a candidate's address: a contact of their party at their place, on the candidates' list."""
    role = ContactRole.PARTY_LEADER if candidate.position == 1 else ContactRole.CANDIDATE
    if candidate.contact_id:
        role = candidate.contact.role
    contact, _created = contact_upsert(
        name=candidate.name,
        email=email,
        role=role,
        party=candidate.party_list.organisation.name,
        position=candidate.position,
    )
    Candidate.objects.filter(pk=candidate.pk).update(contact=contact)
    transaction.on_commit(
        lambda: contacts_imported.send(sender=Contact, contact_ids=[contact.pk], audience="candidates")
    )
    return contact


def party_secretariat_set(*, party_list: PartyList, email: str) -> Contact | None:
    """The party secretariat's address: it is put on the candidates' list (and gets the party's mail) while none
    of the party's candidates has an address of their own."""
    email = (email or "").strip().lower()
    PartyList.objects.filter(pk=party_list.pk).update(contact_email=email)
    party_list.contact_email = email
    if not email:
        return None
    contact, _created = contact_upsert(
        name=_("Secretariaat %(party)s") % {"party": party_list.registered_name},
        email=email,
        role=ContactRole.OTHER,
        party=party_list.organisation.name,
    )
    has_own = party_list.candidates.filter(on_list=True, contact__isnull=False).filter(~Q(contact=contact))
    if not has_own.exists():
        transaction.on_commit(
            lambda: contacts_imported.send(sender=Contact, contact_ids=[contact.pk], audience="candidates")
        )
    return contact
