"""Extension points through which other apps add to the document's pages without `pages` importing them.

Each is a Wagtail hook name; register a function with `@hooks.register(NAME)` in your app's `wagtail_hooks.py`.

- ``kvm_page_context``: ``fn(request, page, context) -> dict | None``. Called once per render of a document,
  call or activity page; the dict is merged into the context. Compute everything a page needs in bulk here
  (for example counts for every activity at once): the per-item hook below must not query the database.
- ``kvm_page_sections``: ``fn(request, page, context) -> str | None``. Safe HTML appended to the page's main
  content (forms, lists of supporters).
- ``kvm_item_extras``: ``fn(item, context) -> str | None``. Safe HTML shown with a call or activity wherever it is
  listed. Read only from ``context``.
- ``kvm_version_audiences``: ``fn() -> iterable of (key, label)``. The audiences a new version can be sent to;
  offered in the "publish new version" form and accepted by ``publish_version --notify``.
- ``kvm_version_notify_preview``: ``fn(document, *, number, audiences, is_major) -> (total, lines) | None``. Who
  would be notified of version ``number`` of ``document`` sent to the audience keys ``audiences``: the number of
  people and sentences (counts per audience, in total, per variant), before anything is published. Shown by the
  publish form (whose confirmation names the total) and printed by ``publish_version --dry-run``. Changes nothing.
- ``kvm_version_published_links``: ``fn(version) -> iterable of (label, url)``. Links shown with the "published"
  message (for example to the mailing's progress page).
- ``kvm_public_counts``: ``fn(pages: list[Page]) -> dict[int, dict[str, int]]``. Public counts per page id (for
  example confirmed endorsements and sign-ups) for the headless API, for every given (specific) page at once: a
  fixed number of queries whatever the number of pages. Counts only what anyone may see.
- ``kvm_event_counts``: ``fn(events: list[Event]) -> dict[int, dict]``. Public counts per event id, for every
  given event at once in a fixed number of queries: ``{"confirmed": places taken, "waiting": on a waiting list,
  "parts": {part id: places taken}}``. Counts only confirmed registrations.
- ``kvm_event_sections``: ``fn(request, event, context) -> str | None``. Safe HTML on an event's own page (the
  registration form).
"""

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks
from wagtail.models import Page

PAGE_CONTEXT = "kvm_page_context"
PAGE_SECTIONS = "kvm_page_sections"
ITEM_EXTRAS = "kvm_item_extras"
VERSION_AUDIENCES = "kvm_version_audiences"
PUBLIC_COUNTS = "kvm_public_counts"
VERSION_NOTIFY_PREVIEW = "kvm_version_notify_preview"
VERSION_PUBLISHED_LINKS = "kvm_version_published_links"
EVENT_COUNTS = "kvm_event_counts"
EVENT_SECTIONS = "kvm_event_sections"


def extend_page_context(request, page, context: dict) -> dict:
    for fn in hooks.get_hooks(PAGE_CONTEXT):
        extra = fn(request, page, context)
        if extra:
            context.update(extra)
    return context


def _joined(parts: Iterable[str | None]) -> SafeString:
    return mark_safe("".join(part for part in parts if part))  # noqa: S308 - each hook returns safe HTML


def page_sections(request, page, context) -> SafeString:
    return _joined(fn(request, page, context) for fn in hooks.get_hooks(PAGE_SECTIONS))


def item_extras(item, context) -> SafeString:
    return _joined(fn(item, context) for fn in hooks.get_hooks(ITEM_EXTRAS))


def version_audience_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    for fn in hooks.get_hooks(VERSION_AUDIENCES):
        choices.extend((str(key), str(label)) for key, label in fn())
    return choices


def public_counts(pages: Iterable[Page]) -> dict[int, dict[str, int]]:
    """Every registered app's public counts for these pages, merged per page id; pages without any get {}."""
    pages = list({page.pk: page for page in pages}.values())
    counts: dict[int, dict[str, int]] = {page.pk: {} for page in pages}
    if not pages:
        return counts
    for fn in hooks.get_hooks(PUBLIC_COUNTS):
        for page_id, values in (fn(pages) or {}).items():
            if page_id in counts:
                counts[page_id].update(values)
    return counts


def version_notify_preview(
    document, *, number: int, audiences: list[str], is_major: bool
) -> tuple[int, list[str]]:
    """Every registered app's count and sentences about who would be notified of this version (see above)."""
    total, lines = 0, []
    for fn in hooks.get_hooks(VERSION_NOTIFY_PREVIEW):
        found = fn(document, number=number, audiences=audiences, is_major=is_major)
        if found:
            total += found[0]
            lines.extend(str(line) for line in found[1])
    return total, lines


def version_published_links(version) -> list[tuple[str, str]]:
    """Every registered app's (label, url) links for the "published" message."""
    return [
        (str(label), url) for fn in hooks.get_hooks(VERSION_PUBLISHED_LINKS) for label, url in fn(version)
    ]


def event_counts(events) -> dict[int, dict]:
    """Every registered app's public counts for these events, per event id; events without any get {}."""
    events = list(events)
    counts: dict[int, dict] = {event.pk: {} for event in events}
    if not events:
        return counts
    for fn in hooks.get_hooks(EVENT_COUNTS):
        for event_id, values in (fn(events) or {}).items():
            if event_id in counts:
                counts[event_id].update(values)
    return counts


def event_sections(request, event, context) -> SafeString:
    return _joined(fn(request, event, context) for fn in hooks.get_hooks(EVENT_SECTIONS))
