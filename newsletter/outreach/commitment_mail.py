"""What the commitments add to each outreach email: per person, a signed link for every call of the version they
receive ("Uw standpunt per call"), and the link to our written response to their party's programme.

Both are merge values (`commitments_html`, `programme_response_html` and their `_text` twins), read for a whole
batch in a fixed number of queries, so each variant is still rendered once and provider-side merging keeps working.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import override

from pages.conf import pages_setting

from ..models import Mailing
from .commitment_links import CommitmentLinkBuilder
from .overview import candidate_for_contact, programme_response


class CommitmentLinks:
    """Per-recipient commitment links and programme-response link for the rows of one batch of one mailing."""

    def __init__(self, *, mailing_id: int):
        self.mailing_id = mailing_id
        self._version = None
        self._responses: dict[int, tuple[str, str]] = {}
        self._builder: CommitmentLinkBuilder | None = None

    def _calls(self):
        if self._version is None:
            mailing = Mailing.objects.select_related("version").filter(pk=self.mailing_id).first()
            self._version = mailing.version if mailing else False
        return (self._version.snapshot or {}).get("calls", []) if self._version else []

    def _response(self, organisation_id: int | None) -> tuple[str, str]:
        if not organisation_id:
            return "", ""
        if organisation_id not in self._responses:
            page = programme_response(organisation_id=organisation_id)
            if page is None:
                self._responses[organisation_id] = ("", "")
            else:
                url = pages_setting("BASE_URL") + page.url
                with override("nl"):
                    label = _("Lees onze schriftelijke reactie op het verkiezingsprogramma van uw partij")
                self._responses[organisation_id] = (
                    format_html('<p class="programme-response-link"><a href="{}">{}</a></p>', url, label),
                    f"{label}: {url}",
                )
        return self._responses[organisation_id]

    def values(self, rows: list[dict]) -> dict[int, dict[str, str]]:
        """subscriber id → `commitments_*` and `programme_response_*` values (rows: subscriber values with
        `pk`, `contact_id`, `contact__organisation_id`)."""
        calls = self._calls()
        candidates = candidate_for_contact([row["contact_id"] for row in rows if row["contact_id"]])
        found = {}
        for row in rows:
            html, text = self._response(row["contact__organisation_id"])
            values = {"programme_response_html": html, "programme_response_text": text}
            candidate = candidates.get(row["contact_id"])
            if candidate is not None and calls and self._version:
                values.update(self._commitment_values(candidate.pk, calls))
            found[row["pk"]] = values
        return found

    def _commitment_values(self, candidate_id: int, calls: list[dict]) -> dict[str, str]:
        self._builder = self._builder or CommitmentLinkBuilder()
        links = [
            (
                call["number"],
                f"{call['number']}. {call['title']}",
                self._builder.url(candidate_id=candidate_id, call_id=call["id"], version_id=self._version.pk),
            )
            for call in calls
        ]
        with override("nl"):
            heading = _("Uw standpunt per call")
            lead = _(
                "Steunt u deze calls? Per call één klik: “Ik steun deze call”, “Gedeeltelijk” of “Nee”, met een "
                "toelichting als u wilt. Uw antwoord hoort bij deze versie van het document."
            )
        items = format_html_join(
            "",
            '<li><a class="commitment-link" data-call="{}" href="{}">{}</a></li>',
            ((n, u, t) for n, t, u in links),
        )
        html = format_html(
            '<div class="commitments intro-box"><h2>{}</h2><p>{}</p><ul>{}</ul></div>', heading, lead, items
        )
        text = "\n".join([heading, lead, *(f"- {title}: {url}" for _n, title, url in links)])
        return {"commitments_html": html, "commitments_text": text}
