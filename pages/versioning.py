"""Pure functions over document snapshots: two snapshots in, a comparison and its change list out.

A snapshot is plain JSON (see `pages.snapshots`) so that a version reads the same years later, whatever happens to
the pages. Nothing here touches the database: the same code serves the version cut, the publish form's preview,
the public comparison, the API and the newsletter.

What is compared is one table per item type (`DOCUMENT`, `CALL`, `ACTIVITY`): field → label → how to describe a
change. A field added to a page type is one row in its table; a child collection (say, an activity's events) is
one more `ItemType` in its parent's `children`.
"""

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from .events.changes import snapshot_event_changes
from .models import ActivityStatus
from .textdiff import block_diff, block_key, group_lists, html_blocks, word_diff

STATUS_LABELS = dict(ActivityStatus.choices)
SHORT_TEXT_LIMIT = 120
EMPTY = "—"


@functools.lru_cache(maxsize=64)
def _status_label(status: str) -> str:
    """A status in the document's language: change lists are written content, not interface."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(STATUS_LABELS.get(status, status))


def _plain(value: Any) -> str:
    """A short field's value as readers see it; empty is an em dash."""
    if value is None or value == "":
        return EMPTY
    return str(value)


# -- how to describe a change --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Described:
    kind: str
    text: str
    old: str | None = None
    new: str | None = None


def renamed(item_type: "ItemType", item: dict, fld: "Field", old: Any, new: Any) -> Described:
    before = item_type.reference({**item, fld.key: old})
    return Described(
        "renamed",
        f"{item_type.label.capitalize()} {before} heet nu {item_type.reference(item)}.",
        _plain(old),
        _plain(new),
    )


def status_changed(item_type: "ItemType", item: dict, fld: "Field", old: Any, new: Any) -> Described:
    before, after = _status_label(old), _status_label(new)
    return Described("status", f"Status van {item_type.reference(item)}: {before} → {after}.", before, after)


def old_to_new(item_type: "ItemType", item: dict, fld: "Field", old: Any, new: Any) -> Described:
    """Short values in full (`Waar: — → De Balie`); a value too long to read in one line as an edited text."""
    before, after = _plain(old), _plain(new)
    if len(before) > SHORT_TEXT_LIMIT or len(after) > SHORT_TEXT_LIMIT:
        return text_edited(item_type, item, fld, old, new)
    return Described("edited", f"{item_type.heading(item)} — {fld.label}: {before} → {after}.", before, after)


def text_edited(item_type: "ItemType", item: dict, fld: "Field", old: Any, new: Any) -> Described:
    return Described("text", f"{item_type.heading(item)} — {fld.label}: tekst aangepast.")


@dataclass(frozen=True)
class Field:
    """One compared field of a snapshot item: its key, the label readers see, how a change is described.

    `rich` fields hold HTML and are compared block by block; the others are compared as one short value.
    `in_summary` fields (title, number) are part of the item's heading and shown apart only when changed.
    """

    key: str
    label: str
    describe: Callable[..., Described] = old_to_new
    rich: bool = False
    in_summary: bool = False


@dataclass(frozen=True)
class ItemType:
    """A kind of item in a snapshot (document, call, activity) and the fields and child collections it has.

    `key` is the list under the parent that holds items of this type ("calls"); `ordered` says whether the
    order of the list is the editor's (so a new place is a change) or follows a field (the call number).
    """

    name: str
    label: str
    key: str
    fields: tuple[Field, ...]
    children: tuple["ItemType", ...] = ()
    ordered: bool = True
    reference: Callable[[dict], str] = lambda item: f"“{item.get('title', '')}”"
    heading: Callable[[dict], str] = lambda item: f"“{item.get('title', '')}”"
    summary: Callable[[dict], str] = lambda item: str(item.get("title", ""))
    as_parent: Callable[[dict], str] | None = None

    def mention(self, item: dict) -> str:
        """How a child's line names this item as its parent ("bij call 2", "bij activiteit “X”")."""
        if self.as_parent is not None:
            return self.as_parent(item)
        return f"{self.label} {self.reference(item)}"

    def anchor(self, item_id: Any, field_key: str = "") -> str:
        return f"{self.name}-{item_id}" + (f"-{field_key}" if field_key else "")


ACTIVITY = ItemType(
    name="activity",
    label="activiteit",
    key="activities",
    fields=(
        Field("title", "Titel", renamed, in_summary=True),
        Field("status", "Status", status_changed),
        Field("when", "Wanneer"),
        Field("where", "Waar"),
        Field("needs_people", "Nodig aan mensen"),
        Field("needs_means", "Nodig aan middelen"),
        Field("organiser_capacity", "Maximum aantal organisatoren"),
        Field("helper_capacity", "Maximum aantal helpers"),
        Field("description", "Beschrijving", text_edited, rich=True),
    ),
)

CALL = ItemType(
    name="call",
    label="call to action",
    key="calls",
    fields=(
        Field("title", "Titel", renamed, in_summary=True),
        Field("number", "Nummer", in_summary=True),
        Field("body", "Tekst", text_edited, rich=True),
    ),
    children=(ACTIVITY,),
    ordered=False,
    reference=lambda item: f"{item.get('number')}. {item.get('title', '')}",
    heading=lambda item: f"Call {item.get('number')}. {item.get('title', '')}",
    summary=lambda item: f"{item.get('number')}. {item.get('title', '')}",
    as_parent=lambda item: f"call {item.get('number')}",
)

DOCUMENT = ItemType(
    name="document",
    label="document",
    key="",
    fields=(
        Field("title", "Titel", renamed, in_summary=True),
        Field("intro", "Inleiding", text_edited, rich=True),
        Field("closing_title", "Titel slotstuk"),
        Field("closing", "Slotstuk", text_edited, rich=True),
        Field("contact_text", "Contactregel"),
        Field("contact_email", "Contactadres"),
    ),
    children=(CALL,),
    heading=lambda item: "Document",
    as_parent=lambda item: "",
)


# -- comparing two snapshots ----------------------------------------------------------------------------------


def _same(fld: Field, old: Any, new: Any) -> bool:
    if old == new:
        return True
    if fld.rich:
        return [block_key(b) for b in html_blocks(old or "")] == [
            block_key(b) for b in html_blocks(new or "")
        ]
    return _plain(old) == _plain(new)


def _shown(fld: Field, value: Any) -> str:
    return _status_label(value) if fld.describe is status_changed else _plain(value)


def _field_entry(item_type: ItemType, item_id: Any, fld: Field, old_item: dict | None, new_item: dict | None):
    """One field of one item as the comparison shows it, and the change it makes (or None)."""
    entry: dict[str, Any] = {
        "name": fld.key,
        "label": fld.label,
        "rich": fld.rich,
        "in_summary": fld.in_summary,
        "anchor": item_type.anchor(item_id, fld.key),
        "changed": False,
    }
    if old_item is None or new_item is None or fld.key not in old_item or fld.key not in new_item:
        # Added or removed as a whole, or a field an older snapshot did not record: shown, not compared.
        only = new_item if new_item is not None and fld.key in new_item else (old_item or {})
        value = only.get(fld.key)
    else:
        old, new = old_item[fld.key], new_item[fld.key]
        if not _same(fld, old, new):
            return _changed_field(entry, item_type, item_id, fld, new_item, old, new)
        value = new
    if fld.rich:
        entry["html"] = value or ""
    else:
        entry["value"] = _shown(fld, value)
    entry["empty"] = value is None or value == ""
    return entry, None


def _changed_field(entry, item_type, item_id, fld, new_item, old, new):
    described = fld.describe(item_type, new_item, fld, old, new)
    entry["changed"] = True
    entry["empty"] = False
    if fld.rich:
        entry["blocks"] = group_lists(block_diff(html_blocks(old or ""), html_blocks(new or "")))
    else:
        before = described.old if described.old is not None else _plain(old)
        after = described.new if described.new is not None else _plain(new)
        entry["words"] = word_diff(before, after)
    change = {
        "kind": described.kind,
        "type": item_type.name,
        "id": item_id,
        "title": new_item.get("title"),
        "field": fld.key,
        "label": fld.label,
        "anchor": entry["anchor"],
        "text": described.text,
    }
    if described.kind == "renamed":
        change["old_title"] = old
    elif described.kind == "status":
        change["old_status"], change["new_status"] = old, new
    elif described.kind == "edited":
        change["old"], change["new"] = described.old, described.new
    else:
        change["fields"] = [fld.key]
    return entry, change


def _as_item(snapshot: dict, root: "ItemType") -> dict:
    """The document's own fields and its top-level lists as one item, like any other in the tree."""
    return {**snapshot.get("document", {}), **{t.key: snapshot.get(t.key, []) for t in root.children}}


def _index(item_type: ItemType, item: dict, out: dict) -> dict:
    """Every item below `item` by type and id: (item, its parent, its parent's type)."""
    for child_type in item_type.children:
        bucket = out.setdefault(child_type.name, {})
        for child in item.get(child_type.key, []):
            bucket[child["id"]] = (child, item, item_type)
            _index(child_type, child, out)
    return out


def _reordered(old_list: list[dict], new_list: list[dict]) -> set:
    """Children that kept their parent but not their place among the others (outside the longest common run)."""
    common = {c["id"] for c in old_list} & {c["id"] for c in new_list}
    a = [c["id"] for c in old_list if c["id"] in common]
    b = [c["id"] for c in new_list if c["id"] in common]
    if a == b:
        return set()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    kept = {b[j] for m in matcher.get_matching_blocks() for j in range(m.b, m.b + m.size)}
    return set(b) - kept


def _merged(old_list: list[dict], new_list: list[dict], still_there: dict) -> list[tuple[Any, bool]]:
    """(id, is_removed) of one parent's children in reading order: today's, removed ones at their old place."""
    ordered: list[tuple[Any, bool]] = [(child["id"], False) for child in new_list]
    for position, child in enumerate(old_list):
        if child["id"] in still_there:
            continue  # still here, or moved to another parent and shown there
        at = 0
        for earlier in reversed(old_list[:position]):
            spot = next((i for i, (child_id, _r) in enumerate(ordered) if child_id == earlier["id"]), None)
            if spot is not None:
                at = spot + 1
                break
        ordered.insert(at, (child["id"], True))
    return ordered


class _Comparison:
    """One walk over the merged tree of two snapshots, collecting the change list on the way."""

    def __init__(self, old: dict, new: dict, root: ItemType):
        self.root = root
        self.old_root, self.new_root = _as_item(old, root), _as_item(new, root)
        self.old_index = _index(root, self.old_root, {})
        self.new_index = _index(root, self.new_root, {})
        self.changes: list[dict] = []

    def change(self, kind: str, item_type: ItemType, item: dict, text: str, **extra) -> None:
        self.changes.append(
            {
                "kind": kind,
                "type": item_type.name,
                "id": item.get("id"),
                "title": item.get("title"),
                "anchor": item_type.anchor(item.get("id")),
                "text": text,
                **extra,
            }
        )

    def item(self, item_type: ItemType, old: dict | None, new: dict | None, place: dict) -> dict:
        item = new if new is not None else old
        label = item_type.label.capitalize()
        entry: dict[str, Any] = {
            "type": item_type.name,
            "id": item.get("id"),
            "title": item.get("title", ""),
            "summary": item_type.summary(item),
            "anchor": item_type.anchor(item.get("id")),
            "state": "unchanged",
            "notes": [],
            "fields": [],
            "children": [],
        }
        where = place.get("parent")
        if old is None:
            entry["state"] = "added"
            self.change(
                "added",
                item_type,
                item,
                f"Nieuwe {item_type.label}{f' bij {where}' if where else ''}: {item_type.reference(item)}.",
                parent_id=place.get("parent_id"),
            )
        elif new is None:
            entry["state"] = "removed"
            self.change(
                "removed",
                item_type,
                item,
                f"{label} verwijderd{f' uit {where}' if where else ''}: {item_type.reference(item)}.",
                parent_id=place.get("parent_id"),
            )
        if place.get("moved_from"):
            text = f"{label} {item_type.reference(item)} verplaatst van {place['moved_from']} naar {where}."
            entry["notes"].append({"kind": "moved", "text": text})
            self.change(
                "moved",
                item_type,
                item,
                text,
                from_parent=place.get("old_parent_id"),
                to_parent=place.get("parent_id"),
            )
        if place.get("reordered"):
            text = f"{label} {item_type.reference(item)} staat nu op een andere plaats{f' in {where}' if where else ''}."
            entry["notes"].append({"kind": "reordered", "text": text})
            self.change("reordered", item_type, item, text)
        for fld in item_type.fields:
            field_entry, change = _field_entry(item_type, item.get("id"), fld, old, new)
            entry["fields"].append(field_entry)
            if change:
                self.changes.append(change)
        for child_type in item_type.children:
            entry["children"].append(
                {"type": child_type.name, "items": self.children(item_type, child_type, old, new)}
            )
        entry["fields_changed"] = any(f["changed"] for f in entry["fields"])
        if entry["state"] == "unchanged" and (
            entry["notes"]
            or entry["fields_changed"]
            or any(child["state"] != "unchanged" for group in entry["children"] for child in group["items"])
        ):
            entry["state"] = "changed"
        return entry

    def children(
        self, item_type: ItemType, child_type: ItemType, old: dict | None, new: dict | None
    ) -> list[dict]:
        parent = new if new is not None else old
        old_list = (old or {}).get(child_type.key, [])
        new_list = (new or {}).get(child_type.key, [])
        olds, news = self.old_index.get(child_type.name, {}), self.new_index.get(child_type.name, {})
        reordered = _reordered(old_list, new_list) if child_type.ordered and old and new else set()
        mention = item_type.mention(parent)
        items = []
        for child_id, removed in _merged(old_list, new_list, news):
            before = olds.get(child_id)
            old_child = before[0] if before else None
            new_child = None if removed else news[child_id][0]
            place: dict[str, Any] = {"parent": mention, "parent_id": parent.get("id")}
            if before and new_child is not None and before[1].get("id") != parent.get("id"):
                place["moved_from"] = before[2].mention(before[1])
                place["old_parent_id"] = before[1].get("id")
            if child_id in reordered:
                place["reordered"] = True
            items.append(self.item(child_type, old_child, new_child, place))
        return items


def compare(old: dict, new: dict, *, root: ItemType = DOCUMENT) -> dict[str, Any]:
    """The structured comparison of two snapshots and its change list, in the document's reading order.

    Returns `{"document": item, "changes": [...], "identical": bool}`. Every item has `type`, `id`, `title`,
    `summary`, `state` (unchanged / changed / added / removed), `anchor`, `notes` (moved / reordered),
    `fields` (each `changed`, and then word runs `words` or, for rich text, `blocks`) and `children` (one group
    per child type). Every change carries the `anchor` of its place in the comparison. Identity is the page id,
    never the title, so a renamed or moved activity is one change, not a removal and an addition.
    """
    walk = _Comparison(old or {}, new, root)
    document = walk.item(root, walk.old_root, walk.new_root, {})
    # Events of activities are compared by pages.events (their own words), and linked to their activity; unless
    # the tree walked already holds them as an item type of its own.
    events = [
        {"anchor": ACTIVITY.anchor(change["activity_id"]), **change}
        for change in snapshot_event_changes(old, new)
        if not _walks(root, "events")
    ]
    return {"document": document, "changes": walk.changes + events, "identical": (old or {}) == new}


def _walks(item_type: ItemType, key: str) -> bool:
    """Whether `key` is a child collection anywhere in the tree below `item_type`."""
    return any(child.key == key or _walks(child, key) for child in item_type.children)


def compute_changes(old: dict | None, new: dict) -> list[dict[str, Any]]:
    """The change list from `old` to `new` (empty for a first version): each change a Dutch one-line `text`."""
    if not old:
        return []
    return compare(old, new)["changes"]


def removed_paths(old: dict | None, new: dict) -> dict[str, dict]:
    """Activity addresses in `old` that `new` no longer has: path → {activity, call, moved_to}.

    `moved_to` is the activity's new address when only its address changed (a new slug or another call).
    """
    if not old:
        return {}
    new_by_id, new_paths = {}, set()
    for call in new.get("calls", []):
        for activity in call.get("activities", []):
            new_by_id[activity["id"]] = activity.get("path", "")
            new_paths.add(activity.get("path", ""))
    gone: dict[str, dict] = {}
    for call in old.get("calls", []):
        for activity in call.get("activities", []):
            path = activity.get("path")
            if path and path not in new_paths:
                gone[path] = {
                    "activity": activity,
                    "call": call,
                    "moved_to": new_by_id.get(activity["id"], ""),
                }
    return gone
