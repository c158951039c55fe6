"""Candidates' commitments per call: record one (pinned to the version they read), ask again when a new version
changes a call they answered, and export or erase what is stored about a person.

Asking again follows the reminders' pattern: a `CommitmentRequest` row, unique per candidate and version, is
claimed before the mail goes, so a task that runs twice (or a worker that dies) never sends two; a failed send is
recorded on the row and not retried.
"""

import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pages.cache import invalidate_public_pages
from pages.models import DocumentVersion

from ..conf import newsletter_setting
from ..links import LinkBuilder, recipient_token
from ..models import Subscriber, Subscription, Suppression
from ..render import render_message
from ..transport import send_email
from .candidate_models import Candidate, Commitment, CommitmentRequest, Stance
from .changes import changed_calls
from .commitment_links import CommitmentLink, CommitmentLinkBuilder
from .mail import OUTREACH_TEMPLATES

logger = logging.getLogger(__name__)

ASK_AGAIN_TASK = "newsletter.outreach.tasks.ask_again_about_changed_calls"


def call_in(version: DocumentVersion, call_id: int) -> dict | None:
    """The call as this version published it (None when the version does not contain it)."""
    for call in (version.snapshot or {}).get("calls", []):
        if call.get("id") == call_id:
            return call
    return None


def commitment_record(
    *, link: CommitmentLink, stance: str, explanation: str = "", publish_name: bool = False
) -> Commitment | None:
    """Record a candidate's stance on a call, pinned to the link's version. The same answer about the same version
    again changes nothing; anything else becomes the current answer and the earlier one stays as history. The
    candidate's row is locked, so concurrent answers of one person queue and each call keeps one current answer.
    None when the candidate, the version or the call no longer exists."""
    fields = {
        "stance": stance,
        "explanation": explanation.strip(),
        "publish_name": publish_name,
        "version_id": link.version_id,
    }
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().filter(pk=link.candidate_id, on_list=True).first()
        version = DocumentVersion.objects.filter(pk=link.version_id).first()
        if candidate is None or version is None or call_in(version, link.call_id) is None:
            return None
        current = Commitment.objects.filter(
            candidate=candidate, call_id=link.call_id, is_current=True
        ).first()
        if current is not None and all(getattr(current, key) == value for key, value in fields.items()):
            return current
        if current is not None:
            Commitment.objects.filter(pk=current.pk).update(is_current=False)
        recorded = Commitment.objects.create(candidate=candidate, call_id=link.call_id, **fields)
        transaction.on_commit(invalidate_public_pages)
    return recorded


def current_commitment(*, candidate_id: int, call_id: int) -> Commitment | None:
    return (
        Commitment.objects.select_related("version")
        .filter(candidate_id=candidate_id, call_id=call_id, is_current=True)
        .first()
    )


def _asks_left(commitment: Commitment, requests: list[CommitmentRequest], cap: int) -> bool:
    """Whether we may ask about this call again: fewer than `cap` unanswered asks since the current answer."""
    asked = sum(
        1
        for request in requests
        if request.created_at > commitment.answered_at and commitment.call_id in request.call_ids
    )
    return asked < cap


def _recipient(candidate: Candidate) -> Subscriber | None:
    """The candidate's address on the candidates' list, if it still wants our mail."""
    contact = candidate.contact
    if contact is None or Suppression.objects.filter(email=contact.email).exists():
        return None
    subscriber = Subscriber.objects.filter(
        contact=contact, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).first()
    if subscriber is None:
        return None
    on_list = Subscription.objects.filter(
        subscriber=subscriber, audience__template__in=OUTREACH_TEMPLATES, unsubscribed_at__isnull=True
    )
    return subscriber if on_list.exists() else None


def _request_email(*, candidate, subscriber, version, items, links: LinkBuilder):
    token = recipient_token(subscriber_id=subscriber.pk, audience_key="candidates")
    calls = ", ".join(str(item["call"]["number"]) for item in items)
    context = {
        "greeting": _("Beste %(name)s,") % {"name": candidate.name},
        "version_number": version.number,
        "version_date": date_format(timezone.localtime(version.published_at), "j F Y"),
        "version_url": version.full_url,
        "items": items,
        "unsubscribe_url": links.unsubscribe(token),
    }
    email = render_message(
        "newsletter/email/commitment_request.html",
        context,
        subject=_("Call %(calls)s is veranderd: staat u nog achter uw antwoord?") % {"calls": calls},
    )
    headers = {
        "List-Unsubscribe": links.list_unsubscribe_header(token),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return email, headers


def commitments_ask_again(*, version_id: int) -> int:
    """After a version is published: each candidate who answered a call that this version changed gets one mail
    listing only those calls, what changed in them, their earlier answer and links to confirm or change it.
    Unchanged calls are not asked again; after `COMMITMENT_MAX_ASKS` unanswered asks about a call we stop.
    Returns how many mails were sent."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return 0
    changed = changed_calls(version)
    if not changed:
        return 0
    answers = (
        Commitment.objects.filter(
            is_current=True,
            call_id__in=list(changed),
            version__document_id=version.document_id,
            version__number__lt=version.number,
            candidate__on_list=True,
            candidate__contact__isnull=False,
        )
        .select_related("version", "candidate__contact", "candidate__party_list")
        .order_by("candidate_id", "call_id")
    )
    per_candidate: dict[int, list[Commitment]] = defaultdict(list)
    for answer in answers:
        per_candidate[answer.candidate_id].append(answer)
    requests: dict[int, list[CommitmentRequest]] = defaultdict(list)
    for request in CommitmentRequest.objects.filter(candidate_id__in=list(per_candidate)):
        requests[request.candidate_id].append(request)
    cap = newsletter_setting("COMMITMENT_MAX_ASKS")
    links, commitment_links = LinkBuilder(), CommitmentLinkBuilder()
    sent = 0
    for candidate_id, commitments in per_candidate.items():
        due = [c for c in commitments if _asks_left(c, requests[candidate_id], cap)]
        if not due:
            continue
        candidate = due[0].candidate
        try:
            with transaction.atomic():
                request = CommitmentRequest.objects.create(
                    candidate=candidate, version=version, call_ids=[c.call_id for c in due]
                )
        except IntegrityError:  # another run asked this candidate about this version
            continue
        subscriber = _recipient(candidate)
        if subscriber is None:
            CommitmentRequest.objects.filter(pk=request.pk).update(last_error=_("niet meer op de lijst"))
            continue
        items = []
        for commitment in due:
            url = commitment_links.url(
                candidate_id=candidate.pk, call_id=commitment.call_id, version_id=version.pk
            )
            items.append(
                {
                    "call": call_in(version, commitment.call_id),
                    "changes": changed[commitment.call_id],
                    "earlier": commitment.get_stance_display(),
                    "earlier_explanation": commitment.explanation,
                    "earlier_version": commitment.version.number,
                    "confirm_url": f"{url}?bevestigen=1",
                    "change_url": url,
                }
            )
        try:
            email, headers = _request_email(
                candidate=candidate, subscriber=subscriber, version=version, items=items, links=links
            )
            send_email(email, to=subscriber.email, name=candidate.name, headers=headers)
        except Exception as error:  # recorded for the editor; not sent twice
            logger.warning("Commitment request %s failed", request.pk, exc_info=True)
            CommitmentRequest.objects.filter(pk=request.pk).update(last_error=str(error)[:2000])
            continue
        CommitmentRequest.objects.filter(pk=request.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def commitments_personal_data(*, email: str) -> list[dict]:
    """What is stored about the candidate with this address: every answer, with the version it was about."""
    rows = Commitment.objects.filter(candidate__contact__email=(email or "").strip().lower()).select_related(
        "version", "candidate__party_list"
    )
    return [
        {
            "partij": row.candidate.party_list.registered_name,
            "call": row.call_id,
            "versie": row.version.number,
            "standpunt": str(Stance(row.stance).label),
            "toelichting": row.explanation,
            "met_naam_op_de_site": row.publish_name,
            "huidig": row.is_current,
            "beantwoord_op": row.answered_at.isoformat(),
        }
        for row in rows.order_by("answered_at", "pk")
    ]


def commitments_erase(*, email: str) -> int:
    """Erase a candidate's explanations and withdraw their consent to be named; the stances stay as anonymous
    counts (as erased endorsements do). Returns how many answers were changed."""
    changed = (
        Commitment.objects.filter(candidate__contact__email=(email or "").strip().lower())
        .exclude(explanation="", publish_name=False)
        .update(explanation="", publish_name=False)
    )
    if changed:
        transaction.on_commit(invalidate_public_pages)
    return changed
