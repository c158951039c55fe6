"""The outreach's part of a person's export and erasure: a `supporters.personal_data` source.

A party leader or candidate who answered the request for a dialogue: exported are the answers (deleted on
erasure) and the reminders sent (kept for the counts, their error scrubbed). Registered after the newsletter's
source, so erased before it, while the reminders' deliveries still carry the address.

A candidate is known to us by the official list (name, place on the list, home town) and, once the editors link
them to a contact, by that contact's address. Exported: the candidacy, the commitments per call, the requests and
digests sent. Erased: the candidacy's name and home town (its place on the list stays, as "[verwijderd]"), the
explanations and the consent to be named (the stances stay as anonymous counts), error texts scrubbed. A re-import
of the official list may bring the public name back; the link to the address does not come back.
"""

from typing import Any

from supporters.personal_data import ERASED, Person, PersonalDataSource, record_ref

from .candidate_models import Candidate, Commitment, CommitmentDigestDelivery, CommitmentRequest
from .commitments import commitments_erase
from .models import DialogueAnswer, Reminder


def _stamp(value) -> str | None:
    return value.isoformat() if value else None


def _candidates(email: str):
    return Candidate.objects.filter(contact__email=email).select_related("party_list")


def outreach_collect(person: Person) -> dict[str, Any]:
    email = person.email
    commitments = Commitment.objects.filter(candidate__contact__email=email).select_related("version")
    return {
        "kandidaturen": [
            {
                "record": record_ref(c),
                "partij": c.party_list.registered_name,
                "plaats op de lijst": c.position,
                "naam": c.full_name,
                "woonplaats": c.locality,
            }
            for c in _candidates(email)
        ],
        "standpunten": [
            {
                "record": record_ref(row),
                "call": row.call_id,
                "versie": row.version.number,
                "standpunt": row.get_stance_display(),
                "toelichting": row.explanation,
                "met naam op de site": row.publish_name,
                "huidig": row.is_current,
                "beantwoord op": _stamp(row.answered_at),
            }
            for row in commitments.order_by("answered_at", "pk")
        ],
        "verzoeken om standpunten": [
            {"record": record_ref(r), "verzonden op": _stamp(r.sent_at), "fout": r.last_error}
            for r in CommitmentRequest.objects.filter(candidate__contact__email=email).order_by("pk")
        ],
        "overzichten van standpunten": [
            {"record": record_ref(d), "dag": d.digest.day.isoformat(), "verzonden op": _stamp(d.sent_at)}
            for d in CommitmentDigestDelivery.objects.filter(subscriber__email=email)
            .select_related("digest")
            .order_by("pk")
        ],
        "antwoorden op het verzoek om dialoog": [
            {
                "record": record_ref(a),
                "antwoord": a.get_answer_display(),
                "bericht": a.message,
                "liefst contact via": a.preferred_contact,
                "naam mag op de site": a.show_name,
                "huidig antwoord": a.is_current,
                "beantwoord op": _stamp(a.answered_at),
            }
            for a in DialogueAnswer.objects.filter(contact__email=email).order_by("pk")
        ],
        "herinneringen": [
            {"record": record_ref(r), "verzonden op": _stamp(r.sent_at), "fout": r.last_error}
            for r in Reminder.objects.filter(delivery__email=email).order_by("pk")
        ],
    }


def outreach_names(email: str) -> list[str]:
    return [c.full_name for c in _candidates(email)]


def outreach_erase(person: Person) -> None:
    email = person.email
    DialogueAnswer.objects.filter(contact__email=email).delete()
    for reminder in Reminder.objects.filter(delivery__email=email).exclude(last_error=""):
        Reminder.objects.filter(pk=reminder.pk).update(last_error=person.scrub(reminder.last_error))
    commitments_erase(email=email)
    for request in CommitmentRequest.objects.filter(candidate__contact__email=email).exclude(last_error=""):
        CommitmentRequest.objects.filter(pk=request.pk).update(last_error=person.scrub(request.last_error))
    for delivery in CommitmentDigestDelivery.objects.filter(subscriber__email=email).exclude(last_error=""):
        CommitmentDigestDelivery.objects.filter(pk=delivery.pk).update(
            last_error=person.scrub(delivery.last_error)
        )
    _candidates(email).update(
        initials="", first_name="", prefix="", last_name=ERASED, locality="", contact=None
    )


OUTREACH_SOURCE = PersonalDataSource(
    section="kandidaten",
    models=(
        "newsletter.Candidate",
        "newsletter.Commitment",
        "newsletter.CommitmentRequest",
        "newsletter.CommitmentDigestDelivery",
        "newsletter.DialogueAnswer",
        "newsletter.Reminder",
    ),
    collect=outreach_collect,
    erase=outreach_erase,
    names=outreach_names,
)
