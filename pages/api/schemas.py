"""The shapes the documents API answers with: a document's outline, its versions, snapshots and comparisons.

Field names follow the page models and the snapshot format of `pages.versioning`, so a client that reads one
version's snapshot and the live outline reads the same names.
"""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

CountsField = Field(
    default_factory=dict,
    description="Openbare aantallen, bijvoorbeeld bevestigde steunbetuigingen en aanmeldingen "
    "(`endorsements`, `organisers`, `helpers`), zoals de geïnstalleerde apps ze bijhouden.",
)


class ActivityItem(Schema):
    """A live activity as the outline shows it, with its public counts."""

    id: int
    title: str
    slug: str
    url: str
    status: str
    status_label: str
    description: str
    needs_people: str
    needs_means: str
    starts_on: date | None
    ends_on: date | None
    when: str
    where: str
    district: str
    location: str
    organiser_capacity: int | None
    helper_capacity: int | None
    counts: dict[str, int] = CountsField


class CallItem(Schema):
    """A live call to action with its activities in reading order."""

    id: int
    number: int
    title: str
    slug: str
    url: str
    body: str = Field(description="De tekst van de call als HTML.")
    counts: dict[str, int] = CountsField
    activities: list[ActivityItem]


class VersionSummary(Schema):
    """One published version: number, date, the editor's note and the computed change list."""

    number: int
    published_at: datetime
    is_major: bool
    note: str
    url: str = Field(description="De vaste link naar deze versie op de site.")
    changes: list["Change"]


class DocumentSummary(Schema):
    """A live document in the list of documents."""

    id: int
    title: str
    url: str
    latest_version: int | None = Field(description="Het nummer van de nieuwste versie, als die er is.")
    counts: dict[str, int] = CountsField


class DocumentOutline(Schema):
    """The whole live document in one answer: its own texts, its calls and their activities, with counts."""

    id: int
    title: str
    url: str
    intro: str
    closing_title: str
    closing: str
    contact_text: str
    contact_email: str = Field(
        description="Het openbare contactadres van de redactie (geen persoonsgegeven)."
    )
    counts: dict[str, int] = CountsField
    latest_version: VersionSummary | None
    calls: list[CallItem]


ChangeKind = Literal["added", "removed", "renamed", "moved", "status", "text"]


class Change(Schema):
    """One line of a change list: what happened to which call, activity or the document, with a Dutch text."""

    kind: ChangeKind
    type: Literal["document", "call", "activity"]
    id: int | None
    title: str | None
    text: str
    old_title: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    fields: list[str] | None = None
    call_id: int | None = None
    from_call: int | None = None
    to_call: int | None = None


class SnapshotActivity(Schema):
    """An activity as a version recorded it."""

    id: int
    title: str
    slug: str = ""
    path: str = ""
    status: str
    description: str = ""
    needs_people: str = ""
    needs_means: str = ""
    when: str = ""
    where: str = ""


class SnapshotCall(Schema):
    """A call to action as a version recorded it."""

    id: int
    number: int
    title: str
    slug: str = ""
    path: str = ""
    body: str = ""
    activities: list[SnapshotActivity]


class SnapshotDocument(Schema):
    """The document's own texts as a version recorded them."""

    id: int | None = None
    title: str = ""
    intro: str = ""
    closing_title: str = ""
    closing: str = ""
    contact_text: str = ""
    contact_email: str = ""


class VersionDetail(VersionSummary):
    """One version with its snapshot: the whole document exactly as it was published."""

    format: int = Field(description="De versie van het snapshotformaat.")
    document: SnapshotDocument
    calls: list[SnapshotCall]


class DiffRun(Schema):
    """A piece of the word-level comparison: unchanged text, or what was removed and what was added."""

    op: Literal["equal", "change"]
    text: str = Field("", description="De ongewijzigde tekst (bij `equal`).")
    removed: str = Field("", description="Weggehaalde tekst (bij `change`).")
    added: str = Field("", description="Toegevoegde tekst (bij `change`).")


class Comparison(Schema):
    """What changed between two versions: the change list and the word-level differences of the whole text."""

    old: int
    new: int
    identical: bool
    changes: list[Change]
    diff: list[DiffRun]
    diff_html: str = Field(description="Dezelfde verschillen als HTML, met <del> en <ins>.")


VersionSummary.model_rebuild()
