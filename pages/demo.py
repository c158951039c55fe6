"""Reads the published "Calls to Action" text (22 October 2021) into a structure `load_demo` turns into pages.

The source is real content with the flaws real content has. The parser keeps its wording; the only tidying is
dropping a bullet that repeats the one before it word for word (call 2), which it reports.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

DUTCH_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
BULLET = re.compile(r"^\s*[•·*-]\s+")
CALL_HEADING = re.compile(r"^\s*(\d+)\.\s+(.+?)\s*$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Short titles and facts for the activities, keyed by how their bullet starts. The source only has bullets;
# an editor would give each activity a title like these. Unknown bullets get a title from their first words.
ACTIVITY_FACTS: dict[str, dict] = {
    "We zullen het pleidooi voorleggen aan kandidaten": {
        "title": "Pleidooi voorleggen aan kandidaten op alle kieslijsten",
        "when_text": "vóór de gemeenteraadsverkiezingen van 16 maart 2022",
    },
    "Bij kandidaten, waar we connectie mee hebben": {
        "title": "Toelichting aan kandidaten met wie we contact hebben"
    },
    "Het document dat we aan de politiek sturen": {
        "title": "Het document naar bewoners, bondgenoten en netwerken"
    },
    "We gaan schriftelijk reageren op de verkiezingsprogramma": {
        "title": "Schriftelijke reactie op de verkiezingsprogramma's"
    },
    "Elke fractieleider bieden we aan": {"title": "Dialoog aanbieden aan elke fractieleider"},
    "Fractieleiders van alle deelnemende politieke partijen": {
        "title": "Diabat met de fractieleiders",
        "when_text": "rond begin maart 2022",
    },
    "Voortzetting van de gestarte dialoog met de ambtelijke staf": {
        "title": "Informele bijeenkomsten met de ambtelijke staf",
        "when_text": "regelmatig, niet langer dan 2 uur",
    },
    "De burgemeester per brief te verzoeken": {
        "title": "Brief aan de burgemeester: verzoek om dialoogsessies"
    },
    "Onderzoek moet worden gedaan naar de mogelijke barrières": {
        "title": "Onderzoek naar barrières voor ambtenaren"
    },
    "Deze nieuwe werkvorm vraagt om training": {"title": "Leertraject voor ambtenaren en bestuurders"},
    "In alle wijken wordt maandelijks een ontmoetingsmoment": {
        "title": "Maandelijks ontmoetingsmoment per wijk",
        "when_text": "maandelijks, door de weeks vanaf 19.30 uur",
        "district": "alle wijken",
    },
    "De Omgevingsvisie Amsterdam 2050": {
        "title": "Buurtconferentie Samen Stadmaken",
        "starts_on": dt.date(2021, 11, 2),
        "status": "preparing",
    },
}


@dataclass
class DemoActivity:
    title: str
    description: str
    when_text: str = ""
    starts_on: dt.date | None = None
    district: str = ""
    status: str = "planned"


@dataclass
class DemoCall:
    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    activities: list[DemoActivity] = field(default_factory=list)


@dataclass
class DemoDocument:
    title: str
    intro: list[str]
    version_date: dt.date
    calls: list[DemoCall]
    closing: list[str]
    contact_email: str
    notes: list[str] = field(default_factory=list)


def sentence_case(text: str) -> str:
    """'DE POLITIEK SPREEKT ZICH UIT' → 'De politiek spreekt zich uit'."""
    text = text.strip().lower()
    return text[:1].upper() + text[1:]


def parse_dutch_date(text: str) -> dt.date:
    match = re.search(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", text.lower())
    if not match or match.group(2) not in DUTCH_MONTHS:
        raise ValueError(f"Geen datum gevonden in {text!r}")
    return dt.date(int(match.group(3)), DUTCH_MONTHS[match.group(2)], int(match.group(1)))


def _activity(bullet: str) -> DemoActivity:
    for start, facts in ACTIVITY_FACTS.items():
        if bullet.startswith(start):
            return DemoActivity(description=bullet, **facts)
    first_clause = re.split(r"[.;:]", bullet, maxsplit=1)[0]
    return DemoActivity(title=first_clause[:80].rstrip(" ,"), description=bullet)


def parse_source(text: str) -> DemoDocument:
    """Split the source into introduction, version date, calls (prose and bullets), closing and contact."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    intro: list[str] = []
    closing: list[str] = []
    calls: list[DemoCall] = []
    notes: list[str] = []
    version_date = None
    section = "start"
    current: DemoCall | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if section == "start" and line.lower() == "inleidend":
            section = "intro"
            continue
        if line.lower().startswith("versie"):
            version_date = parse_dutch_date(line)
            continue
        heading = CALL_HEADING.match(line)
        if heading and heading.group(2).isupper():
            current = DemoCall(number=int(heading.group(1)), title=sentence_case(heading.group(2)))
            calls.append(current)
            section = "call"
            continue
        if line.lower() == "tot slot":
            section = "closing"
            continue
        if line.lower() == "contact us":
            section = "contact"
            continue
        if section == "intro":
            intro.append(line)
        elif section == "call" and current is not None:
            if BULLET.match(raw):
                bullet = BULLET.sub("", raw).strip()
                if current.activities and current.activities[-1].description == bullet:
                    notes.append(
                        f"Call {current.number}: dubbele opsommingsregel overgeslagen ({bullet[:50]}…)."
                    )
                    continue
                current.activities.append(_activity(bullet))
            else:
                current.paragraphs.append(line)
        elif section == "closing":
            closing.append(line)
    if version_date is None:
        raise ValueError("De brontekst noemt geen versiedatum ('Versie : …').")
    emails = EMAIL.findall(" ".join(intro))
    return DemoDocument(
        title="Calls to Action",
        intro=intro,
        version_date=version_date,
        calls=calls,
        closing=closing,
        contact_email=emails[0] if emails else "",
        notes=notes,
    )


def read_source(path: Path) -> DemoDocument:
    return parse_source(path.read_text(encoding="utf-8"))


# The seed's meetings as events (22 October 2021): the neighbourhood conference on 2 November 2021, the diabat
# "rond begin maart 2022" (the place is for the editor to fill in), and the monthly meetup in every district —
# a dialogue session of an hour, then drinks, on weekday evenings from 19.30 — as a series until the elections.
DISTRICTS = ["Centrum", "Nieuw-West", "Noord", "Oost", "West", "Zuid", "Zuidoost", "Weesp"]


@dataclass
class DemoEvent:
    """One dated event of a demo activity (times in Europe/Amsterdam)."""

    day: dt.date
    starts: dt.time
    ends: dt.time
    title: str = ""
    place_name: str = ""
    capacity: int | None = None


@dataclass
class DemoSeries:
    """A recurring series (RFC 5545 RRULE) of a demo activity, one event per occurrence and district."""

    rule: str
    first: dt.date
    until: dt.date
    starts: dt.time
    ends: dt.time
    parts: list[tuple[str, dt.time, dt.time | None, int | None]] = field(default_factory=list)


DEMO_EVENTS: dict[str, list[DemoEvent] | DemoSeries] = {
    "Buurtconferentie Samen Stadmaken": [
        DemoEvent(
            day=dt.date(2021, 11, 2),
            starts=dt.time(13, 0),
            ends=dt.time(17, 30),
            title="Buurtconferentie Samen Stadmaken",
            capacity=150,
        )
    ],
    "Diabat met de fractieleiders": [
        DemoEvent(
            day=dt.date(2022, 3, 3),
            starts=dt.time(20, 0),
            ends=dt.time(22, 0),
            title="Diabat met de fractieleiders",
            capacity=200,
        )
    ],
    "Maandelijks ontmoetingsmoment per wijk": DemoSeries(
        rule="FREQ=MONTHLY;BYDAY=+2TH",
        first=dt.date(2021, 11, 1),
        until=dt.date(2022, 3, 16),
        starts=dt.time(19, 30),
        ends=dt.time(22, 0),
        parts=[
            ("dialoogsessie", dt.time(19, 30), dt.time(20, 30), 25),
            ("borrel", dt.time(20, 30), None, None),
        ],
    ),
}
