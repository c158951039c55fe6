"""Reading a document into a snapshot, and the one computation of "the next version".

`take_snapshot` turns the live pages (plus, on request, drafts about to be published) into the plain JSON a
version stores; `version_preview` is the next version as it would be cut now. The version cut, the publish form
and the newsletter's preview all call `version_preview`, so they can never disagree. The comparison of two
snapshots is pure and lives in `pages.versioning`.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from .events.changes import snapshot_events
from .models import ActivityPage, CallPage, DocumentPage, DocumentVersion
from .selectors import document_outline, latest_version
from .versioning import compute_changes

SNAPSHOT_SCHEMA = 1


def _rich(value: str) -> str:
    return expand_db_html(value or "")


def _draft_objects(pages: Iterable[Page]) -> dict[int, Page]:
    """Each page with a pending draft as that draft would go live: page id → the revision's page object."""
    drafts: dict[int, Page] = {}
    for page in pages:
        if page.has_unpublished_changes:
            revision = page.get_latest_revision()
            if revision is not None:
                drafts[page.pk] = revision.as_object()
    return drafts


def snapshot_of(*, document: DocumentPage, calls: list[CallPage]) -> dict[str, Any]:
    """The snapshot of a document whose outline (calls with `.activity_list`) is already loaded: one query more,
    for the activities' events.

    Written in the document's language (dates in "when"), whatever the language of the request that cuts it.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _snapshot_of(document, calls)


def _snapshot_of(document: DocumentPage, calls: list[CallPage]) -> dict[str, Any]:
    base_path = document.path_on_site()
    events = snapshot_events(activity_ids=[a.pk for call in calls for a in call.activity_list])
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
                    {**_activity(activity, f"{base_path}{call.slug}/"), "events": events.get(activity.pk, [])}
                    for activity in call.activity_list
                ],
            }
            for call in calls
        ],
    }


def _activity(activity: ActivityPage, call_path: str) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "title": activity.title,
        "slug": activity.slug,
        "path": f"{call_path}{activity.slug}/",
        "status": activity.status,
        "description": _rich(activity.description),
        "needs_people": activity.needs_people,
        "needs_means": activity.needs_means,
        "when": activity.when,
        "where": activity.where,
        "organiser_capacity": activity.organiser_capacity,
        "helper_capacity": activity.helper_capacity,
    }


def take_snapshot(*, document: DocumentPage, publish: Iterable[Page] = ()) -> dict[str, Any]:
    """The document as it is live now, or as it will be once the pages in `publish` have their drafts published.

    Calls and activities in reading order: by call number, then the editor's order of the activities.
    """
    drafts = _draft_objects(publish)
    calls = document_outline(document=document, include=drafts.keys())
    if drafts:
        document = drafts.get(document.pk, document)
        calls = [_with_draft(call, drafts) for call in calls if call.live or call.pk in drafts]
        calls.sort(key=lambda call: (call.number or 0, call.path))
    return snapshot_of(document=document, calls=calls)


def _with_draft(call: CallPage, drafts: dict[int, Page]) -> CallPage:
    activities = [drafts.get(a.pk, a) for a in call.activity_list if a.live or a.pk in drafts]
    call = drafts.get(call.pk, call)
    call.activity_list = activities
    return call


def version_preview(
    document: DocumentPage, *, publish: Iterable[Page] = (), published_at: dt.datetime | None = None
) -> DocumentVersion:
    """The next version of `document`, unsaved: number, snapshot and change list as they would be cut now.

    `publish`: pages whose pending drafts go live with this version. The note is left empty for the editor.
    """
    previous = latest_version(document=document)
    snapshot = take_snapshot(document=document, publish=publish)
    return DocumentVersion(
        document=document,
        number=(previous.number if previous else 0) + 1,
        published_at=published_at or timezone.now(),
        note="",
        snapshot=snapshot,
        changes=compute_changes(previous.snapshot if previous else None, snapshot),
    )


def version_state(
    *, document: DocumentPage, outline: list[CallPage] | None = None, latest: DocumentVersion | None = None
) -> dict[str, Any]:
    """Whether the live document still reads as its latest version: for the version line on public pages.

    `{"version", "state": "published" | "changed" | None, "updated_at"}`; `updated_at` is the newest publish
    date in the document since the version, when there is one. Three queries at most, whatever the size.
    """
    if latest is None:
        latest = latest_version(document=document)
    if latest is None:
        return {"version": None, "state": None, "updated_at": None}
    if outline is None:
        outline = document_outline(document=document)
    changes = compute_changes(latest.snapshot, snapshot_of(document=document, calls=outline))
    if not changes:
        return {"version": latest, "state": "published", "updated_at": None}
    pages = [document, *outline, *(activity for call in outline for activity in call.activity_list)]
    stamps = [page.last_published_at for page in pages if page.last_published_at]
    newest = max(stamps) if stamps else None
    return {
        "version": latest,
        "state": "changed",
        "updated_at": newest if newest and newest > latest.published_at else None,
    }
