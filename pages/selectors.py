"""Read-only queries for the living document. Each returns in a fixed number of queries, whatever the size."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from wagtail.models import Page

from .models import ActivityPage, CallPage, DocumentPage, DocumentVersion, InfoPage, RemovedActivity


def document_calls(*, document: Page):
    return CallPage.objects.child_of(document).live().public().order_by("number", "path")


def document_outline(*, document: DocumentPage, include: Iterable[int] = ()) -> list[CallPage]:
    """The document's live calls, each with `.activity_list` set: two queries for the whole document.

    `include`: ids of pages to take along even when they are not live yet (drafts about to be published).
    """
    include = list(include)
    calls_query = CallPage.objects.child_of(document).public().order_by("number", "path")
    activities = ActivityPage.objects.descendant_of(document).public().order_by("path")
    if include:
        calls_query = calls_query.filter(Q(live=True) | Q(pk__in=include))
        activities = activities.filter(Q(live=True) | Q(pk__in=include))
    else:
        calls_query, activities = calls_query.live(), activities.live()
    calls = list(calls_query)
    activities_by_parent: dict[str, list[ActivityPage]] = defaultdict(list)
    for activity in activities:
        activities_by_parent[activity.path[: -ActivityPage.steplen]].append(activity)
    for call in calls:
        call.activity_list = activities_by_parent.get(call.path, [])
    return calls


def call_activities(*, call: CallPage):
    return ActivityPage.objects.child_of(call).live().public().order_by("path")


def latest_version(*, document: DocumentPage) -> DocumentVersion | None:
    return DocumentVersion.objects.filter(document=document).order_by("-number").first()


def removed_activity(*, path: str) -> RemovedActivity | None:
    """What used to live at `path`, for the 404 handler: one indexed query, whatever the number of versions."""
    if not path.endswith("/"):
        path += "/"
    if len(path) > RemovedActivity._meta.get_field("path").max_length or "\x00" in path:
        return None  # never stored; and PostgreSQL refuses a NUL in a query
    marker = (
        RemovedActivity.objects.select_related("document", "last_version", "removed_in")
        .filter(path=path)
        .first()
    )
    if marker is None or not marker.document.live:
        return None
    return marker


def activity_filters(*, outline: list[CallPage], call: str, status: str, statuses) -> dict:
    """The activities overview: `outline` narrowed to one call number and/or status, with counts per choice.

    No queries: it works on the outline already fetched. Unknown values are ignored (no filter), never an error.
    """
    known_status = {key for key, _label in statuses}
    status = status if status in known_status else ""
    numbers = {str(c.number) for c in outline}
    call = call if call in numbers else ""
    everything = [activity for c in outline for activity in c.activity_list]
    status_counts = defaultdict(int)
    for c in outline:
        if not call or str(c.number) == call:
            for activity in c.activity_list:
                status_counts[activity.status] += 1
    narrowed = []
    for c in outline:
        if call and str(c.number) != call:
            continue
        activities = [a for a in c.activity_list if not status or a.status == status]
        if activities:
            c.filtered_activities = activities
            narrowed.append(c)
    call_counts = {
        c.number: sum(1 for a in c.activity_list if not status or a.status == status) for c in outline
    }
    return {
        "call": call,
        "status": status,
        "total": len(everything),
        "shown": sum(len(c.filtered_activities) for c in narrowed),
        "outline": narrowed,
        "calls": [{"number": c.number, "title": c.title, "count": call_counts[c.number]} for c in outline],
        "statuses": [
            {"key": key, "label": label, "count": status_counts.get(key, 0)} for key, label in statuses
        ],
    }


def search_document(*, document: DocumentPage, query: str):
    """Wagtail search over the document and its live, public pages; results as specific pages."""
    pages = Page.objects.live().public().descendant_of(document, inclusive=True).specific()
    return pages.search(query, operator="and")


def info_pages(*, document: Page):
    """The document's live info pages (about us, contact, privacy, colophon) in the editors' order."""
    return InfoPage.objects.child_of(document).live().public().order_by("path")


@dataclass(frozen=True)
class DashboardDocument:
    """A living document as the dashboard shows it: its latest version and how many of its pages wait as drafts."""

    page: DocumentPage
    latest: DocumentVersion | None
    drafts: int


def dashboard_documents(*, user) -> list[DashboardDocument]:
    """The documents this editor may publish a version of, newest first."""
    documents = [
        page
        for page in DocumentPage.objects.order_by("-latest_revision_created_at", "pk")
        if page.permissions_for_user(user).can_publish()
    ]
    return [
        DashboardDocument(
            page=page,
            latest=latest_version(document=page),
            drafts=Page.objects.descendant_of(page, inclusive=True)
            .filter(has_unpublished_changes=True)
            .count(),
        )
        for page in documents
    ]
