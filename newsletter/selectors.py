"""Read-only queries: audience resolution (who gets a version) and what editors see of a mailing."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncHour
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pages.models import DocumentVersion

from .deliverability import EVENT_KINDS, DeliveryReport, report_lines, timeline
from .models import (
    Audience,
    Delivery,
    DeliveryStatus,
    Frequency,
    Mailing,
    Subscriber,
    Subscription,
    Suppression,
    TrackingEvent,
)


def public_audiences() -> QuerySet[Audience]:
    return Audience.objects.filter(is_public=True).order_by("position", "name")


def audiences_by_key(keys: Iterable[str]) -> list[Audience]:
    return list(Audience.objects.filter(key__in=list(keys)).order_by("position", "name"))


def active_subscriptions(*, audience_ids: list[int]) -> QuerySet[Subscription]:
    """Subscriptions still on, in these audiences, for the subscriber of the outer query (OuterRef "pk")."""
    return Subscription.objects.filter(
        subscriber=OuterRef("pk"), audience_id__in=audience_ids, unsubscribed_at__isnull=True
    )


def recipients(*, audience_ids: list[int], is_major: bool) -> QuerySet:
    """Every active, confirmed, non-suppressed address in these audiences, each once.

    Rows are dicts with `subscriber_id`, `email`, `name` and `audience_id`: the audience (of those selected)
    that comes first, whose template the person gets. Ordered by subscriber so it can be read in chunks.
    """
    subscriptions = active_subscriptions(audience_ids=audience_ids)
    queryset = Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).filter(
        Exists(subscriptions), ~Exists(Suppression.objects.filter(email=OuterRef("email")))
    )
    if not is_major:
        queryset = queryset.filter(frequency=Frequency.EVERY)
    first_audience = subscriptions.order_by("audience__position", "audience_id").values("audience_id")[:1]
    return (
        queryset.annotate(audience_id=Subquery(first_audience))
        .order_by("pk")
        .values("pk", "email", "name", "audience_id")
    )


def sent_before(*, document_id: int, before: int) -> QuerySet:
    """Per address, the number of the last version of this document it was sent before version `before`: rows
    (email, number), addresses never sent one absent."""
    return (
        Delivery.objects.filter(
            status=DeliveryStatus.SENT,
            mailing__version__document_id=document_id,
            mailing__version__number__lt=before,
        )
        .order_by()
        .values("email")
        .annotate(number=Max("mailing__version__number"))
    )


def last_received(*, document_id: int, before: int) -> Subquery:
    """`sent_before` for the address of the outer query (OuterRef "email"), or NULL."""
    return Subquery(
        sent_before(document_id=document_id, before=before)
        .filter(email=OuterRef("email"))
        .values("number")[:1]
    )


def mailing_recipients(
    *,
    audience_ids: list[int],
    version: DocumentVersion | None = None,
    document_id: int | None = None,
    number: int | None = None,
    is_major: bool | None = None,
) -> QuerySet:
    """`recipients` with `since_number`: the rows a mailing of `version` freezes into its ledger. Without a
    version (before it exists: the publish form, `--dry-run`), give its document, number and importance."""
    if version is not None:
        document_id, number, is_major = version.document_id, version.number, version.is_major
    return recipients(audience_ids=audience_ids, is_major=bool(is_major)).annotate(
        since_number=last_received(document_id=document_id, before=number)
    )


@dataclass(frozen=True)
class AudiencePreview:
    """Who would get a version, before it is sent: per audience, in total (each person once, after suppressions
    and unsubscribes), and per variant. Counted by the selector the send freezes its recipients with."""

    per_audience: list[tuple[str, str, int]]  # (key, name, people on it who would get this version)
    total: int
    variants: list[tuple[str, int | None, int]]  # (template audience name, since version or None, count)

    def lines(self) -> list[str]:
        """The preview as sentences, as the publish form and `publish_version --dry-run` show it."""
        out = [
            _("%(name)s: %(count)s ontvanger(s)")
            % {"name": name, "count": number_format(count, force_grouping=True)}
            for _key, name, count in self.per_audience
        ]
        out.append(
            _("Totaal: %(count)s ontvanger(s) (ieder één keer, na afmeldingen en blokkeringen)")
            % {"count": number_format(self.total, force_grouping=True)}
        )
        for name, since, count in self.variants:
            variant = (
                _("de introductie voor nieuwe lezers")
                if since is None
                else _("wat is er veranderd sinds versie %(number)s") % {"number": since}
            )
            out.append(
                _("%(count)s krijgen ‘%(variant)s’ (%(audience)s)")
                % {"count": number_format(count, force_grouping=True), "variant": variant, "audience": name}
            )
        return out


def audience_preview(
    *, document_id: int, number: int, audience_keys: Iterable[str], is_major: bool
) -> AudiencePreview:
    audiences = audiences_by_key(audience_keys)
    names = {audience.pk: audience.name for audience in audiences}
    per_audience = [
        (audience.key, audience.name, recipients(audience_ids=[audience.pk], is_major=is_major).count())
        for audience in audiences
    ]
    rows = mailing_recipients(
        audience_ids=list(names), document_id=document_id, number=number, is_major=is_major
    )
    variants = []
    total = 0
    if names:
        for row in (
            rows.order_by()
            .values("audience_id", "since_number")
            .annotate(n=Count("pk"))
            .order_by("audience_id", "since_number")
        ):
            total += row["n"]
            variants.append((names.get(row["audience_id"], ""), row["since_number"], row["n"]))
    return AudiencePreview(per_audience=per_audience, total=total, variants=variants)


def versions_between(*, version: DocumentVersion, since_number: int | None) -> list[DocumentVersion]:
    """The versions after `since_number` up to and including `version`, oldest first (what changed since)."""
    if since_number is None:
        return []
    return list(
        DocumentVersion.objects.filter(
            document_id=version.document_id, number__gt=since_number, number__lte=version.number
        )
        .order_by("number")
        .only("number", "published_at", "note", "changes", "is_major", "document_id")
    )


def still_wanted(*, audience_ids: list[int], is_major: bool) -> Q:
    """A condition on Delivery: its address still wants this mailing (not suppressed, not unsubscribed)."""
    subscriptions = Subscription.objects.filter(
        subscriber_id=OuterRef("subscriber_id"), audience_id__in=audience_ids, unsubscribed_at__isnull=True
    )
    subscriber = Subscriber.objects.filter(
        pk=OuterRef("subscriber_id"), confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    if not is_major:
        subscriber = subscriber.filter(frequency=Frequency.EVERY)
    return (
        Q(subscriber_id__isnull=False)
        & Exists(subscriber)
        & Exists(subscriptions)
        & ~Exists(Suppression.objects.filter(email=OuterRef("email")))
    )


def status_counts(*, mailing: Mailing) -> dict[str, int]:
    """How many recipients of the mailing are in each status (every status present, zero when none)."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in mailing.deliveries.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def uncertain_batches(*, mailing: Mailing) -> list[dict]:
    """The uncertain recipients grouped by the batch they were in, for the editor's decision."""
    rows = (
        mailing.deliveries.filter(status=DeliveryStatus.UNCERTAIN)
        .values("batch")
        .annotate(n=Count("id"), last=Max("updated_at"))
        .order_by("last")
    )
    return [{"batch": row["batch"], "count": row["n"], "last": row["last"]} for row in rows]


def _left_by_link(*, mailing_id: int) -> QuerySet:
    """Ids of the mailing's deliveries whose recipient left the list the email came through after it was sent and
    before a later email reached them, and is still off it. Our one-click link and preference page do that, and so
    does a provider's complaint or unsubscribe, which the caller takes out. Our links name the subscriber and the
    list, not the mailing: the time attributes the unsubscribe. One join, not a subquery per recipient."""
    later = Delivery.objects.filter(
        subscriber_id=OuterRef("subscriber_id"),
        sent_at__gt=OuterRef("subscriber__deliveries__sent_at"),
        sent_at__lte=OuterRef("unsubscribed_at"),
    )
    return (
        Subscription.objects.filter(
            subscriber__deliveries__mailing_id=mailing_id,
            subscriber__deliveries__audience_id=F("audience_id"),
            unsubscribed_at__gte=F("subscriber__deliveries__sent_at"),
        )
        .filter(~Exists(later))
        .order_by()
        .values("subscriber__deliveries__id")
    )


def _reported_events() -> QuerySet[TrackingEvent]:
    """Tracking events with their report line (`kind`, "" for none) and their time (`at`: the provider's, else
    when it reached us)."""
    kind = Case(
        *[When(event_type__in=types, then=Value(key)) for key, types in EVENT_KINDS.items()],
        default=Value(""),
        output_field=CharField(),
    )
    at = Coalesce("occurred_at", "received_at", output_field=DateTimeField())
    return TrackingEvent.objects.order_by().annotate(kind=kind, at=at)


def mailing_delivery_report(*, mailing_id: int) -> DeliveryReport:
    """What the provider reported about one mailing, each recipient counted once per line (a replayed or repeated
    event adds nothing), and when: two queries whatever the mailing's size, both aggregated in the database.

    Sent is handed to the provider: a send time in the ledger, or any report about it (an uncertain row the
    provider bounced). The timeline places each recipient at the first report of each line's kind.
    """
    deliveries = Delivery.objects.filter(mailing_id=mailing_id).order_by()
    # Uncorrelated subqueries: the database reads this mailing's events once per line, not once per recipient.
    events = TrackingEvent.objects.filter(delivery__mailing_id=mailing_id).order_by()

    def reported(*types: str) -> Q:
        return Q(pk__in=events.filter(event_type__in=types).values("delivery_id"))

    by_provider = EVENT_KINDS["complained"] + EVENT_KINDS["unsubscribed"]
    figures = deliveries.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False) | Q(pk__in=events.values("delivery_id"))),
        since=Min("sent_at"),
        unsubscribed_link=Count(
            "pk", filter=Q(pk__in=_left_by_link(mailing_id=mailing_id)) & ~reported(*by_provider)
        ),
        **{key: Count("pk", filter=reported(*types)) for key, types in EVENT_KINDS.items()},
    )
    firsts = _reported_events().filter(delivery__mailing_id=mailing_id).exclude(kind="")
    earlier = _reported_events().filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")),
        delivery_id=OuterRef("delivery_id"),
        kind=OuterRef("kind"),
    )
    rows = (
        firsts.filter(~Exists(earlier))
        .annotate(hour=TruncHour("at", tzinfo=dt.UTC))
        .values("hour", "kind")
        .annotate(n=Count("pk"))
        .order_by("hour", "kind")
    )
    buckets, unit = timeline(
        hourly={(row["hour"], row["kind"]): row["n"] for row in rows}, since=figures["since"]
    )
    return DeliveryReport(sent=figures["sent"], lines=report_lines(figures), timeline=buckets, unit=unit)


def mailing_archive() -> QuerySet[Mailing]:
    return Mailing.objects.select_related("version__document").prefetch_related("audiences")


def preference_audiences(*, subscriber: Subscriber) -> list[Audience]:
    """The audiences a subscriber can choose on their preference page: the public ones and those they are on."""
    return list(
        Audience.objects.filter(Q(is_public=True) | Q(subscriptions__subscriber=subscriber))
        .distinct()
        .order_by("position", "name")
    )


def subscribed_keys(*, subscriber: Subscriber) -> set[str]:
    return set(
        subscriber.subscriptions.filter(unsubscribed_at__isnull=True).values_list("audience__key", flat=True)
    )
