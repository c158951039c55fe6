"""Read-only queries of the outreach: per-party overview, one person's timeline, who is due a reminder, and the
public progress counts. Each runs a fixed number of queries, whatever the number of parties or candidates."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.models import Schedule

from supporters.models import Contact, ContactRole, OrganisationKind

from ..models import (
    Audience,
    Delivery,
    DeliveryStatus,
    Mailing,
    Subscriber,
    Subscription,
    Suppression,
    SuppressionReason,
    TrackingEvent,
)
from ..selectors import still_wanted
from .mail import OUTREACH_TEMPLATES
from .models import AnswerChoice, DialogueAnswer, OutreachActivity, Reminder

ROLES = (ContactRole.CANDIDATE, ContactRole.PARTY_LEADER)


def outreach_mailings() -> QuerySet[Mailing]:
    """Mailings that went (also) to an outreach audience, newest first."""
    return (
        Mailing.objects.filter(audiences__template__in=OUTREACH_TEMPLATES)
        .distinct()
        .select_related("version__document")
        .order_by("-created_at")
    )


def outreach_contacts() -> QuerySet[Contact]:
    """Candidates and party leaders on the parties' lists."""
    return Contact.objects.filter(role__in=ROLES, organisation__kind=OrganisationKind.POLITICAL_PARTY)


@dataclass
class PersonStatus:
    """One candidate or party leader as the overview shows them."""

    contact_id: int
    name: str
    role: str
    role_label: str
    position: int | None
    party: str
    status: str = "not_sent"
    status_label: str = ""
    delivered: bool = False
    unsubscribed: bool = False
    reminded: bool = False
    answer: str = ""
    answer_label: str = ""
    message: str = ""
    preferred_contact: str = ""
    answered_at: dt.datetime | None = None


@dataclass
class PartyOverview:
    """The numbers of one party: reached, bounced, answers, its leader's answer, messages; and its people."""

    name: str
    people: list[PersonStatus] = field(default_factory=list)
    candidates: int = 0
    sent: int = 0
    bounced: int = 0
    unsubscribed: int = 0
    yes: int = 0
    no: int = 0
    none: int = 0
    messages: int = 0
    leader_answer: str = ""
    bars: list[dict] = field(default_factory=list)


STATUS_LABELS = {
    "not_sent": gettext_lazy("niet verzonden"),
    "sent": gettext_lazy("verzonden"),
    "bounced": gettext_lazy("onbestelbaar"),
    "pending": gettext_lazy("wordt verzonden"),
}


def _status(delivery_status: str | None) -> str:
    if delivery_status is None:
        return "not_sent"
    if delivery_status == DeliveryStatus.SENT:
        return "sent"
    if delivery_status == DeliveryStatus.FAILED:
        return "bounced"
    if delivery_status == DeliveryStatus.SUPPRESSED:
        return "not_sent"
    return "pending"


def people_status(*, mailing: Mailing | None) -> list[PersonStatus]:
    """Every candidate and party leader with their delivery of `mailing`, answer and subscription (4 queries)."""
    contacts = list(
        outreach_contacts()
        .order_by("organisation__name", "role", "position", "name")
        .values("pk", "name", "role", "position", "organisation__name")
    )
    ids = [row["pk"] for row in contacts]
    deliveries: dict[int, dict] = {}
    if mailing is not None:
        for row in Delivery.objects.filter(mailing=mailing, subscriber__contact_id__in=ids).values(
            "subscriber__contact_id", "status", "delivered_at", "id"
        ):
            deliveries[row["subscriber__contact_id"]] = row
    answers = {
        row["contact_id"]: row
        for row in DialogueAnswer.objects.filter(contact_id__in=ids, is_current=True).values(
            "contact_id", "answer", "message", "preferred_contact", "answered_at"
        )
    }
    outreach_audiences = Audience.objects.filter(template__in=OUTREACH_TEMPLATES)
    off_list = Subscription.objects.filter(
        subscriber=OuterRef("pk"), audience__in=outreach_audiences, unsubscribed_at__isnull=False
    )
    unsubscribed = set(
        Subscriber.objects.filter(contact_id__in=ids)
        .filter(
            Q(unsubscribed_at__isnull=False)
            | Exists(off_list)
            | Exists(
                Suppression.objects.filter(
                    email=OuterRef("email"),
                    reason__in=[SuppressionReason.UNSUBSCRIBED, SuppressionReason.COMPLAINED],
                )
            )
        )
        .values_list("contact_id", flat=True)
    )
    reminded = set(
        Reminder.objects.filter(delivery__mailing=mailing, sent_at__isnull=False).values_list(
            "delivery__subscriber__contact_id", flat=True
        )
        if mailing is not None
        else []
    )
    roles = dict(ContactRole.choices)
    answer_labels = dict(AnswerChoice.choices)
    people = []
    for row in contacts:
        delivery = deliveries.get(row["pk"])
        answer = answers.get(row["pk"], {})
        status = _status(delivery["status"] if delivery else None)
        people.append(
            PersonStatus(
                contact_id=row["pk"],
                name=row["name"],
                role=row["role"],
                role_label=str(roles.get(row["role"], row["role"])),
                position=row["position"],
                party=row["organisation__name"],
                status=status,
                status_label=str(STATUS_LABELS[status]),
                delivered=bool(delivery and delivery["delivered_at"]),
                unsubscribed=row["pk"] in unsubscribed,
                reminded=row["pk"] in reminded,
                answer=answer.get("answer", ""),
                answer_label=str(answer_labels.get(answer.get("answer"), _("geen antwoord"))),
                message=answer.get("message", ""),
                preferred_contact=answer.get("preferred_contact", ""),
                answered_at=answer.get("answered_at"),
            )
        )
    return people


def _bars(party: PartyOverview) -> list[dict]:
    total = max(party.candidates, 1)
    return [
        {
            "key": key,
            "label": str(label),
            "count": count,
            "percent": round(100 * count / total),
            "colour": colour,
        }
        for key, label, count, colour in (
            ("yes", _("ja"), party.yes, "#2e7d32"),
            ("no", _("nee"), party.no, "#c62828"),
            ("none", _("geen antwoord"), party.none, "#9e9e9e"),
        )
    ]


def party_overview(*, mailing: Mailing | None) -> list[PartyOverview]:
    """Per party, alphabetically: candidates reached and bounced, their answers, the party leader's answer."""
    parties: dict[str, PartyOverview] = {}
    for person in people_status(mailing=mailing):
        party = parties.setdefault(person.party, PartyOverview(name=person.party))
        party.people.append(person)
        party.messages += bool(person.message)
        if person.role == ContactRole.PARTY_LEADER:
            party.leader_answer = person.answer_label
            continue
        party.candidates += 1
        party.sent += person.status == "sent"
        party.bounced += person.status == "bounced"
        party.unsubscribed += person.unsubscribed
        party.yes += person.answer == AnswerChoice.YES
        party.no += person.answer == AnswerChoice.NO
        party.none += not person.answer
    for party in parties.values():
        party.bars = _bars(party)
    return list(parties.values())


@dataclass(frozen=True)
class TimelineEntry:
    """One moment in a person's outreach: sent, delivered, a provider report, a reminder, an answer."""

    at: dt.datetime
    label: str
    detail: str = ""


def timeline(*, contact: Contact) -> list[TimelineEntry]:
    """Everything that happened between us and this person, oldest first."""
    entries: list[TimelineEntry] = []
    deliveries = Delivery.objects.filter(subscriber__contact=contact).select_related("mailing__version")
    for delivery in deliveries:
        number = delivery.mailing.version.number
        if delivery.sent_at:
            entries.append(TimelineEntry(delivery.sent_at, _("verzonden (versie %(n)s)") % {"n": number}))
        if delivery.delivered_at:
            entries.append(
                TimelineEntry(delivery.delivered_at, _("afgeleverd (versie %(n)s)") % {"n": number})
            )
    for event in TrackingEvent.objects.filter(delivery__subscriber__contact=contact).exclude(
        event_type="delivered"
    ):
        entries.append(
            TimelineEntry(event.occurred_at or event.received_at, event.event_type, event.description)
        )
    for reminder in Reminder.objects.filter(delivery__subscriber__contact=contact, sent_at__isnull=False):
        entries.append(TimelineEntry(reminder.sent_at, _("herinnering verzonden")))
    for answer in DialogueAnswer.objects.filter(contact=contact):
        detail = " · ".join(part for part in (answer.message, answer.preferred_contact) if part)
        label = _("beantwoord: %(answer)s") % {"answer": answer.get_answer_display()}
        if not answer.is_current:
            label += " " + _("(vervangen)")
        entries.append(TimelineEntry(answer.answered_at, label, detail))
    return sorted(entries, key=lambda entry: entry.at)


def reminder_due(*, mailing: Mailing, sent_before: dt.datetime) -> QuerySet[Delivery]:
    """Outreach recipients of this mailing sent before `sent_before` who have not answered, are still on the
    list (not unsubscribed, not suppressed), did not bounce, and have had no reminder for it."""
    audience_ids = list(
        mailing.audiences.filter(template__in=OUTREACH_TEMPLATES).values_list("pk", flat=True)
    )
    answered = DialogueAnswer.objects.filter(contact_id=OuterRef("subscriber__contact_id"))
    return (
        Delivery.objects.filter(
            mailing=mailing,
            audience_id__in=audience_ids,
            status=DeliveryStatus.SENT,
            sent_at__lte=sent_before,
            subscriber__contact__isnull=False,
        )
        .filter(still_wanted(audience_ids=audience_ids, is_major=True))
        .exclude(Exists(answered))
        .exclude(Exists(Reminder.objects.filter(delivery=OuterRef("pk"))))
        .select_related("subscriber")
        .order_by("id")
    )


def public_progress() -> dict[str, dict[str, int]]:
    """Per role ("candidate", "party_leader"): parties approached and parties where someone said yes (2 queries).

    Counts only: no names, no addresses.
    """
    progress = {role: {"approached": 0, "yes": 0} for role in ROLES}
    approached = (
        Delivery.objects.filter(
            status=DeliveryStatus.SENT,
            subscriber__contact__role__in=ROLES,
            subscriber__contact__organisation__kind=OrganisationKind.POLITICAL_PARTY,
        )
        .values_list("subscriber__contact__role", "subscriber__contact__organisation_id")
        .order_by()
        .distinct()
    )
    for role, _party in approached:
        progress[role]["approached"] += 1
    said_yes = (
        DialogueAnswer.objects.filter(
            is_current=True,
            answer=AnswerChoice.YES,
            contact__role__in=ROLES,
            contact__organisation__kind=OrganisationKind.POLITICAL_PARTY,
        )
        .values_list("contact__role", "contact__organisation_id")
        .order_by()
        .distinct()
    )
    for role, _party in said_yes:
        progress[role]["yes"] += 1
    return progress


def shown_names(*, role: str) -> list[dict[str, str]]:
    """People who said yes and agreed to be named on the site: name and party only."""
    return list(
        DialogueAnswer.objects.filter(
            is_current=True, answer=AnswerChoice.YES, show_name=True, contact__role=role
        )
        .order_by("contact__organisation__name", "contact__name")
        .values("contact__name", "contact__organisation__name")
    )


def linked_activities() -> dict[int, str]:
    """Activity page id → outreach kind, for the activities editors linked to the outreach."""
    return dict(OutreachActivity.objects.values_list("page_id", "kind"))


def planned_reminder(*, mailing: Mailing) -> Schedule | None:
    """The django-q2 schedule of this mailing's reminder, if an editor planned one."""
    return Schedule.objects.filter(name=f"outreach-reminder-{mailing.pk}").first()
