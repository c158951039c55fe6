"""The registry of personal data: every table that stores something about a person, with how to export and erase it.

A person (known only by an email address, proven by a signed link) may download everything stored about them and
have it erased. Each app that stores personal data registers one `PersonalDataSource` in its `AppConfig.ready()`:

    from supporters.personal_data import PersonalDataSource, register_source

    register_source(PersonalDataSource(
        section="evenementen",                        # the key of this app's part of the export
        models=("events.Registration", ...),          # EVERY model of the app that holds personal data
        collect=registrations_collect,                # (person: Person) -> JSON-serialisable data
        erase=registrations_erase,                    # (person: Person) -> None
        names=registration_names,                     # optional: (email) -> names this person gave
    ))

The contract:
- `collect` returns the app's data about `person.email`; every row it reports is a dict carrying
  `"record": record_ref(row)` ("app_label.model#pk"), so a person (and the completeness test) can see each row.
- `erase` deletes or anonymises every row about `person.email`, keeping only what counts need (no name, no
  address, no free text). Free-text fields that may quote the person (a provider's bounce text, an error, a
  note) go through `person.scrub(text)`, which removes the address and every name the person gave in any app
  (`names`); a stand-in address comes from `pseudonym()` (random, never derived from the address).
- `tests/test_personal_data_registry.py` enumerates every model of the project: a model with an email field, a
  name field, or a foreign key to such a model fails the test unless a registered source lists it and the test's
  builder makes a row for it that the export names and the erasure leaves without a trace (the test then greps
  every table of the whole database for the address and the names).

`supporters.signals.collect_personal_data` and `erase_personal_data` are still sent (after the sources), for
receivers that only add to the export.
"""

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

ERASED = "[verwijderd]"


def record_ref(row: Model) -> str:
    """How the export names one row: "app_label.model#pk"."""
    return f"{row._meta.label_lower}#{row.pk}"


def pseudonym() -> str:
    """A stand-in address for a kept ledger row: random, so no list of addresses can re-identify it."""
    return f"gewist-{secrets.token_hex(10)}@gewist.invalid"


@dataclass
class Person:
    """Whose data is exported or erased: the normalised address and every name they gave (for scrubbing)."""

    email: str
    names: set[str] = field(default_factory=set)

    def scrub(self, text: str) -> str:
        """`text` without the address (also its local part) or any of the person's names."""
        if not text:
            return text
        needles = {self.email, self.email.split("@")[0]} | {
            n for name in self.names for n in _name_parts(name)
        }
        for needle in sorted((n for n in needles if len(n) >= 3), key=len, reverse=True):
            text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
        return text


def _name_parts(name: str) -> Iterable[str]:
    name = (name or "").strip()
    if not name:
        return []
    return [name, *name.split()]


@dataclass(frozen=True)
class PersonalDataSource:
    """One app's personal data: which models hold it, and how to export and erase it (see the module docstring)."""

    section: str
    models: tuple[str, ...]
    collect: Callable[[Person], Any]
    erase: Callable[[Person], None]
    names: Callable[[str], Iterable[str]] | None = None


_SOURCES: dict[str, PersonalDataSource] = {}


def register_source(source: PersonalDataSource) -> None:
    """Add (or replace, by section) a source; call from `AppConfig.ready()`."""
    _SOURCES[source.section] = source


def sources() -> list[PersonalDataSource]:
    return list(_SOURCES.values())


def covered_models() -> set[str]:
    """Labels ("app_label.Model", lower case) of every model a source covers."""
    return {label.lower() for source in _SOURCES.values() for label in source.models}


def person_for(email: str) -> Person:
    """The person behind an address, with every name any source knows for it."""
    person = Person(email=email)
    for source in _SOURCES.values():
        if source.names is not None:
            person.names |= {name for name in source.names(email) if name}
    return person
