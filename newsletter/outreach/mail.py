"""What outreach adds to the newsletter's render → personalise pipeline.

Per variant (`variant_context`): merge markers for the per-person fields, and the debate's date and place as the
pinned version published them. Per person (`OutreachPersonaliser`): name is the newsletter's; party, list place and
answer links come from the contact behind the subscriber, read for a whole batch in one query.
"""

import html
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from pages.conf import pages_setting
from pages.models import DocumentVersion

from ..models import Subscriber
from ..personalisers import BatchValues, Personaliser
from ..render import marker
from .commitment_mail import CommitmentLinks
from .links import AnswerLinkBuilder
from .models import OutreachActivity, OutreachKind

OUTREACH_TEMPLATES = ("candidate", "party_leader")
PERSONAL_FIELDS = (
    "party_html",
    "list_place_html",
    "answer_yes_url",
    "answer_no_url",
    "commitments_html",
    "programme_response_html",
)


def debate_in(version: DocumentVersion) -> dict[str, str] | None:
    """The debate activity (linked by an editor) as this version published it, when it has a date or place."""
    page_id = (
        OutreachActivity.objects.filter(kind=OutreachKind.DEBATE).values_list("page_id", flat=True).first()
    )
    if page_id is None:
        return None
    for call in (version.snapshot or {}).get("calls", []):
        for activity in call.get("activities", []):
            if activity.get("id") == page_id and (activity.get("when") or activity.get("where")):
                return {
                    "title": activity.get("title", ""),
                    "when": activity.get("when", ""),
                    "where": activity.get("where", ""),
                    "url": pages_setting("BASE_URL") + activity.get("path", ""),
                }
    return None


def variant_context(*, version: DocumentVersion, audience) -> dict[str, Any]:
    """Extra render context of an outreach template: the markers of the per-person fields, and the debate."""
    return {
        "outreach": {name: marker(name) for name in PERSONAL_FIELDS},
        "debate": debate_in(version) if audience.template == "party_leader" else None,
    }


def list_place(*, party: str, position: int | None) -> str:
    if not party:
        return ""
    if position:
        return _("nummer %(position)s op de lijst van %(party)s") % {"position": position, "party": party}
    return _("op de lijst van %(party)s") % {"party": party}


def personal_values(
    *, party: str, position: int | None, contact_id: int | None, mailing_id: int, links: AnswerLinkBuilder
) -> dict[str, str]:
    """One person's outreach merge values (HTML ones escaped; `_text` twins for the plain-text part)."""
    with override("nl"):
        place = list_place(party=party, position=position)
    values = {
        "party_html": html.escape(party),
        "party_text": party,
        "list_place_html": html.escape(place),
        "list_place_text": place,
    }
    if contact_id is not None:
        values.update(links.both(contact_id=contact_id, mailing_id=mailing_id))
    return values


class OutreachPersonaliser(BatchValues):
    """Per-recipient outreach values for the rows of one batch of one mailing."""

    def __init__(self, *, mailing_id: int):
        self.mailing_id = mailing_id
        self.links = AnswerLinkBuilder()

        self.commitments = CommitmentLinks(mailing_id=mailing_id)

    def values(self, subscriber_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """subscriber id → merge values, for every given subscriber (a fixed number of queries per batch)."""
        rows = list(
            Subscriber.objects.filter(pk__in=list(subscriber_ids)).values(
                "pk",
                "contact_id",
                "contact__position",
                "contact__organisation__name",
                "contact__organisation_id",
            )
        )
        extras = self.commitments.values(rows)
        return {
            row["pk"]: {
                **personal_values(
                    party=row["contact__organisation__name"] or "",
                    position=row["contact__position"],
                    contact_id=row["contact_id"],
                    mailing_id=self.mailing_id,
                    links=self.links,
                ),
                **extras.get(row["pk"], {}),
            }
            for row in rows
        }


class OutreachTemplates(Personaliser):
    """The outreach's additions to the candidate and party-leader templates (registered in the app's `ready()`)."""

    def variant_context(self, *, version: DocumentVersion, audience) -> dict[str, Any]:
        return variant_context(version=version, audience=audience)

    def batch_values(self, *, mailing_id: int) -> BatchValues:
        return OutreachPersonaliser(mailing_id=mailing_id)

    def sample_values(self) -> dict[str, str]:
        """A sample candidate; the answer links lead to the (harmless) answer page of no one."""
        return personal_values(
            party="Voorbeeldpartij", position=1, contact_id=0, mailing_id=0, links=AnswerLinkBuilder()
        )
