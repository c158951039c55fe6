"""The daily digest for supporters who chose "kandidaten-updates": per party, the commitments candidates made
since the previous digest. At most one a day (a `CommitmentDigest` row per day, claimed first), none on a day
without news, and never twice to one person (a delivery row per subscriber, claimed before sending).

Run by the django-q2 schedule `newsletter.commitment_digest` (daily, migration 0006).
"""

import datetime as dt
import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pages.conf import pages_setting

from ..links import LinkBuilder, recipient_token
from ..models import Audience, Subscriber, Subscription, Suppression
from ..render import render_message
from ..transport import send_email
from .candidate_models import Commitment, CommitmentDigest, CommitmentDigestDelivery, Stance
from .overview import latest_calls

logger = logging.getLogger(__name__)

AUDIENCE_KEY = "kandidaten-updates"


def digest_audience() -> Audience:
    """The audience supporters choose on their preference page (made by migration 0006)."""
    audience, _created = Audience.objects.get_or_create(
        key=AUDIENCE_KEY,
        defaults={"name": "Kandidaten-updates", "template": "summary", "is_public": True, "position": 60},
    )
    return audience


def digest_recipients(audience: Audience):
    """Confirmed subscribers still on the audience, not unsubscribed from everything, not suppressed."""
    on_audience = Subscription.objects.filter(
        subscriber_id=OuterRef("pk"), audience=audience, unsubscribed_at__isnull=True
    )
    return (
        Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .filter(Exists(on_audience))
        .exclude(Exists(Suppression.objects.filter(email=OuterRef("email"))))
        .order_by("pk")
    )


def digest_parties(commitments) -> list[dict]:
    """The news per party: counts per call of the new answers, and the explanations allowed with a name."""
    calls = {call["id"]: call for call in latest_calls()}
    parties: dict[int, dict] = {}
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(Stance.values, 0))
    for commitment in commitments:
        party_list = commitment.candidate.party_list
        party = parties.setdefault(
            party_list.pk,
            {
                "name": party_list.registered_name,
                "number": party_list.number,
                "url": pages_setting("BASE_URL")
                + reverse("outreach:candidates_party", args=[party_list.slug]),
                "calls": [],
                "explanations": [],
                "total": 0,
            },
        )
        party["total"] += 1
        counts[(party_list.pk, commitment.call_id)][commitment.stance] += 1
        call = calls.get(commitment.call_id, {"number": "?", "title": ""})
        if commitment.publish_name and commitment.explanation:
            party["explanations"].append(
                {
                    "name": commitment.candidate.name,
                    "call": call["number"],
                    "stance": commitment.get_stance_display(),
                    "text": commitment.explanation,
                }
            )
    for (party_id, call_id), stances in counts.items():
        call = calls.get(call_id, {"number": "?", "title": ""})
        parties[party_id]["calls"].append({"number": call["number"], "title": call["title"], **stances})
    for party in parties.values():
        party["calls"].sort(key=lambda item: str(item["number"]))
    return sorted(parties.values(), key=lambda party: party["number"])


def commitment_digest_send(*, now: dt.datetime | None = None) -> CommitmentDigest | None:
    """Send today's digest, unless one went today. Returns the day's digest (None when it had already run)."""
    now = now or timezone.now()
    previous = CommitmentDigest.objects.order_by("-until").first()
    since = previous.until if previous else now - dt.timedelta(days=1)
    news = list(
        Commitment.objects.filter(
            answered_at__gt=since, answered_at__lte=now, is_current=True, candidate__on_list=True
        )
        .select_related("candidate__party_list")
        .order_by("answered_at", "pk")
    )
    try:
        with transaction.atomic():
            digest = CommitmentDigest.objects.create(
                day=timezone.localdate(now), since=since, until=now, commitments=len(news)
            )
    except IntegrityError:  # today's digest was already made
        return None
    if not news:
        return digest
    parties = digest_parties(news)
    links = LinkBuilder()
    audience = digest_audience()
    subject = _("Nieuwe standpunten van kandidaten (%(count)s)") % {"count": len(news)}
    for subscriber in digest_recipients(audience):
        try:
            with transaction.atomic():
                delivery = CommitmentDigestDelivery.objects.create(digest=digest, subscriber=subscriber)
        except IntegrityError:
            continue
        token = recipient_token(subscriber_id=subscriber.pk, audience_key=audience.key)
        try:
            email = render_message(
                "newsletter/email/commitment_digest.html",
                {
                    "greeting": _("Beste %(name)s,") % {"name": subscriber.name}
                    if subscriber.name
                    else _("Beste lezer,"),
                    "parties": parties,
                    "overview_url": pages_setting("BASE_URL") + reverse("outreach:candidates"),
                    "unsubscribe_url": links.unsubscribe(token),
                    "preferences_url": links.preferences(token),
                },
                subject=subject,
            )
            send_email(
                email,
                to=subscriber.email,
                name=subscriber.name,
                headers={
                    "List-Unsubscribe": links.list_unsubscribe_header(token),
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        except Exception as error:  # recorded, not retried: nobody gets two
            logger.warning("Digest %s to subscriber %s failed", digest.pk, subscriber.pk, exc_info=True)
            CommitmentDigestDelivery.objects.filter(pk=delivery.pk).update(last_error=str(error)[:2000])
            continue
        CommitmentDigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return digest
