"""What the next version's email looks like for an audience, and a test mail of it to addresses an editor types."""

from django.utils.translation import gettext as _

from pages.models import DocumentVersion
from pages.snapshots import version_preview

from .links import LinkBuilder
from .models import Audience
from .personalisers import personaliser_for
from .render import RecipientContext, RenderedEmail, personalise, render_variant
from .selectors import versions_between
from .transport import send_email


def preview_version(*, document) -> DocumentVersion:
    """An unsaved version of the document as it is live now: what the next version's email would show."""
    version = version_preview(document)
    version.note = _("(Hier komt de toelichting die u bij het publiceren schrijft.)")
    return version


def preview_email(
    *, version: DocumentVersion, audience: Audience, first_time: bool, name: str = ""
) -> RenderedEmail:
    """The email a recipient of this audience would get (as a first-timer, or since the previous version)."""
    since_number = None if first_time or version.number <= 1 else version.number - 1
    since = [version] if since_number is not None else []
    if since_number is not None and version.pk:
        since = versions_between(version=version, since_number=since_number)
    template = render_variant(
        version=version,
        audience=audience,
        since_number=since_number,
        since_versions=since,
        extra_context=personaliser_for(audience).variant_context(version=version, audience=audience),
    )
    links = LinkBuilder()
    context = RecipientContext(
        name=name,
        unsubscribe_url=links.preferences_request,
        preferences_url=links.preferences_request,
        extra=personaliser_for(audience).sample_values(),
    )
    return personalise(template, context)


def test_send(
    *, version: DocumentVersion, audience: Audience, first_time: bool, to: str, name: str = ""
) -> None:
    """Send the preview to an editor's own address, marked as a test; not part of any mailing or ledger."""
    email = preview_email(version=version, audience=audience, first_time=first_time, name=name)
    subject = _("[TEST] %(subject)s") % {"subject": email.subject}
    send_email(RenderedEmail(subject=subject, html=email.html, text=email.text), to=to, name=name)
