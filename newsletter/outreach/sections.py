"""The outreach's public progress on the document's pages, through the hooks declared in `pages.extensions`.

`page_context` does the queries (one, plus two or three when a linked activity is on the page), whatever the
size of the document; `item_extras` and `page_sections` only read what it put in the context. Counts only: a
person's name appears only when they said yes and ticked "my name may be shown".
"""

from django.template.loader import render_to_string
from django.utils.translation import ngettext

from pages.models import ActivityPage, CallPage, DocumentPage
from supporters.models import ContactRole

from .models import OutreachKind
from .selectors import linked_activities, public_progress, shown_names

PROGRESS = "kvm_outreach_progress"

KIND_ROLE = {
    OutreachKind.PLEIDOOI: ContactRole.CANDIDATE,
    OutreachKind.CANDIDATE_DIALOGUE: ContactRole.CANDIDATE,
    OutreachKind.LEADER_DIALOGUE: ContactRole.PARTY_LEADER,
    OutreachKind.DEBATE: ContactRole.PARTY_LEADER,
}


def _page_activity_ids(page, context: dict) -> list[int]:
    if isinstance(page, DocumentPage):
        return [a.pk for call in context.get("outline", []) for a in getattr(call, "activity_list", [])]
    if isinstance(page, CallPage):
        return [activity.pk for activity in context.get("activities", [])]
    return [page.pk]


def _summary(kind: str, counts: dict[str, int]) -> dict[str, str]:
    approached, yes = counts["approached"], counts["yes"]
    if KIND_ROLE[kind] == ContactRole.CANDIDATE:
        first = ngettext(
            "Kandidaten van %(n)s partij benaderd", "Kandidaten van %(n)s partijen benaderd", approached
        )
        second = ngettext("%(n)s partij zei ja", "%(n)s partijen zeiden ja", yes)
    else:
        first = ngettext("%(n)s fractieleider benaderd", "%(n)s fractieleiders benaderd", approached)
        second = ngettext("%(n)s zei ja", "%(n)s zeiden ja", yes)
    return {
        "kind": kind,
        "approached": approached,
        "yes": yes,
        "text": f"{first % {'n': approached}} · {second % {'n': yes}}",
    }


def page_context(request, page, context: dict) -> dict | None:
    """Progress lines for the linked activities on this page, and (on such an activity's own page) the names of
    those who said yes and agreed to be shown."""
    if not isinstance(page, DocumentPage | CallPage | ActivityPage):
        return None
    linked = linked_activities()
    on_page = {pk: linked[pk] for pk in _page_activity_ids(page, context) if pk in linked}
    if not on_page:
        return None
    progress = public_progress()
    lines = {pk: _summary(kind, progress[KIND_ROLE[kind]]) for pk, kind in on_page.items()}
    extra = {PROGRESS: {"lines": lines, "names": None}}
    if isinstance(page, ActivityPage):
        extra[PROGRESS]["names"] = shown_names(role=KIND_ROLE[on_page[page.pk]])
    return extra


def item_extras(item, context: dict) -> str | None:
    line = (context.get(PROGRESS) or {}).get("lines", {}).get(item.pk)
    if line is None:
        return None
    return render_to_string("newsletter/includes/outreach_progress.html", {"line": line})


def page_sections(request, page, context: dict) -> str | None:
    """On a linked activity's own page: who said yes and agreed to be named (its counts are in item_extras)."""
    names = (context.get(PROGRESS) or {}).get("names")
    if not names:
        return None
    return render_to_string("newsletter/includes/outreach_names.html", {"names": names}, request=request)
