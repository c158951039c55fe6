"""What the supporters app adds to the document's pages, through the hooks declared in `pages.extensions`.

`page_context` does every query (a fixed number, whatever the size of the document); `item_extras` and
`page_sections` only read the context it filled.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from pages.models import ActivityPage, CallPage, DocumentPage

from . import selectors
from .forms import EndorseForm, ReactionForm, SignUpForm
from .models import SignUpRole

COUNTS = "kvm_endorsement_counts"
PUBLIC = "kvm_public_endorsements"
REACTIONS = "kvm_reactions"
SIGNUPS = "kvm_signup_counts"
CARD_SIGNUPS = "kvm_card_signup_counts"


def page_context(request, page, context: dict) -> dict | None:
    """Endorsement counts for the page and every call/activity on it, and its public lists: one or two queries."""
    if not isinstance(page, DocumentPage | CallPage | ActivityPage):
        return None
    ids = [page.pk]
    activity_ids: list[int] = []
    if isinstance(page, DocumentPage):
        for call in context.get("outline", []):
            ids.append(call.pk)
            activity_ids.extend(activity.pk for activity in getattr(call, "activity_list", []))
    elif isinstance(page, CallPage):
        activity_ids.extend(activity.pk for activity in context.get("activities", []))
    ids.extend(activity_ids)
    extra: dict = {}
    if activity_ids:
        extra[CARD_SIGNUPS] = selectors.signup_counts(activity_ids=activity_ids)
    if isinstance(page, DocumentPage):
        extra[COUNTS], extra[PUBLIC] = selectors.document_endorsements(document_id=page.pk, page_ids=ids)
    else:
        extra[COUNTS] = selectors.endorsement_counts(target_ids=ids)
        extra[REACTIONS] = selectors.approved_reactions(target_id=page.pk)
    if isinstance(page, ActivityPage):
        roles = selectors.signup_counts(activity_ids=[page.pk])[page.pk]
        roles[SignUpRole.ORGANISER].capacity = page.organiser_capacity
        roles[SignUpRole.HELPER].capacity = page.helper_capacity
        extra[SIGNUPS] = roles
    return extra


def item_extras(item, context: dict) -> str | None:
    """The confirmed endorsement count of a call or activity, wherever it is shown. No queries."""
    counts = context.get(COUNTS)
    if counts is None:
        return None
    n = counts.get(item.pk, 0)
    endorsements = format_html(
        '<p class="endorsement-count"><span data-endorsement-count="{}">{}</span> {}</p>',
        n,
        n,
        ngettext("steunbetuiging", "steunbetuigingen", n),
    )
    signups = context.get(CARD_SIGNUPS)
    if signups is None or not isinstance(item, ActivityPage):
        return endorsements
    roles = signups[item.pk]  # a defaultdict: an activity without sign-ups counts zero
    signed_up = sum(role.confirmed for role in roles.values())
    return endorsements + format_html(
        '<p class="signup-count"><span data-signup-count="{}">{}</span> {}</p>',
        signed_up,
        signed_up,
        ngettext("meldde zich aan", "meldden zich aan", signed_up),
    )


def page_sections(request, page, context: dict) -> str | None:
    """The forms (endorse, sign up, react), and the public list of supporters on the document."""
    if COUNTS not in context:
        return None
    signups = context.get(SIGNUPS)
    section_context = {
        "page": page,
        "is_document": isinstance(page, DocumentPage),
        "own_count": context[COUNTS].get(page.pk, 0),
        "endorse_form": EndorseForm(),
        "reaction_form": ReactionForm(),
        "signup_form": SignUpForm() if isinstance(page, ActivityPage) else None,
        "signup_roles": [
            {"key": role, "label": label, "count": signups[role]} for role, label in SignUpRole.choices
        ]
        if signups
        else [],
        "endorse_url": reverse("supporters:endorse", args=[page.pk]),
        "signup_url": reverse("supporters:signup", args=[page.pk]),
        "react_url": reverse("supporters:react", args=[page.pk]),
        "reactions_url": reverse("supporters:reactions", args=[page.pk]),
        "data_url": reverse("supporters:data_request"),
        "public_endorsements": context.get(PUBLIC),
        "reactions": context.get(REACTIONS),
    }
    return render_to_string("supporters/sections.html", section_context, request=request)


def public_counts(pages: list) -> dict[int, dict[str, int]]:
    """Confirmed endorsements of every page, and confirmed sign-ups per role of the activities: two queries.

    For the headless API (`pages.extensions.PUBLIC_COUNTS`). `organisers` and `helpers` count people given a
    place; `waitlisted` those on a waiting list.
    """
    endorsements = selectors.endorsement_counts(target_ids=[page.pk for page in pages])
    activity_ids = [page.pk for page in pages if isinstance(page, ActivityPage)]
    signups = selectors.signup_counts(activity_ids=activity_ids) if activity_ids else {}
    counts: dict[int, dict[str, int]] = {
        page.pk: {"endorsements": endorsements.get(page.pk, 0)} for page in pages
    }
    for activity_id in activity_ids:
        roles = signups[activity_id]
        counts[activity_id].update(
            organisers=roles[SignUpRole.ORGANISER].confirmed,
            helpers=roles[SignUpRole.HELPER].confirmed,
            waitlisted=roles[SignUpRole.ORGANISER].waitlisted + roles[SignUpRole.HELPER].waitlisted,
        )
    return counts


def event_section(request, event, context: dict) -> str | None:
    """The registration form on an event's page, with the places left per part. No queries: counts are in `event`."""
    from .forms import RegistrationForm

    counts = getattr(event, "counts", {}) or {}
    taken, waiting = counts.get("parts", {}), counts.get("parts_waiting", {})
    parts = context.get("parts") or []
    if parts:
        rows = [(part.label, part.capacity, taken.get(part.pk, 0), waiting.get(part.pk, 0)) for part in parts]
    else:
        rows = [(None, event.capacity, taken.get(None, 0), waiting.get(None, 0))]
    availability = [
        {
            "label": label,
            "capacity": capacity,
            "taken": n,
            "left": max(capacity - n, 0) if capacity is not None else None,
            "waiting": w,
        }
        for label, capacity, n, w in rows
    ]
    from django.utils import timezone

    return render_to_string(
        "supporters/event_registration.html",
        {
            "event": event,
            "form": RegistrationForm(event=event),
            "action": reverse("supporters:register", args=[event.pk]),
            "availability": availability,
            "closed": event.cancelled or event.ends_at < timezone.now(),
        },
        request=request,
    )
