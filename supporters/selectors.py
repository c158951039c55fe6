"""Read-only queries. Each returns in a fixed number of queries, whatever the number of pages or supporters.

Nothing here returns an email address or an unconfirmed name for public use: public selectors filter on
`confirmed_at` and on the person's visibility choice. (`confirmation_preview` shows the owner of a confirmation
link their own unconfirmed entry.)
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from pages.models import ActivityPage, CallPage, DocumentPage

from .models import (
    ChangeNotice,
    Endorsement,
    EventRegistration,
    ModerationStatus,
    Reaction,
    ReactionStatus,
    RegistrationPart,
    SignUp,
    SignUpRole,
    Visibility,
)

PUBLIC_LIST_LIMIT = 200


def display_name(name: str, visibility: str) -> str:
    """The name as the person chose to be shown: in full, as initials ("J. J."), or not at all ("")."""
    name = (name or "").strip()
    if visibility == Visibility.FULL_NAME:
        return name
    if visibility == Visibility.INITIALS:
        return " ".join(f"{part[0].upper()}." for part in name.split() if part)
    return ""


@dataclass
class PreviewLine:
    """One thing a confirmation makes public, as the confirm page shows it: what, and how it will read."""

    label: str
    value: str


def confirmation_preview(*, submission) -> list[PreviewLine]:
    """Exactly what confirming `submission` makes public, in the words of the public pages (empty: only a count).

    Mirrors the public lists: on the document an endorser is shown as they chose (their organisation with the full
    name only), their message once the editors approved it, the organisation they endorse on behalf of in the list
    of organisations; a reaction appears with its shown name once approved; sign-ups, registrations and
    endorsements of a call or activity are only counted.
    """
    lines: list[PreviewLine] = []
    if isinstance(submission, Endorsement):
        on_document = submission.target_id is not None and (
            DocumentPage.objects.filter(pk=submission.target_id).exists()
        )
        name = display_name(submission.name, submission.visibility) if on_document else ""
        if name:
            lines.append(PreviewLine(_("Uw naam in de lijst van steunbetuigers"), name))
            if submission.visibility == Visibility.FULL_NAME and submission.organisation_name:
                lines.append(PreviewLine(_("Organisatie bij uw naam"), submission.organisation_name))
            if submission.message:
                lines.append(
                    PreviewLine(_("Uw bericht, zodra de redactie het heeft goedgekeurd"), submission.message)
                )
        if submission.on_behalf and submission.organisation_name:
            lines.append(PreviewLine(_("Steunt als organisatie"), submission.organisation_name))
    elif isinstance(submission, Reaction):
        shown = display_name(submission.name, submission.visibility) or _("niet getoond")
        lines.append(PreviewLine(_("Uw naam bij de reactie"), shown))
        lines.append(PreviewLine(_("Uw reactie, zodra de redactie haar heeft goedgekeurd"), submission.text))
    return lines


def endorsement_counts(*, target_ids: Iterable[int]) -> dict[int, int]:
    """Confirmed endorsements per page id, in one query."""
    rows = (
        Endorsement.objects.filter(target_id__in=list(target_ids), confirmed_at__isnull=False)
        .values_list("target_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


@dataclass
class PublicEndorser:
    """One line of the public list: a shown name and/or an organisation, and an approved message."""

    name: str
    organisation: str
    message: str


@dataclass
class PublicEndorsements:
    """Who publicly supports a document: its endorsers who chose to be shown, and every endorsing organisation."""

    people: list[PublicEndorser]
    organisations: list[str]


def document_endorsements(
    *, document_id: int, page_ids: Iterable[int]
) -> tuple[dict[int, int], PublicEndorsements]:
    """Confirmed counts for every page of a document and its public list, in one grouped query.

    Rows that are not public collapse into one group per page; each person shown on the document and each endorsing
    organisation is a group of its own. Names and messages are selected only for rows that may be shown.
    """
    public_person = Q(target_id=document_id, visibility__in=[Visibility.FULL_NAME, Visibility.INITIALS])

    def shown(condition: Q, value) -> Case:
        return Case(When(condition, then=value), default=Value(None), output_field=CharField())

    rows = (
        Endorsement.objects.filter(target_id__in=list(page_ids), confirmed_at__isnull=False)
        .annotate(
            person=Case(When(public_person, then=F("pk")), default=Value(None), output_field=IntegerField()),
            shown_name=shown(public_person, F("name")),
            shown_visibility=shown(public_person, F("visibility")),
            shown_organisation=shown(
                public_person & Q(visibility=Visibility.FULL_NAME), F("organisation_name")
            ),
            shown_message=shown(public_person & Q(message_status=ModerationStatus.APPROVED), F("message")),
        )
        .values(
            "target_id",
            "person",
            "shown_name",
            "shown_visibility",
            "shown_organisation",
            "shown_message",
            "organisation__name",
        )
        .annotate(n=Count("pk"), last=Max("confirmed_at"))
        .order_by("-last")
    )
    counts: dict[int, int] = defaultdict(int)
    people: list[PublicEndorser] = []
    organisations: dict[str, None] = {}
    for row in rows:
        counts[row["target_id"]] += row["n"]
        if row["organisation__name"]:
            organisations[row["organisation__name"]] = None
        name = display_name(row["shown_name"] or "", row["shown_visibility"] or "")
        if row["person"] is not None and name and len(people) < PUBLIC_LIST_LIMIT:
            people.append(
                PublicEndorser(
                    name=name,
                    organisation=row["shown_organisation"] or "",
                    message=row["shown_message"] or "",
                )
            )
    return dict(counts), PublicEndorsements(people=people, organisations=sorted(organisations, key=str.lower))


@dataclass
class PublicReaction:
    """An approved reaction as the public sees it: the shown name (may be empty), its kind and text."""

    name: str
    kind: str
    text: str


def approved_reactions(*, target_id: int, limit: int = 100) -> list[PublicReaction]:
    rows = Reaction.objects.filter(target_id=target_id, status=ReactionStatus.APPROVED).order_by(
        "-created_at"
    )
    return [
        PublicReaction(name=display_name(r.name, r.visibility), kind=r.get_kind_display(), text=r.text)
        for r in rows[:limit]
    ]


@dataclass
class RoleCount:
    """Confirmed sign-ups for one role of one activity: given a place, on the waiting list, and the capacity."""

    confirmed: int = 0
    waitlisted: int = 0
    capacity: int | None = None

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


def signup_counts(*, activity_ids: Iterable[int]) -> dict[int, dict[str, RoleCount]]:
    """Per activity id and role, confirmed sign-ups with and without a place: one query."""
    result: dict[int, dict[str, RoleCount]] = defaultdict(
        lambda: {role: RoleCount() for role in SignUpRole.values}
    )
    rows = (
        SignUp.objects.filter(activity_id__in=list(activity_ids), confirmed_at__isnull=False)
        .values_list("activity_id", "role", "waitlisted")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for activity_id, role, waitlisted, n in rows:
        count = result[activity_id][role]
        if waitlisted:
            count.waitlisted += n
        else:
            count.confirmed += n
    return result


@dataclass
class DashboardRow:
    """One activity on the editors' dashboard: its call, confirmed endorsements and sign-ups per role."""

    activity: ActivityPage
    call_title: str
    endorsements: int
    organisers: RoleCount
    helpers: RoleCount
    events: int = 0
    registered: int = 0
    registrations_waiting: int = 0

    @property
    def waitlisted(self) -> int:
        return self.organisers.waitlisted + self.helpers.waitlisted


def dashboard_rows() -> list[DashboardRow]:
    """Every activity (live or draft), in tree order, with its counts: four queries."""
    activities = list(ActivityPage.objects.order_by("path"))
    calls = {
        call.path: call.heading
        for call in CallPage.objects.filter(path__in={a.path[: -Page.steplen] for a in activities})
    }
    ids = [activity.pk for activity in activities]
    endorsements = endorsement_counts(target_ids=ids)
    signups = signup_counts(activity_ids=ids)
    events = registration_totals(activity_ids=ids)
    rows = []
    for activity in activities:
        roles = signups[activity.pk]
        roles[SignUpRole.ORGANISER].capacity = activity.organiser_capacity
        roles[SignUpRole.HELPER].capacity = activity.helper_capacity
        rows.append(
            DashboardRow(
                activity=activity,
                call_title=calls.get(activity.path[: -Page.steplen], ""),
                endorsements=endorsements.get(activity.pk, 0),
                organisers=roles[SignUpRole.ORGANISER],
                helpers=roles[SignUpRole.HELPER],
                **events.get(activity.pk, {}),
            )
        )
    return rows


def registration_totals(*, activity_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per activity: its number of events, confirmed places (people and guests) and places waiting: two queries."""
    from django.db.models import Exists, OuterRef, Sum

    from pages.models import Event

    totals: dict[int, dict[str, int]] = defaultdict(
        lambda: {"events": 0, "registered": 0, "registrations_waiting": 0}
    )
    for row in (
        Event.objects.filter(activity_id__in=activity_ids).values("activity_id").annotate(n=Count("pk"))
    ):
        totals[row["activity_id"]]["events"] = row["n"]
    has_place = Exists(RegistrationPart.objects.filter(registration=OuterRef("pk"), waitlisted=False))
    rows = (
        EventRegistration.objects.filter(
            event__activity_id__in=activity_ids, confirmed_at__isnull=False, cancelled_at__isnull=True
        )
        .annotate(has_place=has_place)
        .values("event__activity_id", "has_place")
        .annotate(places=Sum(F("guests") + 1))
    )
    for row in rows:
        key = "registered" if row["has_place"] else "registrations_waiting"
        totals[row["event__activity_id"]][key] += row["places"] or 0
    return dict(totals)


def event_registrations(*, event_id: int) -> list[dict]:
    """An event's registrations for its organisers, grouped by part: confirmed places first, then the waiting list
    in order, then unconfirmed and cancelled ones (two queries)."""
    from pages.models import Event

    event = Event.objects.select_related("activity", "district").filter(pk=event_id).first()
    if event is None:
        return []
    rows = (
        RegistrationPart.objects.filter(registration__event_id=event_id)
        .select_related("registration", "part")
        .order_by("part__sort_order", "part_id", "registration__confirmed_at", "registration_id")
    )
    groups: dict[int | None, dict] = {}
    for part in event.activity.event_parts.all():
        groups[part.pk] = {"part": part, "label": part.label, "capacity": part.capacity}
    for row in rows:
        group = groups.setdefault(
            row.part_id,
            {
                "part": row.part,
                "label": row.part.label if row.part_id else event.display_title,
                "capacity": event.capacity,
            },
        )
        registration = row.registration
        if not registration.confirmed_at:
            status = "unconfirmed"
        elif registration.cancelled_at:
            status = "cancelled"
        else:
            status = "waiting" if row.waitlisted else "confirmed"
        group.setdefault(status, []).append(registration)
    for group in groups.values():
        group["taken"] = sum(r.places for r in group.get("confirmed", []))
        group["waiting_places"] = sum(r.places for r in group.get("waiting", []))
    return list(groups.values())


def change_notice_items(*, notice: ChangeNotice) -> tuple[list[Endorsement], list[SignUp]]:
    """The person's confirmed endorsements and sign-ups of the activities a change notice is about."""
    endorsements = list(
        Endorsement.objects.filter(
            email=notice.email, target_id__in=notice.activity_ids, confirmed_at__isnull=False
        ).select_related("target")
    )
    signups = list(
        SignUp.objects.filter(
            email=notice.email, activity_id__in=notice.activity_ids, confirmed_at__isnull=False
        ).select_related("activity")
    )
    return endorsements, signups


def move_choices(*, notice: ChangeNotice) -> list[ActivityPage]:
    """Live activities of the notice's document that supporters may move to."""
    document = notice.version.document
    return list(
        ActivityPage.objects.descendant_of(document)
        .live()
        .public()
        .exclude(pk__in=notice.activity_ids)
        .order_by("path")
    )
