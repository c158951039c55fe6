"""The pleidooi on paper: a version of the document as a PDF, rendered once from its snapshot and kept.

WeasyPrint turns the same HTML and CSS the site uses into a PDF, with paged-media CSS (`@page` margin boxes) for
the title, version and date on every page; it is maintained, pure Python on top of Pango, and needs no browser.
A version never changes, so its PDF is rendered the first time someone asks for it and served from storage after.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from .models import DocumentVersion
from .versioning import STATUS_LABELS

PDF_STYLESHEET = "pages/pdf.css"


def version_pdf_name(*, version: DocumentVersion) -> str:
    return f"pleidooi/{version.document_id}/versie-{version.number}.pdf"


def version_pdf_html(*, version: DocumentVersion) -> str:
    """The printable HTML of a version: its snapshot (calls, activities) and its change list, in Dutch."""
    snapshot = version.snapshot or {}
    calls = snapshot.get("calls", [])
    for call in calls:
        for activity in call["activities"]:
            activity["status_label"] = STATUS_LABELS.get(activity["status"], activity["status"])
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "pages/version_pdf.html",
            {
                "version": version,
                "snap": snapshot.get("document", {}),
                "snap_calls": calls,
                "web_url": version.full_url,
            },
        )


def render_version_pdf(*, version: DocumentVersion) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = finders.find(PDF_STYLESHEET)
    return HTML(string=version_pdf_html(version=version), base_url=version.full_url).write_pdf(
        stylesheets=[CSS(filename=stylesheet)]
    )


def version_pdf_file(*, version: DocumentVersion):
    """The stored PDF of a version (opened for reading), rendering and storing it first if it is not there yet."""
    name = version_pdf_name(version=version)
    if not default_storage.exists(name):
        content = render_version_pdf(version=version)
        if not default_storage.exists(name):  # another request may have stored it meanwhile: keep that one
            default_storage.save(name, ContentFile(content))
    return default_storage.open(name, "rb")
