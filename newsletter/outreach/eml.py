"""Reading the Kiesraad's candidate lists: EML_NL 230b ("Kandidatenlijsten"), namespace
`urn:oasis:names:tc:evs:schema:eml`, root `<EML Id="230b">`.

The XML is parsed with defusedxml with DTDs forbidden: no external entities, no entity expansion ("billion
laughs"), nothing fetched. A file that is not a 230b document, has no lists, or has a list without candidates is
refused as a whole with a Dutch message (`EmlRefused`); nothing of it is imported.
"""

import datetime as dt
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

NS = {
    "eml": "urn:oasis:names:tc:evs:schema:eml",
    "kr": "http://www.kiesraad.nl/extensions",
    "xnl": "urn:oasis:names:tc:ciq:xsdschema:xNL:2.0",
    "xal": "urn:oasis:names:tc:ciq:xsdschema:xAL:2.0",
}
MAX_BYTES = 20 * 1024 * 1024


class EmlRefused(ValueError):
    """The file is refused as a whole; the message says why, in Dutch, for the editor."""


@dataclass(frozen=True)
class ListedCandidate:
    """One candidate as the list gives them."""

    position: int
    initials: str
    first_name: str
    prefix: str
    last_name: str
    locality: str


@dataclass
class ListedParty:
    """One list (Affiliation): its number, registered name and candidates in list order."""

    number: int
    name: str
    candidates: list[ListedCandidate] = field(default_factory=list)


@dataclass
class CandidateLists:
    """A whole 230b document: the election and its lists."""

    identifier: str
    name: str
    category: str
    domain: str
    date: dt.date | None
    parties: list[ListedParty] = field(default_factory=list)


def _text(element: Element | None, path: str) -> str:
    found = element.find(path, NS) if element is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _number(value: str | None, *, what: str) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 9999:
        raise EmlRefused(
            _("%(what)s heeft geen geldig nummer (“%(value)s”).") % {"what": what, "value": value}
        )
    return number


def _candidate(element: Element, *, party: str) -> ListedCandidate:
    identifier = element.find("eml:CandidateIdentifier", NS)
    position = _number(
        identifier.get("Id") if identifier is not None else None,
        what=_("Een kandidaat van %(party)s") % {"party": party},
    )
    name = element.find("eml:CandidateFullName/xnl:PersonName", NS)
    initials = ""
    for line in name.findall("xnl:NameLine", NS) if name is not None else []:
        if line.get("NameType") == "Initials":
            initials = " ".join((line.text or "").split())
    last_name = _text(name, "xnl:LastName")
    if not last_name:
        raise EmlRefused(
            _("Kandidaat %(position)s van %(party)s heeft geen achternaam.")
            % {"position": position, "party": party}
        )
    return ListedCandidate(
        position=position,
        initials=initials,
        first_name=_text(name, "xnl:FirstName"),
        prefix=_text(name, "xnl:NamePrefix"),
        last_name=last_name,
        locality=_text(element, ".//xal:LocalityName"),
    )


def _party(element: Element) -> ListedParty:
    identifier = element.find("eml:AffiliationIdentifier", NS)
    number = _number(identifier.get("Id") if identifier is not None else None, what=_("Een lijst"))
    name = _text(identifier, "eml:RegisteredName") or _("Lijst %(number)s") % {"number": number}
    party = ListedParty(number=number, name=name)
    for candidate in element.findall("eml:Candidate", NS):
        party.candidates.append(_candidate(candidate, party=name))
    if not party.candidates:
        raise EmlRefused(
            _("Lijst %(number)s (%(name)s) heeft geen kandidaten.") % {"number": number, "name": name}
        )
    positions = [candidate.position for candidate in party.candidates]
    if len(set(positions)) != len(positions):
        raise EmlRefused(
            _("Lijst %(number)s (%(name)s) noemt een plaats op de lijst twee keer.")
            % {"number": number, "name": name}
        )
    return party


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as error:
        raise EmlRefused(_("De verkiezingsdatum “%(value)s” is geen datum.") % {"value": value}) from error


def parse_candidate_lists(data: bytes) -> CandidateLists:
    """The election and its lists from a 230b file's bytes, else EmlRefused."""
    if not data or not data.strip():
        raise EmlRefused(_("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise EmlRefused(_("Het bestand is groter dan 20 MB; dat is geen kandidatenlijst."))
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise EmlRefused(
            _(
                "Het bestand bevat een DTD of entiteiten (zoals verwijzingen naar andere bestanden). Dat hoort niet "
                "in een kandidatenlijst van de Kiesraad en wordt uit veiligheid niet gelezen."
            )
        ) from error
    except ParseError as error:
        raise EmlRefused(
            _("Dit is geen geldig XML-bestand (%(reason)s).") % {"reason": str(error)[:200]}
        ) from error
    if root.tag != f"{{{NS['eml']}}}EML" or root.get("Id") != "230b":
        raise EmlRefused(
            _(
                "Dit is geen kandidatenlijst van de Kiesraad: verwacht wordt een EML_NL-bestand van het soort 230b "
                '(<EML Id="230b">), gevonden: %(found)s.'
            )
            % {"found": f"{root.tag.rsplit('}', 1)[-1]} Id={root.get('Id') or '-'}"}
        )
    election = root.find("eml:CandidateList/eml:Election", NS)
    identifier = election.find("eml:ElectionIdentifier", NS) if election is not None else None
    if identifier is None or not (identifier.get("Id") or "").strip():
        raise EmlRefused(_("Het bestand noemt geen verkiezing (ElectionIdentifier ontbreekt)."))
    lists = CandidateLists(
        identifier=identifier.get("Id").strip()[:100],
        name=_text(identifier, "eml:ElectionName")[:200],
        category=_text(identifier, "eml:ElectionCategory")[:20],
        domain=_text(identifier, "kr:ElectionDomain")[:200],
        date=_date(_text(identifier, "kr:ElectionDate")),
    )
    for affiliation in election.findall("eml:Contest/eml:Affiliation", NS):
        lists.parties.append(_party(affiliation))
    if not lists.parties:
        raise EmlRefused(_("Het bestand bevat geen enkele lijst (Affiliation): er valt niets in te lezen."))
    numbers = [party.number for party in lists.parties]
    names = [party.name.casefold() for party in lists.parties]
    if len(set(numbers)) != len(numbers) or len(set(names)) != len(names):
        raise EmlRefused(_("Het bestand noemt een lijstnummer of partijnaam twee keer."))
    return lists
