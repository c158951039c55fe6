"""A person's rights over their address: an export (JSON) of everything stored about it, and its erasure.

Other apps contribute through `supporters.signals.collect_personal_data` and `erase_personal_data`.
Erasure keeps anonymous rows so that counts on the public pages stay right.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pages.conf import pages_setting

from ..emails import message_send
from ..models import ChangeNotice, Consent, Contact, Endorsement, Reaction, SignUp, Visibility
from ..signals import collect_personal_data, erase_personal_data
from ..tokens import make_token
from .submissions import normalise_email

EXPORT_PURPOSE = "export"
ERASE_PURPOSE = "erase"
ERASED_TEXT = "[verwijderd op verzoek]"


def personal_data_request(*, email: str) -> None:
    """Email the address two signed links: export and erase. Sent whether or not anything is stored (no enumeration)."""
    email = normalise_email(email)
    links = {}
    for purpose, name in ((EXPORT_PURPOSE, "data_export"), (ERASE_PURPOSE, "data_erase")):
        token = make_token(purpose, {"e": email})
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


def personal_data_collect(*, email: str) -> dict[str, Any]:
    """Everything stored about `email`, by every app, as JSON-serialisable data."""
    from wagtail.models import Page

    email = normalise_email(email)
    endorsements = list(Endorsement.objects.filter(email=email).select_related("organisation"))
    signups = list(SignUp.objects.filter(email=email))
    reactions = list(Reaction.objects.filter(email=email))
    page_ids = {e.target_id for e in endorsements} | {s.activity_id for s in signups}
    page_ids |= {r.target_id for r in reactions} | {r.activity_id for r in reactions}
    titles = dict(Page.objects.filter(pk__in=[pk for pk in page_ids if pk]).values_list("pk", "title"))
    data: dict[str, Any] = {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "endorsements": [
            {
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
                "target": _page_ref(r.target_id, titles),
                "kind": r.kind,
                "name": r.name,
                "text": r.text,
                "status": r.status,
                "activity": _page_ref(r.activity_id, titles),
                "submitted_at": _stamp(r.created_at),
                "confirmed_at": _stamp(r.confirmed_at),
            }
            for r in reactions
        ],
        "consents": [
            {"purpose": c.purpose, "wording": c.wording, "page": c.source_url, "given_at": _stamp(c.given_at)}
            for c in Consent.objects.filter(email=email)
        ],
        "partner_network": [
            {
                "name": c.name,
                "organisation": c.organisation.name if c.organisation else None,
                "role": c.role,
                "legal_basis": c.legal_basis,
                "notes": c.notes,
            }
            for c in Contact.objects.filter(email=email).select_related("organisation")
        ],
        "change_notices": [
            {"version": n.version_id, "sent_at": _stamp(n.sent_at)}
            for n in ChangeNotice.objects.filter(email=email)
        ],
    }
    for _receiver, response in collect_personal_data.send(sender=Endorsement, email=email):
        if isinstance(response, dict):
            data.update(response)
    return data


def personal_data_erase(*, email: str) -> dict[str, int]:
    """Remove every personal detail stored about `email`; confirmed rows stay as anonymous counts."""
    email = normalise_email(email)
    with transaction.atomic():
        counts = {
            "endorsements": Endorsement.objects.filter(email=email).update(
                email=None,
                name="",
                organisation_name="",
                on_behalf=False,
                message="",
                visibility=Visibility.COUNT_ONLY,
            ),
            "signups": SignUp.objects.filter(email=email).update(email=None, name="", availability=""),
            "reactions": Reaction.objects.filter(email=email).update(email=None, name="", text=ERASED_TEXT),
            "consents": Consent.objects.filter(email=email).delete()[0],
            "contacts": Contact.objects.filter(email=email).delete()[0],
            "change_notices": ChangeNotice.objects.filter(email=email).delete()[0],
        }
        # Unconfirmed rows count for nothing: remove them entirely.
        Endorsement.objects.filter(email__isnull=True, confirmed_at__isnull=True).delete()
        SignUp.objects.filter(email__isnull=True, confirmed_at__isnull=True).delete()
    erase_personal_data.send(sender=Endorsement, email=email)
    return counts
