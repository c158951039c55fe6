"""Public submissions: endorse, sign up, react; confirm by signed link; answer a change notice.

Every submission records consent, answers the same way for known and unknown addresses (one email is queued in
both cases; what it says depends on the state, but only the owner of the address reads it), and counts only once
confirmed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from wagtail.models import Page

from pages.conf import pages_setting
from pages.models import ActivityPage

from ..emails import message_send
from ..models import (
    WEB_REACTION_KINDS,
    Consent,
    Contact,
    Endorsement,
    EventRegistration,
    ModerationStatus,
    Reaction,
    ReactionKind,
    ReactionStatus,
    SignUp,
    SignUpRole,
    Visibility,
    new_nonce,
)
from ..tokens import InvalidToken, make_token, read_token

# URL slug of each kind of submission; also part of the confirmation token's purpose.
SUBMISSION_MODELS: dict[str, type[Model]] = {
    "steun": Endorsement,
    "aanmelding": SignUp,
    "reactie": Reaction,
    "agenda": EventRegistration,
}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def confirm_purpose(kind: str) -> str:
    return f"confirm-{kind}"


def _consent_record(*, email: str, purpose: str, wording: str, source_url: str) -> Consent:
    return Consent.objects.create(
        email=email, purpose=purpose, wording=wording, source_url=(source_url or "")[:500]
    )


def _mail_enqueue(kind: str, pk: int) -> None:
    # The worker has no request: the reader's language goes with the task, so the email reads like the form.
    language = translation.get_language()
    transaction.on_commit(lambda: async_task("supporters.tasks.submission_mail_send", kind, pk, language))


def endorsement_submit(
    *,
    target: Page,
    name: str,
    email: str,
    visibility: str,
    consent_text: str,
    source_url: str,
    organisation_name: str = "",
    on_behalf: bool = False,
    message: str = "",
) -> None:
    """Record (or refresh, while unconfirmed) one person's support for a page and queue the confirmation email.

    A confirmed endorsement is never changed or duplicated by a new submission; the person gets a short
    "you already support this" email instead of a link.
    """
    email = normalise_email(email)
    message = (message or "").strip()
    fields = {
        "name": name.strip(),
        "visibility": visibility,
        "organisation_name": (organisation_name or "").strip(),
        "on_behalf": bool(on_behalf and organisation_name),
        "message": message,
        "message_status": ModerationStatus.PENDING if message else ModerationStatus.APPROVED,
    }
    with transaction.atomic():
        consent = _consent_record(
            email=email, purpose="endorsement", wording=consent_text, source_url=source_url
        )
        endorsement, created = Endorsement.objects.get_or_create(
            email=email, target=target, defaults={**fields, "consent": consent}
        )
        if not created and not endorsement.is_confirmed:
            for key, value in fields.items():
                setattr(endorsement, key, value)
            endorsement.consent = consent
            endorsement.nonce = new_nonce()
            endorsement.save()
        _mail_enqueue("steun", endorsement.pk)


def signup_submit(
    *,
    activity: ActivityPage,
    name: str,
    email: str,
    role: str,
    availability: str,
    consent_text: str,
    source_url: str,
) -> None:
    """Record (or refresh, while unconfirmed) one person's offer to organise or help; the place is given on confirm."""
    email = normalise_email(email)
    fields = {"name": name.strip(), "role": role, "availability": (availability or "").strip()}
    with transaction.atomic():
        consent = _consent_record(email=email, purpose="signup", wording=consent_text, source_url=source_url)
        signup, created = SignUp.objects.get_or_create(
            email=email, activity=activity, defaults={**fields, "consent": consent}
        )
        if not created and not signup.is_confirmed:
            for key, value in fields.items():
                setattr(signup, key, value)
            signup.consent = consent
            signup.nonce = new_nonce()
            signup.save()
        _mail_enqueue("aanmelding", signup.pk)


def reaction_submit(
    *,
    target: Page,
    name: str,
    email: str,
    kind: str,
    text: str,
    consent_text: str,
    source_url: str,
    visibility: str = Visibility.INITIALS,
) -> None:
    """Record a reaction or suggested activity; once confirmed by email it enters the editors' inbox."""
    email = normalise_email(email)
    with transaction.atomic():
        consent = _consent_record(
            email=email, purpose="reaction", wording=consent_text, source_url=source_url
        )
        reaction = Reaction.objects.create(
            target=target,
            name=(name or "").strip(),
            email=email,
            kind=kind if kind in WEB_REACTION_KINDS else ReactionKind.REACTION,
            text=text.strip(),
            visibility=visibility,
            consent=consent,
        )
        _mail_enqueue("reactie", reaction.pk)


def _target_title(submission) -> str:
    if isinstance(submission, EventRegistration):
        return submission.event.display_title if submission.event else _("(verwijderde bijeenkomst)")
    page = getattr(submission, "target", None) or getattr(submission, "activity", None)
    return page.title if page is not None else _("(verwijderde pagina)")


def submission_mail_send(*, kind: str, submission, language: str | None = None) -> None:
    """The one email a submission gets: a confirmation link, or a note that it was already confirmed.

    `language`: the reader's language when they submitted (the site's default when not known).
    """
    if not submission.email:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        if isinstance(submission, EventRegistration):
            from .registrations import registration_confirm_mail_send

            registration_confirm_mail_send(registration=submission)
            return
        _submission_mail_send(kind=kind, submission=submission)


def _submission_mail_send(*, kind: str, submission) -> None:
    context = {"submission": submission, "kind": kind, "target_title": _target_title(submission)}
    if submission.is_confirmed:
        message_send(
            to=submission.email,
            subject=_("U had dit al bevestigd"),
            template="already_confirmed",
            context=context,
        )
        return
    token = make_token(confirm_purpose(kind), {"id": submission.pk, "n": submission.nonce})
    context["confirm_url"] = pages_setting("BASE_URL") + reverse(
        "supporters:confirm", kwargs={"kind": kind, "token": token}
    )
    subjects = {
        "steun": _("Bevestig uw steun voor “%(title)s”"),
        "aanmelding": _("Bevestig uw aanmelding voor “%(title)s”"),
        "reactie": _("Bevestig uw reactie op “%(title)s”"),
    }
    message_send(
        to=submission.email,
        subject=subjects[kind] % {"title": context["target_title"]},
        template="confirm",
        context=context,
    )


@dataclass
class ConfirmResult:
    """What confirming a link did, for the page that says so."""

    kind: str
    submission: Model
    already: bool = False


def pending_submission(*, kind: str, token: str):
    """The submission a confirmation token points at (confirmed or not), else InvalidToken. Writes nothing."""
    if kind not in SUBMISSION_MODELS:
        raise InvalidToken("unknown kind")
    payload = read_token(confirm_purpose(kind), token)
    submission = (
        SUBMISSION_MODELS[kind]
        .objects.filter(pk=payload.get("id"), nonce=payload.get("n"), email__isnull=False)
        .first()
    )
    if submission is None:
        raise InvalidToken("unknown, superseded or erased submission")
    return submission


def _signup_place(signup: SignUp) -> bool:
    """Whether a confirmed sign-up goes on the waiting list: its role's capacity is full. Call inside a transaction."""
    # Serialise confirmations for one activity on PostgreSQL so two people cannot take the last place.
    list(Page.objects.select_for_update().filter(pk=signup.activity_id).values_list("pk", flat=True))
    activity = ActivityPage.objects.filter(pk=signup.activity_id).first()
    if activity is None:
        return False
    capacity = (
        activity.organiser_capacity if signup.role == SignUpRole.ORGANISER else activity.helper_capacity
    )
    if capacity is None:
        return False
    taken = (
        SignUp.objects.filter(
            activity_id=signup.activity_id, role=signup.role, confirmed_at__isnull=False, waitlisted=False
        )
        .exclude(pk=signup.pk)
        .count()
    )
    return taken >= capacity


def submission_confirm(*, kind: str, token: str) -> ConfirmResult:
    """Confirm the submission behind a link. Confirming twice is harmless; a bad token raises InvalidToken."""
    with transaction.atomic():
        submission = pending_submission(kind=kind, token=token)
        submission = type(submission).objects.select_for_update().get(pk=submission.pk)
        if submission.is_confirmed:
            return ConfirmResult(kind=kind, submission=submission, already=True)
        submission.confirmed_at = timezone.now()
        if isinstance(submission, Endorsement) and submission.on_behalf:
            contact = (
                Contact.objects.filter(
                    email=submission.email, organisation__name__iexact=submission.organisation_name
                )
                .select_related("organisation")
                .first()
            )
            submission.organisation = contact.organisation if contact else None
        elif isinstance(submission, SignUp):
            submission.waitlisted = _signup_place(submission)
        elif isinstance(submission, Reaction):
            submission.status = ReactionStatus.NEW
        submission.save()
        if isinstance(submission, EventRegistration):
            from .registrations import registration_place

            registration_place(submission)
        if isinstance(submission, Reaction):
            from .email_reactions import email_reactions_confirm

            email_reactions_confirm(reaction=submission)
    return ConfirmResult(kind=kind, submission=submission)


def signup_waitlist_promote(*, activity_id: int, role: str) -> None:
    """Give freed places to the longest-waiting confirmed sign-ups of this role."""
    with transaction.atomic():
        for signup in SignUp.objects.filter(
            activity_id=activity_id, role=role, confirmed_at__isnull=False, waitlisted=True
        ).order_by("confirmed_at", "pk"):
            if _signup_place(signup):
                return
            SignUp.objects.filter(pk=signup.pk).update(waitlisted=False)
            transaction.on_commit(
                lambda pk=signup.pk: async_task("supporters.tasks.signup_promoted_mail_send", pk)
            )


def signup_promoted_mail_send(*, signup: SignUp) -> None:
    """Tell a person moved up from the waiting list that they now have a place (once: the move happens once)."""
    if not signup.email or signup.waitlisted:
        return
    title = _target_title(signup)
    message_send(
        to=signup.email,
        subject=_("Er is plaats voor u bij “%(title)s”") % {"title": title},
        template="waitlist_promoted",
        context={"submission": signup, "target_title": title, "role": signup.get_role_display()},
    )


@dataclass
class ChangeAnswer:
    """One person's answer for one affected endorsement or sign-up: keep, move (to `move_to`) or withdraw."""

    submission: Endorsement | SignUp
    action: str  # "keep" | "move" | "withdraw"
    move_to: ActivityPage | None = None


def _endorsement_answer(endorsement: Endorsement, answer: ChangeAnswer) -> None:
    if answer.action == "withdraw":
        endorsement.delete()
    elif answer.action == "move" and answer.move_to is not None:
        if Endorsement.objects.filter(email=endorsement.email, target_id=answer.move_to.pk).exists():
            endorsement.delete()  # they already support the other activity: one endorsement is enough
        else:
            endorsement.target_id = answer.move_to.pk
            endorsement.save(update_fields=["target"])


def _signup_answer(signup: SignUp, answer: ChangeAnswer) -> None:
    old_activity_id, role = signup.activity_id, signup.role
    if answer.action == "withdraw":
        signup.delete()
    elif answer.action == "move" and answer.move_to is not None:
        if SignUp.objects.filter(email=signup.email, activity_id=answer.move_to.pk).exists():
            signup.delete()
        else:
            signup.activity_id = answer.move_to.pk
            signup.waitlisted = _signup_place(signup)
            signup.save(update_fields=["activity", "waitlisted"])
    else:
        return
    signup_waitlist_promote(activity_id=old_activity_id, role=role)


def change_answer_apply(*, answers: Iterable[ChangeAnswer]) -> int:
    """Apply a person's answers to a change notice; returns how many endorsements/sign-ups changed."""
    changed = 0
    with transaction.atomic():
        for answer in answers:
            if answer.action not in {"move", "withdraw"}:
                continue
            if isinstance(answer.submission, Endorsement):
                _endorsement_answer(answer.submission, answer)
            else:
                _signup_answer(answer.submission, answer)
            changed += 1
    return changed
