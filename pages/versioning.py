"""Pure functions over document snapshots: take one, compare two (change list), and diff their text by word.

A snapshot is plain JSON so that a version reads the same years later, whatever happens to the pages.
"""

import difflib
import html
import re
from typing import Any

from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

from .models import ActivityStatus, DocumentPage
from .selectors import document_outline

SNAPSHOT_SCHEMA = 1
STATUS_LABELS = dict(ActivityStatus.choices)


def _status_label(status: str) -> str:
    """A status in the document's language: change lists and snapshot text are written content, not interface."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(STATUS_LABELS.get(status, status))


def _rich(value: str) -> str:
    return expand_db_html(value or "")


def take_snapshot(*, document: DocumentPage) -> dict[str, Any]:
    """The document as it is live now: its own fields, its calls and their activities, in reading order."""
    calls = document_outline(document=document)
    base_path = document.path_on_site()
    return {
        "schema": SNAPSHOT_SCHEMA,
        "document": {
            "id": document.pk,
            "title": document.title,
            "intro": _rich(document.intro),
            "closing_title": document.closing_title,
            "closing": _rich(document.closing),
            "contact_text": document.contact_text,
            "contact_email": document.contact_email,
        },
        "calls": [
            {
                "id": call.pk,
                "number": call.number,
                "title": call.title,
                "slug": call.slug,
                "path": f"{base_path}{call.slug}/",
                "body": str(call.body.render_as_block()) if call.body else "",
                "activities": [
                    {
                        "id": activity.pk,
                        "title": activity.title,
                        "slug": activity.slug,
                        "path": f"{base_path}{call.slug}/{activity.slug}/",
                        "status": activity.status,
                        "description": _rich(activity.description),
                        "needs_people": activity.needs_people,
                        "needs_means": activity.needs_means,
                        "when": activity.when,
                        "where": activity.where,
                    }
                    for activity in call.activity_list
                ],
            }
            for call in calls
        ],
    }


def html_to_text(value: str) -> str:
    """Readable plain text of a snapshot's HTML: block elements become line breaks."""
    if not value:
        return ""
    soup = BeautifulSoup(value, "html.parser")
    for item in soup.find_all("li"):
        item.insert_before("\n• ")
    text = soup.get_text("\n")
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


ACTIVITY_TEXT_FIELDS = ("description", "needs_people", "needs_means", "when", "where")


def _index(snapshot: dict) -> tuple[dict[int, dict], dict[int, tuple[dict, dict]]]:
    calls = {call["id"]: call for call in snapshot.get("calls", [])}
    activities = {
        activity["id"]: (activity, call)
        for call in snapshot.get("calls", [])
        for activity in call["activities"]
    }
    return calls, activities


def _call_label(call: dict) -> str:
    return f"{call['number']}. {call['title']}"


def compute_changes(old: dict | None, new: dict) -> list[dict[str, Any]]:
    """What changed from `old` to `new`: calls and activities added, removed, renamed, moved, re-statused, edited.

    Identity is the page id, never the title, so a renamed or moved activity is one change, not a removal and
    an addition. Each change carries a Dutch one-line `text` for notes and emails.
    """
    if not old:
        return []
    changes: list[dict[str, Any]] = []
    old_calls, old_activities = _index(old)
    new_calls, new_activities = _index(new)

    old_doc, new_doc = old.get("document", {}), new.get("document", {})
    if old_doc.get("title") != new_doc.get("title"):
        changes.append(
            {
                "kind": "renamed",
                "type": "document",
                "id": new_doc.get("id"),
                "title": new_doc.get("title"),
                "old_title": old_doc.get("title"),
                "text": f"Document hernoemd: “{old_doc.get('title')}” heet nu “{new_doc.get('title')}”.",
            }
        )
    edited = [
        label
        for key, label in (("intro", "inleiding"), ("closing", "slot"), ("contact_email", "contact"))
        if html_to_text(old_doc.get(key, "")) != html_to_text(new_doc.get(key, ""))
    ]
    if edited:
        changes.append(
            {
                "kind": "text",
                "type": "document",
                "id": new_doc.get("id"),
                "title": new_doc.get("title"),
                "fields": edited,
                "text": f"Tekst aangepast: {', '.join(edited)}.",
            }
        )

    for call_id, call in new_calls.items():
        before = old_calls.get(call_id)
        if before is None:
            changes.append(
                {
                    "kind": "added",
                    "type": "call",
                    "id": call_id,
                    "title": call["title"],
                    "text": f"Nieuwe call to action: {_call_label(call)}.",
                }
            )
            continue
        if before["title"] != call["title"] or before["number"] != call["number"]:
            changes.append(
                {
                    "kind": "renamed",
                    "type": "call",
                    "id": call_id,
                    "title": call["title"],
                    "old_title": before["title"],
                    "text": f"Call {_call_label(before)} heet nu {_call_label(call)}.",
                }
            )
        if html_to_text(before["body"]) != html_to_text(call["body"]):
            changes.append(
                {
                    "kind": "text",
                    "type": "call",
                    "id": call_id,
                    "title": call["title"],
                    "fields": ["body"],
                    "text": f"Tekst van call {_call_label(call)} aangepast.",
                }
            )
    for call_id, call in old_calls.items():
        if call_id not in new_calls:
            changes.append(
                {
                    "kind": "removed",
                    "type": "call",
                    "id": call_id,
                    "title": call["title"],
                    "text": f"Call to action verwijderd: {_call_label(call)}.",
                }
            )

    for activity_id, (activity, call) in new_activities.items():
        previous = old_activities.get(activity_id)
        if previous is None:
            changes.append(
                {
                    "kind": "added",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "call_id": call["id"],
                    "text": f"Nieuwe activiteit bij call {call['number']}: {activity['title']}.",
                }
            )
            continue
        before, before_call = previous
        if before["title"] != activity["title"]:
            changes.append(
                {
                    "kind": "renamed",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "old_title": before["title"],
                    "text": f"Activiteit “{before['title']}” heet nu “{activity['title']}”.",
                }
            )
        if before_call["id"] != call["id"]:
            changes.append(
                {
                    "kind": "moved",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "from_call": before_call["id"],
                    "to_call": call["id"],
                    "text": f"Activiteit “{activity['title']}” verplaatst van call {before_call['number']} "
                    f"naar call {call['number']}.",
                }
            )
        if before["status"] != activity["status"]:
            old_label = _status_label(before["status"])
            new_label = _status_label(activity["status"])
            changes.append(
                {
                    "kind": "status",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "old_status": before["status"],
                    "new_status": activity["status"],
                    "text": f"Status van “{activity['title']}”: {old_label} → {new_label}.",
                }
            )
        fields = [
            name
            for name in ACTIVITY_TEXT_FIELDS
            if html_to_text(before[name]) != html_to_text(activity[name])
        ]
        if fields:
            changes.append(
                {
                    "kind": "text",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "fields": fields,
                    "text": f"Beschrijving van “{activity['title']}” aangepast.",
                }
            )
    for activity_id, (activity, call) in old_activities.items():
        if activity_id not in new_activities:
            changes.append(
                {
                    "kind": "removed",
                    "type": "activity",
                    "id": activity_id,
                    "title": activity["title"],
                    "call_id": call["id"],
                    "text": f"Activiteit verwijderd uit call {call['number']}: {activity['title']}.",
                }
            )
    return changes


def draft_note(changes: list[dict]) -> str:
    """The change list as a note the editor starts from."""
    return "\n".join(f"- {change['text']}" for change in changes)


def snapshot_text(snapshot: dict) -> str:
    """The whole document as plain text, in reading order, for word-level comparison."""
    doc = snapshot.get("document", {})
    parts = [doc.get("title", ""), html_to_text(doc.get("intro", ""))]
    for call in snapshot.get("calls", []):
        parts.append(f"{call['number']}. {call['title']}")
        parts.append(html_to_text(call["body"]))
        for activity in call["activities"]:
            parts.append(f"• {activity['title']} ({_status_label(activity['status'])})")
            parts.extend(html_to_text(activity[name]) for name in ACTIVITY_TEXT_FIELDS if activity.get(name))
    parts.extend([doc.get("closing_title", ""), html_to_text(doc.get("closing", ""))])
    return "\n\n".join(part for part in parts if part)


_TOKEN = re.compile(r"\s+|[^\s]+")


def _merged_opcodes(old_tokens: list[str], new_tokens: list[str]) -> list[tuple[str, str]]:
    """(removed, added) runs and ("=", text) runs; whitespace between two changes joins them into one run."""
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    runs: list[list[str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        if op == "equal":
            runs.append(["=", added])
        elif runs and runs[-1][0] == "~":
            runs[-1][1] += removed
            runs[-1][2] += added
        else:
            runs.append(["~", removed, added])
        # Fold "change, whitespace, change" into a single change so a phrase reads as one edit.
        if (
            len(runs) >= 3
            and runs[-1][0] == "~"
            and runs[-2][0] == "="
            and not runs[-2][1].strip()
            and "\n\n" not in runs[-2][1]
            and runs[-3][0] == "~"
        ):
            space = runs[-2][1]
            last = runs.pop()
            runs.pop()
            runs[-1][1] += space + last[1]
            runs[-1][2] += space + last[2]
    return [tuple(run) for run in runs]


def word_diff(old_text: str, new_text: str) -> list[dict[str, str]]:
    """Word-level differences as data: `{"op": "equal", "text"}` and `{"op": "change", "removed", "added"}` runs.

    The same runs `word_diff_html` marks up, for clients that render differences themselves.
    """
    return [
        {"op": "equal", "text": run[1]}
        if run[0] == "="
        else {"op": "change", "removed": run[1], "added": run[2]}
        for run in _merged_opcodes(_TOKEN.findall(old_text), _TOKEN.findall(new_text))
    ]


def word_diff_html(old_text: str, new_text: str) -> SafeString:
    """Word-level differences as HTML: deletions in <del>, insertions in <ins>, everything escaped.

    Paragraph breaks stay visible; the markup reads without colour (strike-through and underline).
    """
    out: list[str] = []
    for run in _merged_opcodes(_TOKEN.findall(old_text), _TOKEN.findall(new_text)):
        if run[0] == "=":
            out.append(html.escape(run[1]))
            continue
        removed, added = run[1], run[2]
        if removed.strip():
            out.append(f"<del>{html.escape(removed.strip())}</del>")
        if added.strip():
            out.append(("" if not removed.strip() else " ") + f"<ins>{html.escape(added.strip())}</ins>")
        trailing = (added or removed)[len((added or removed).rstrip()) :]
        out.append(html.escape(trailing))
    paragraphs = "".join(out).split("\n\n")
    return format_html_join("\n", "<p>{}</p>", ((mark_safe(p.replace("\n", "<br>")),) for p in paragraphs))  # noqa: S308
