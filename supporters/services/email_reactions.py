"""Reactions that arrive by email: the same rules as the web form, whichever provider delivered the mail.

A confirmed person's mail goes straight to the editors' inbox; anyone else gets one confirmation mail (never a
second within EMAIL_CONFIRM_INTERVAL_SECONDS, however often they write) and their text waits until they confirm.
Confirming one emailed reaction confirms every unconfirmed one from the same address: they came from the same
mailbox, under the same consent wording. The mail itself (providers, headers, quoting) is the caller's business.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.models import Page

from pages.models import ActivityPage, DocumentVersion

from ..conf import supporters_setting
from ..models import (
    Consent,
    Contact,
    Endorsement,
    Reaction,
    ReactionKind,
    ReactionStatus,
    SignUp,
    SignUpRole,
    Visibility,
)
from .submissions import _mail_enqueue, normalise_email

# Shown in the confirmation mail and on the confirm page; stored as the consent wording of an emailed reaction.
EMAIL_CONSENT_TEXT = _(
    "Ik stuurde Kracht van Mokum een e-mail als reactie op het document. De redactie mag mijn tekst lezen, "
    "verwerken in het document en, na beoordeling, met mijn initialen op de site tonen."
)
TEXT_LIMIT = 2000


def person_is_confirmed(*, email: str) -> bool:
    """Whether this address ever confirmed something here (an endorsement, a sign-up or a reaction)."""
    email = normalise_email(email)
    if not email:
        return False
    return any(
        model.objects.filter(email=email, confirmed_at__isnull=False).exists()
        for model in (Reaction, Endorsement, SignUp)
    )


def _confirm_mail_recently_sent(email: str, since: dt.datetime) -> bool:
    return Reaction.objects.filter(
        email=email, kind=ReactionKind.EMAIL, status=ReactionStatus.UNCONFIRMED, created_at__gte=since
    ).exists()


def email_reaction_submit(
    *,
    target: Page,
    name: str,
    email: str,
    text: str,
    subject: str = "",
    version: DocumentVersion | None = None,
    contact: Contact | None = None,
    attachments: Iterable[dict] = (),
    sender_confirmed: bool = False,
    source: str = "",
) -> Reaction:
    """Record one emailed reaction for the inbox; queue a confirmation mail when the sender must still confirm.

    `sender_confirmed`: the caller knows the address is confirmed elsewhere (a newsletter subscriber).
    """
    email = normalise_email(email)
    now = timezone.now()
    confirmed = sender_confirmed or person_is_confirmed(email=email)
    text = Truncator((text or "").strip()).chars(TEXT_LIMIT, truncate="…")
    with transaction.atomic():
        mail_needed = not confirmed and not _confirm_mail_recently_sent(
            email, now - dt.timedelta(seconds=supporters_setting("EMAIL_CONFIRM_INTERVAL_SECONDS"))
        )
        with override("nl"):
            wording = str(EMAIL_CONSENT_TEXT)
        consent = Consent.objects.create(
            email=email, purpose="reaction-email", wording=wording, source_url=(source or "e-mail")[:500]
        )
        reaction = Reaction.objects.create(
            target=target,
            name=(name or "").strip()[:120],
            email=email,
            kind=ReactionKind.EMAIL,
            text=text,
            subject=(subject or "").strip()[:200],
            version=version,
            contact=contact,
            attachments=list(attachments),
            visibility=Visibility.INITIALS,
            consent=consent,
            status=ReactionStatus.NEW if confirmed else ReactionStatus.UNCONFIRMED,
            confirmed_at=now if confirmed else None,
        )
        if mail_needed:
            _mail_enqueue("reactie", reaction.pk)
    return reaction


def email_reactions_confirm(*, reaction: Reaction) -> int:
    """After one emailed reaction is confirmed: confirm the sender's other unconfirmed emailed reactions too."""
    if reaction.kind != ReactionKind.EMAIL or not reaction.email:
        return 0
    return Reaction.objects.filter(
        email=reaction.email, kind=ReactionKind.EMAIL, status=ReactionStatus.UNCONFIRMED
    ).update(status=ReactionStatus.NEW, confirmed_at=reaction.confirmed_at or timezone.now())


def reaction_to_signup(
    *, reaction: Reaction, activity: ActivityPage, role: str = SignUpRole.HELPER
) -> SignUp:
    """Turn a confirmed reaction ("ik wil helpen", by mail or on the site) into a sign-up for `activity`.

    The person confirmed their address with the reaction, so the sign-up counts at once (or goes on the waiting
    list when the role is full). A sign-up that already exists for this address and activity is kept as it is.
    """
    from .submissions import _signup_place

    if reaction.status == ReactionStatus.UNCONFIRMED or not reaction.email:
        raise ValueError("reaction is not confirmed")
    if role not in SignUpRole.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        signup, created = SignUp.objects.get_or_create(
            email=reaction.email,
            activity=activity,
            defaults={
                "name": reaction.name,
                "role": role,
                "availability": Truncator(reaction.text).chars(500),
                "consent": reaction.consent,
                "confirmed_at": timezone.now(),
            },
        )
        if created:
            signup.waitlisted = _signup_place(signup)
            signup.save(update_fields=["waitlisted"])
        # Not linked as `activity`: that link means "tell them when a version first contains it".
        reaction.status = ReactionStatus.PROCESSED
        reaction.save(update_fields=["status"])
    return signup
