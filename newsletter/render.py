"""Render: a pinned version and a recipient's context → subject, HTML and plain text. No database, no sending.

A newsletter is rendered once per *variant* (version × audience template × last version received) into a
`MailTemplate` that holds merge markers where the recipient goes, then personalised per recipient by plain
string replacement — locally, or by the provider's batch API (see `transport`). Cost grows with the number of
variants, not of recipients.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import css_inline
from bs4 import BeautifulSoup, NavigableString
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pages.conf import pages_setting
from pages.models import DocumentVersion
from pages.versioning import STATUS_LABELS

from .conf import newsletter_setting

MERGE_FIELDS = ("greeting_html", "greeting_text", "unsubscribe_url", "preferences_url")
_MARKER = re.compile(r"\[\[kvm:([a-z_]+)\]\]")


def marker(field: str) -> str:
    """The placeholder a rendered variant holds where a recipient's value goes."""
    return f"[[kvm:{field}]]"


def markers_replaced(content: str, replacement: Callable[[str], str]) -> str:
    """`content` with each marker replaced by `replacement(field)`: a recipient's value, or a provider's merge tag."""
    return _MARKER.sub(lambda match: replacement(match.group(1)), content)


@dataclass(frozen=True)
class MailTemplate:
    """One variant of an email, rendered, with merge markers in place of the recipient's details."""

    subject: str
    html: str
    text: str

    def merge_fields(self) -> set[str]:
        return set(_MARKER.findall(self.html)) | set(_MARKER.findall(self.text))


@dataclass(frozen=True)
class RenderedEmail:
    """A finished email for one person: subject, HTML with inlined CSS, and the plain-text alternative."""

    subject: str
    html: str
    text: str


class Greeting:
    """The salutation in the active language, looked up once for a whole batch rather than once per person."""

    def __init__(self):
        self.named = _("Beste %(name)s,")
        self.anonymous = _("Beste lezer,")

    def __call__(self, name: str) -> str:
        return self.named % {"name": name} if name else self.anonymous


@dataclass(frozen=True)
class RecipientContext:
    """What differs per recipient: their name (may be empty), their own preference and unsubscribe links, and
    `extra` merge values of templates that have more (outreach: party, list place, answer links; escaped)."""

    name: str
    unsubscribe_url: str
    preferences_url: str
    extra: dict[str, str] = field(default_factory=dict)

    def merge_values(self, greeting: "Greeting | None" = None) -> dict[str, str]:
        greeting = (greeting or Greeting())(self.name)
        return {
            "greeting_html": html.escape(greeting),
            "greeting_text": greeting,
            "unsubscribe_url": self.unsubscribe_url,
            "preferences_url": self.preferences_url,
            **self.extra,
        }


def email_template_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (_name, label) in newsletter_setting("EMAIL_TEMPLATES").items()]


def _template_name(key: str) -> str:
    templates = newsletter_setting("EMAIL_TEMPLATES")
    if key not in templates:
        raise ImproperlyConfigured(f"No newsletter email template {key!r}; known: {', '.join(templates)}.")
    return templates[key][0]


def _absolute(url: str, base: str) -> str:
    if not url or _MARKER.fullmatch(url) or url.startswith(("mailto:", "tel:")):
        return url
    if url.startswith("#"):
        return url
    return urljoin(base + "/", url) if not urlsplit(url).scheme else url


def finish_html(raw: str) -> str:
    """Every link absolute (BASE_URL), then the stylesheet inlined (mail clients ignore <style>)."""
    base = pages_setting("BASE_URL")
    soup = BeautifulSoup(raw, "html.parser")
    for tag, attribute in (("a", "href"), ("img", "src"), ("link", "href")):
        for element in soup.find_all(tag, attrs={attribute: True}):
            element[attribute] = _absolute(element[attribute], base)
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False
    )
    return inliner.inline(str(soup))


_BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "table",
    "tr",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
)


def html_to_plain(value: str) -> str:
    """The plain-text alternative of an email's HTML: paragraphs, bullets, headings and links kept readable."""
    soup = BeautifulSoup(value, "html.parser")
    for element in soup(["head", "style", "script", "title"]):
        element.decompose()
    for link in soup.find_all("a", href=True):
        text, href = link.get_text(" ", strip=True), link["href"]
        if href.startswith("mailto:"):
            shown = text or href.removeprefix("mailto:")
        elif not text or text == href:
            shown = href
        else:
            shown = f"{text} ({href})"
        link.replace_with(NavigableString(shown))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for item in soup.find_all("li"):
        item.insert_before(NavigableString("\n• "))
    for heading in soup.find_all(["h1", "h2"]):
        underline = "=" if heading.name == "h1" else "-"
        heading.append(NavigableString("\n" + underline * len(heading.get_text(" ", strip=True))))
    for block in soup.find_all(_BLOCKS):
        block.insert_before(NavigableString("\n\n"))
        block.insert_after(NavigableString("\n\n"))
    text = soup.get_text()
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _snapshot_context(version: DocumentVersion) -> dict[str, Any]:
    snapshot = version.snapshot or {}
    calls = []
    for call in snapshot.get("calls", []):
        activities = [
            {**activity, "status_label": STATUS_LABELS.get(activity["status"], activity["status"])}
            for activity in call.get("activities", [])
        ]
        calls.append(
            {**call, "activities": activities, "anchor_url": f"{version.full_url}#call-{call['number']}"}
        )
    return {"snap": snapshot.get("document", {}), "snap_calls": calls}


def _version_summary(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "date": date_format(timezone.localtime(version.published_at), "j F Y"),
        "note": version.note,
        "changes": version.changes or [],
        "is_major": version.is_major,
    }


def render_variant(
    *,
    version: DocumentVersion,
    audience,
    since_number: int | None,
    since_versions: list[DocumentVersion],
    extra_context: dict[str, Any] | None = None,
) -> MailTemplate:
    """The email for one variant, with merge markers for the recipient.

    `since_number`: the last version this recipient received (None: first time, they get an introduction);
    `since_versions`: the versions after it up to and including `version`, whose notes and change lists are
    "what changed" (see `selectors.versions_between`); `extra_context`: what a template needs beyond that, the
    same for every recipient of the variant (see `personalisers.Personaliser`). A marker whose name ends in
    `_html` becomes its `_text` twin in the plain-text part.
    """
    with translation.override("nl"):
        title = (version.snapshot or {}).get("document", {}).get("title") or version.document.title
        subject = _("%(title)s — versie %(number)s") % {"title": title, "number": version.number}
        context = {
            "subject": subject,
            "title": title,
            "version": _version_summary(version),
            "version_url": version.full_url,
            "pdf_url": version.pdf_full_url,
            "history_url": version.document.full_url_for(version.document.reverse_subpage("versions")),
            "audience_name": audience.name,
            "first_time": since_number is None,
            "since_number": since_number,
            "changes_since": [_version_summary(v) for v in since_versions],
            "greeting": marker("greeting_html"),
            "unsubscribe_url": marker("unsubscribe_url"),
            "preferences_url": marker("preferences_url"),
            **_snapshot_context(version),
            **(extra_context or {}),
        }
        body = finish_html(render_to_string(_template_name(audience.template), context))
    text = _MARKER.sub(_text_twin, html_to_plain(body))
    return MailTemplate(subject=subject, html=body, text=text)


def _text_twin(match: re.Match) -> str:
    name = match.group(1)
    return marker(name.removesuffix("_html") + "_text") if name.endswith("_html") else match.group(0)


def personalise(template: MailTemplate, recipient: RecipientContext) -> RenderedEmail:
    """Fill in one recipient's values (already escaped for HTML where needed)."""
    values = recipient.merge_values()

    def fill(content: str) -> str:
        return markers_replaced(content, lambda field: values.get(field, ""))

    return RenderedEmail(subject=template.subject, html=fill(template.html), text=fill(template.text))


def render_email(
    *,
    version: DocumentVersion,
    audience,
    since_number: int | None,
    since_versions: list[DocumentVersion],
    recipient: RecipientContext,
) -> RenderedEmail:
    """The finished email one recipient gets (render the variant, then personalise)."""
    template = render_variant(
        version=version, audience=audience, since_number=since_number, since_versions=since_versions
    )
    return personalise(template, recipient)


def render_message(template_name: str, context: dict[str, Any], *, subject: str) -> RenderedEmail:
    """A one-off email (confirmation link, preference link) from a template extending the email base."""
    with translation.override("nl"):
        body = finish_html(render_to_string(template_name, {"subject": subject, **context}))
    return RenderedEmail(subject=subject, html=body, text=html_to_plain(body))
