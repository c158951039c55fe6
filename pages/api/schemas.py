"""The shapes the documents API answers with: a document's outline, its versions, snapshots and comparisons.

Field names follow the page models and the snapshot format of `pages.versioning`, so a client that reads one
version's snapshot and the live outline reads the same names.
"""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel

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


ChangeKind = Literal["added", "removed", "renamed", "moved", "reordered", "status", "edited", "text"]


class Change(Schema):
    """One line of a change list: what happened to which call, activity or the document, with a Dutch text.

    `field`/`label` name the changed field; short fields carry `old` and `new` as readers see them; `anchor` is
    the id of the change's place on the comparison page. Versions cut before these existed lack them.
    """

    kind: ChangeKind
    type: str = Field(description="document, call of activity.")
    id: int | None
    title: str | None
    text: str
    field: str | None = None
    label: str | None = None
    old: str | None = None
    new: str | None = None
    anchor: str | None = None
    old_title: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    fields: list[str] | None = None
    parent_id: int | None = None
    from_parent: int | None = None
    to_parent: int | None = None
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


# The comparison's parts are plain pydantic models: they only ever hold dicts, and ninja's Schema (which reads
# Django objects too) costs ten times as much per object; a 200-activity comparison has thousands of them.


class DiffRun(BaseModel):
    """A piece of a word-level comparison: unchanged text, or what was removed and what was added."""

    op: Literal["equal", "change"]
    text: str = Field("", description="De ongewijzigde tekst (bij `equal`).")
    removed: str = Field("", description="Weggehaalde tekst (bij `change`).")
    added: str = Field("", description="Toegevoegde tekst (bij `change`).")


class DiffBlock(BaseModel):
    """One block of a rich text (paragraph, heading, list item), or a list holding such blocks in `entries`.

    `op`: equal, insert or delete (with `text`), or change (with word runs in `words`).
    """

    tag: str = Field(description="p, h3, h4, blockquote, li; ul of ol voor een lijst met `entries`.")
    op: Literal["equal", "insert", "delete", "change"] | None = None
    list_tag: str | None = Field(None, description="ul of ol bij een lijstitem.")
    text: str = ""
    words: list[DiffRun] = []
    entries: list["DiffBlock"] = []


class ComparedField(BaseModel):
    """One field of a compared item: unchanged (with its value), or changed with word runs or blocks."""

    name: str
    label: str
    rich: bool
    anchor: str
    in_summary: bool = False
    changed: bool
    empty: bool = False
    value: str | None = Field(None, description="Een ongewijzigde korte waarde.")
    html: str | None = Field(None, description="Een ongewijzigde opgemaakte tekst.")
    words: list[DiffRun] | None = Field(None, description="Een gewijzigde korte waarde, woord voor woord.")
    blocks: list[DiffBlock] | None = Field(
        None, description="Een gewijzigde opgemaakte tekst, blok voor blok."
    )


class ItemNote(BaseModel):
    """A remark on an item as a whole (moved to another call, another place in its call)."""

    kind: Literal["moved", "reordered"]
    text: str


class ComparedGroup(BaseModel):
    """The children of one type under an item (the calls of the document, the activities of a call)."""

    type: str
    items: list["ComparedItem"]


class ComparedItem(BaseModel):
    """The document, a call or an activity as both versions have it, in reading order."""

    type: str
    id: int | None
    title: str
    summary: str
    state: Literal["unchanged", "changed", "added", "removed"]
    anchor: str
    fields_changed: bool = False
    notes: list[ItemNote]
    fields: list[ComparedField]
    children: list[ComparedGroup]


class Comparison(Schema):
    """What changed between two versions: the change list and the comparison, item by item, block by block."""

    old: int
    new: int
    identical: bool
    changes: list[Change]
    document: ComparedItem


DiffBlock.model_rebuild()
ComparedGroup.model_rebuild()
ComparedItem.model_rebuild()
VersionSummary.model_rebuild()
