"""A person's rights over their address: an export (JSON) of everything stored about it, and its erasure.

Other apps contribute through `supporters.signals.collect_personal_data` and `erase_personal_data`.
Erasure keeps anonymous rows so that counts on the public pages stay right.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from pages.conf import pages_setting

from ..emails import message_send
from ..models import (
    ChangeNotice,
    Consent,
    Contact,
    Endorsement,
    EventRegistration,
    Reaction,
    SignUp,
    Visibility,
)
from ..personal_data import Person, PersonalDataSource, person_for, record_ref, sources
from ..signals import collect_personal_data, erase_personal_data
from ..tokens import make_token, read_token, seal, unseal
from .submissions import normalise_email

REQUEST_PURPOSE = "data-request"
EXPORT_PURPOSE = "export"
ERASE_PURPOSE = "erase"
ERASED_TEXT = "[verwijderd op verzoek]"


def personal_data_request(*, email: str) -> None:
    """Queue the email with the export and erasure links (the request never waits for the mail server).

    The task's argument is the sealed address: the queue and its history never hold it readable.
    """
    async_task("supporters.tasks.data_links_send", seal(REQUEST_PURPOSE, normalise_email(email)))


def data_link_token(purpose: str, email: str) -> str:
    """The token of an export or erasure link: signed, with the address sealed inside (never readable)."""
    return make_token(purpose, {"a": seal(purpose, email)})


def email_from_token(purpose: str, token: str) -> str:
    """The address an export or erasure link is for, else InvalidToken."""
    return unseal(purpose, read_token(purpose, token).get("a", ""))


def data_links_send(*, sealed_email: str) -> None:
    """Email the address two signed links: export and erase. Sent whether or not anything is stored (no enumeration).

    The links carry the address sealed (`supporters.tokens.seal`), never readable.
    """
    email = unseal(REQUEST_PURPOSE, sealed_email)
    links = {}
    for purpose, name in ((EXPORT_PURPOSE, "data_export"), (ERASE_PURPOSE, "data_erase")):
        token = data_link_token(purpose, email)
        links[purpose] = pages_setting("BASE_URL") + reverse(f"supporters:{name}", kwargs={"token": token})
    message_send(
        to=email,
        subject=_("Uw gegevens bij Kracht van Mokum"),
        template="data_links",
        context={"export_url": links[EXPORT_PURPOSE], "erase_url": links[ERASE_PURPOSE]},
    )


def _stamp(value) -> str | None:
    return value.isoformat() if value else None


def _page_ref(page_id: int | None, titles: dict[int, str]) -> dict[str, Any] | None:
    return {"id": page_id, "title": titles.get(page_id, "")} if page_id else None


def supporters_collect(person: Person) -> dict[str, Any]:
    """What the supporters app stores about one address (the supporters' `PersonalDataSource`)."""
    from wagtail.models import Page

    email = person.email
    endorsements = list(Endorsement.objects.filter(email=email).select_related("organisation"))
    signups = list(SignUp.objects.filter(email=email))
    reactions = list(Reaction.objects.filter(email=email))
    page_ids = {e.target_id for e in endorsements} | {s.activity_id for s in signups}
    page_ids |= {r.target_id for r in reactions} | {r.activity_id for r in reactions}
    titles = dict(Page.objects.filter(pk__in=[pk for pk in page_ids if pk]).values_list("pk", "title"))
    return {
        "endorsements": [
            {
                "record": record_ref(e),
                "target": _page_ref(e.target_id, titles),
                "name": e.name,
                "organisation": e.organisation_name,
                "on_behalf_of": e.organisation.name if e.organisation else None,
                "visibility": e.visibility,
                "message": e.message,
                "message_status": e.message_status,
                "submitted_at": _stamp(e.created_at),
                "confirmed_at": _stamp(e.confirmed_at),
            }
            for e in endorsements
        ],
        "signups": [
            {
                "record": record_ref(s),
                "activity": _page_ref(s.activity_id, titles),
                "name": s.name,
                "role": s.role,
                "availability": s.availability,
                "waitlisted": s.waitlisted,
                "submitted_at": _stamp(s.created_at),
                "confirmed_at": _stamp(s.confirmed_at),
            }
            for s in signups
        ],
        "reactions": [
            {
                "record": record_ref(r),
                "target": _page_ref(r.target_id, titles),
                "kind": r.kind,
                "name": r.name,
                "text": r.text,
                "status": r.status,
                "activity": _page_ref(r.activity_id, titles),
                "editor_note": r.editor_note,
                "submitted_at": _stamp(r.created_at),
                "confirmed_at": _stamp(r.confirmed_at),
            }
            for r in reactions
        ],
        "consents": [
            {
                "record": record_ref(c),
                "purpose": c.purpose,
                "wording": c.wording,
                "page": c.source_url,
                "given_at": _stamp(c.given_at),
            }
            for c in Consent.objects.filter(email=email)
        ],
        "partner_network": [
            {
                "record": record_ref(c),
                "name": c.name,
                "email": c.email,
                "organisation": c.organisation.name if c.organisation else None,
                "role": c.role,
                "list_place": c.position,
                "legal_basis": c.legal_basis,
                "notes": c.notes,
                "added_at": _stamp(c.created_at),
            }
            for c in Contact.objects.filter(email=email).select_related("organisation")
        ],
        "change_notices": [
            {"record": record_ref(n), "version": n.version_id, "sent_at": _stamp(n.sent_at)}
            for n in ChangeNotice.objects.filter(email=email)
        ],
        "event_registrations": event_registrations_collect(email=email),
    }


def supporters_names(email: str) -> list[str]:
    names: list[str] = []
    for model in (Endorsement, SignUp, Reaction, Contact, EventRegistration):
        names += model.objects.filter(email=email).exclude(name="").values_list("name", flat=True)
    return names


def supporters_erase(person: Person) -> None:
    """Remove every personal detail stored about the address; confirmed rows stay as anonymous counts."""
    email = person.email
    Endorsement.objects.filter(email=email).update(
        email=None,
        name="",
        organisation_name="",
        on_behalf=False,
        message="",
        visibility=Visibility.COUNT_ONLY,
    )
    SignUp.objects.filter(email=email).update(email=None, name="", availability="")
    Reaction.objects.filter(email=email).update(email=None, name="", text=ERASED_TEXT, editor_note="")
    Consent.objects.filter(email=email).delete()
    Contact.objects.filter(email=email).delete()
    ChangeNotice.objects.filter(email=email).delete()
    event_registrations_erase(email=email)
    # Unconfirmed rows count for nothing: remove them entirely.
    Endorsement.objects.filter(email__isnull=True, confirmed_at__isnull=True).delete()
    SignUp.objects.filter(email__isnull=True, confirmed_at__isnull=True).delete()


SUPPORTERS_SOURCE = PersonalDataSource(
    section="supporters",
    models=(
        "supporters.Endorsement",
        "supporters.SignUp",
        "supporters.Reaction",
        "supporters.Consent",
        "supporters.Contact",
        "supporters.ChangeNotice",
        "supporters.EventRegistration",
        "supporters.RegistrationPart",
        "supporters.EventNotice",
    ),
    collect=supporters_collect,
    erase=supporters_erase,
    names=supporters_names,
)


def personal_data_collect(*, email: str) -> dict[str, Any]:
    """Everything stored about `email`, by every registered source, as JSON-serialisable data."""
    email = normalise_email(email)
    person = person_for(email)
    data: dict[str, Any] = {"email": email, "exported_at": timezone.now().isoformat()}
    for source in sources():
        section = source.collect(person)
        if source is SUPPORTERS_SOURCE or source.section == SUPPORTERS_SOURCE.section:
            data.update(section)  # the supporters' sections stay at the top level, as before
        else:
            data[source.section] = section
    for _receiver, response in collect_personal_data.send(sender=Endorsement, email=email):
        if isinstance(response, dict):
            data.update(response)
    return data


def personal_data_erase(*, email: str) -> None:
    """Erase everything stored about `email` in every registered source, in one transaction."""
    email = normalise_email(email)
    if not email:
        return
    with transaction.atomic():
        person = person_for(email)  # the names first: sources scrub free text of them
        # Apps that build on others' rows first (the newsletter's candidates hang on supporters' contacts).
        for source in reversed(sources()):
            source.erase(person)
    erase_personal_data.send(sender=Endorsement, email=email)


def event_registrations_collect(*, email: str) -> list[dict[str, Any]]:
    """The address's registrations for events (the agenda), with parts and place, for the export."""
    from ..models import EventRegistration

    registrations = EventRegistration.objects.filter(email=normalise_email(email)).select_related("event")
    return [
        {
            "record": record_ref(r),
            "event": {"id": r.event_id, "title": r.event.display_title, "when": r.event.when}
            if r.event
            else None,
            "name": r.name,
            "guests": r.guests,
            "parts": [
                {
                    "record": record_ref(row),
                    "part": row.part.name if row.part_id else None,
                    "waitlisted": row.waitlisted,
                }
                for row in r.parts.select_related("part")
            ],
            "notices": [
                {"record": record_ref(n), "created_at": _stamp(n.created_at), "sent_at": _stamp(n.sent_at)}
                for n in r.notices.all()
            ],
            "submitted_at": _stamp(r.created_at),
            "confirmed_at": _stamp(r.confirmed_at),
            "cancelled_at": _stamp(r.cancelled_at),
            "reminded_at": _stamp(r.reminded_at),
        }
        for r in registrations
    ]


def event_registrations_erase(*, email: str) -> int:
    """Erase the address from its registrations: confirmed places stay as anonymous counts, the rest goes."""
    from ..models import EventRegistration

    rows = EventRegistration.objects.filter(email=normalise_email(email))
    erased = rows.update(email=None, name="")
    EventRegistration.objects.filter(email__isnull=True, confirmed_at__isnull=True).delete()
    return erased
