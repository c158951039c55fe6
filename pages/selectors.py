"""Read-only queries for the living document. Each returns in a fixed number of queries, whatever the size."""

from collections import defaultdict

from wagtail.models import Page

from .models import ActivityPage, CallPage, DocumentPage, DocumentVersion


def document_calls(*, document: Page):
    return CallPage.objects.child_of(document).live().public().order_by("number", "path")


def document_outline(*, document: DocumentPage) -> list[CallPage]:
    """The document's live calls, each with `.activity_list` set: two queries for the whole document."""
    calls = list(document_calls(document=document))
    activities_by_parent: dict[str, list[ActivityPage]] = defaultdict(list)
    activities = ActivityPage.objects.descendant_of(document).live().public().order_by("path")
    for activity in activities:
        activities_by_parent[activity.path[: -ActivityPage.steplen]].append(activity)
    for call in calls:
        call.activity_list = activities_by_parent.get(call.path, [])
    return calls


def call_activities(*, call: CallPage):
    return ActivityPage.objects.child_of(call).live().public().order_by("path")


def latest_version(*, document: DocumentPage) -> DocumentVersion | None:
    return DocumentVersion.objects.filter(document=document).order_by("-number").first()


def removed_activity(*, path: str) -> dict | None:
    """The last published state of an activity that used to live at `path` and is gone from the site now.

    Returns the activity's snapshot, the last version that had it, and the version that dropped it (or None
    when no newer version exists yet). Only for 404 handling: it reads snapshots, newest first.
    """
    if not path.endswith("/"):
        path += "/"
    for document in DocumentPage.objects.live():
        if not path.startswith(document.path_on_site()):
            continue
        newer = None
        versions = DocumentVersion.objects.filter(document=document).order_by("-number")
        for version in versions.only("pk", "number", "published_at", "note", "snapshot", "document"):
            for call in version.snapshot.get("calls", []):
                for activity in call["activities"]:
                    if activity.get("path") == path:
                        if newer is None:
                            return None  # still in the latest version: not removed, just missing
                        return {
                            "document": document,
                            "activity": activity,
                            "call": call,
                            "last": version,
                            "removed_in": newer,
                        }
            newer = version
    return None
