"""Public views of a document's versions: history, permanent version, comparison and Atom feed."""

import re

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from .comparison import comparison_html
from .conf import pages_setting
from .extensions import extend_page_context
from .models import ActivityStatus, DocumentPage, DocumentVersion, changed_page_ids
from .pdf import version_pdf_file
from .selectors import activity_filters, document_outline, latest_version, removed_activity, search_document
from .snapshots import take_snapshot, version_state
from .versioning import STATUS_LABELS, compare

_VERSION_NUMBER = re.compile(r"[0-9]{1,9}")


def _version_number(value: str) -> int | None:
    """A version number typed in a query string: ASCII digits that fit the routes, else None."""
    return int(value) if _VERSION_NUMBER.fullmatch(value) else None


def _version_or_404(document: DocumentPage, number) -> DocumentVersion:
    return get_object_or_404(DocumentVersion, document=document, number=int(number))


def version_history(request, document: DocumentPage):
    """Every version, newest first, with its note and change list; a small form picks two to compare."""
    versions = list(document.versions.order_by("-number").only("number", "published_at", "note", "changes"))
    first, second = _version_number(request.GET.get("van", "")), _version_number(request.GET.get("tot", ""))
    if first is not None and second is not None:
        return HttpResponseRedirect(
            document.path_on_site() + document.reverse_subpage("compare", args=[first, second])
        )
    return TemplateResponse(
        request,
        "pages/version_history.html",
        {"page": document, "document": document, "versions": versions},
    )


def _snapshot_context(snapshot: dict) -> dict:
    calls = snapshot.get("calls", [])
    for call in calls:
        for activity in call["activities"]:
            activity["status_label"] = STATUS_LABELS.get(activity["status"], activity["status"])
    return {"snap": snapshot.get("document", {}), "snap_calls": calls}


def version_detail(request, document: DocumentPage, number):
    version = _version_or_404(document, number)
    newest = document.versions.order_by("-number").values_list("number", flat=True).first()
    return TemplateResponse(
        request,
        "pages/version_detail.html",
        {
            "page": document,
            "document": document,
            "version": version,
            "newest_number": newest if newest and newest > version.number else None,
            **_snapshot_context(version.snapshot),
        },
    )


def version_compare(request, document: DocumentPage, first, second):
    """Two versions side by side in one column: the change list, then the text block by block, then word by word.

    `second` may be "nu": the live document, to show what changed since the latest version.
    """
    old = _version_or_404(document, first)
    if second == "nu":
        new, new_snapshot = None, take_snapshot(document=document)
    else:
        new = _version_or_404(document, second)
        new_snapshot = new.snapshot
    comparison = compare(old.snapshot, new_snapshot)
    show_all = request.GET.get("alles") == "1"
    if not comparison["identical"]:
        comparison["html"] = comparison_html(comparison, show_all=show_all)
    return TemplateResponse(
        request,
        "pages/version_compare.html",
        {
            "page": document,
            "document": document,
            "old": old,
            "new": new,
            "comparison": comparison,
            "changes": comparison["changes"],
            "identical": comparison["identical"] or (new is None and not comparison["changes"]),
            "show_all": show_all,
            # "What changed in version n" (n-1...n) is a page worth finding; other pairs, the live text and the
            # full reprint repeat it, so search engines are asked to skip them.
            "indexable": new is not None and new.number == old.number + 1 and not show_all,
        },
    )


def version_line(request, document: DocumentPage, *, outline=None, latest=None) -> dict:
    """The context of the version line on the document, call and activity pages (`includes/version_line.html`)."""
    state = version_state(document=document, outline=outline, latest=latest)
    base = document.get_url(request)
    context = {"version_state": state, "latest_version": state["version"]}
    context["versions_url"] = base + document.reverse_subpage("versions")
    if state["version"] is not None:
        context["compare_live_url"] = base + document.reverse_subpage(
            "compare_live", args=[state["version"].number]
        )
    return context


class VersionFeed(Feed):
    """An Atom (RFC 4287) feed of a document's versions: number, date, note and permanent link."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, document: DocumentPage, **kwargs):
        self.document = document
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return self.document

    def title(self, document):
        return _("%(title)s — versies") % {"title": document.title}

    def subtitle(self, document):
        return _("Elke nieuwe versie van het document, met wat er veranderd is.")

    def link(self, document):
        return document.full_url_for()

    def feed_url(self, document):
        return document.full_url_for(document.reverse_subpage("feed"))

    def feed_guid(self, document):
        return document.full_url_for(document.reverse_subpage("versions"))

    def author_name(self, document):
        return "Kracht van Mokum"

    def items(self, document):
        return document.versions.order_by("-number")[: pages_setting("FEED_LENGTH")]

    def item_title(self, version):
        return _("Versie %(number)s — %(date)s") % {
            "number": version.number,
            "date": version.published_at.strftime("%d-%m-%Y"),
        }

    def item_description(self, version):
        return linebreaks(version.note, autoescape=True)

    def item_link(self, version):
        return version.full_url

    def item_guid(self, version):
        return version.full_url

    item_guid_is_permalink = True

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at


def activity_overview(request, document: DocumentPage):
    """Every activity of the document as a card, filtered by call (`?call=<number>`) and status (`?status=`).

    The filters are plain links, so each filtered list has its own cacheable address. The hooks see the filtered
    outline as they see the document's, so counts come in the same fixed number of queries.
    """
    outline = document_outline(document=document)
    filters = activity_filters(
        outline=outline,
        call=request.GET.get("call", ""),
        status=request.GET.get("status", ""),
        statuses=ActivityStatus.choices,
    )
    version = latest_version(document=document)
    context = {
        "page": document,
        "document": document,
        "outline": filters["outline"],
        "filters": filters,
        "latest_version": version,
        "changed_ids": changed_page_ids(version),
    }
    return TemplateResponse(
        request, "pages/activity_overview.html", extend_page_context(request, document, context)
    )


def site_search(request, document: DocumentPage):
    """Wagtail search over the document's live pages (the document, its calls, activities and info pages)."""
    query = " ".join(request.GET.get("q", "").split())[:200]
    results = search_document(document=document, query=query) if query else []
    paginator = Paginator(results, 20)
    page_number = request.GET.get("pagina", "1")
    results_page = paginator.get_page(page_number if page_number.isdigit() else 1)
    return TemplateResponse(
        request,
        "pages/search.html",
        {"page": document, "document": document, "query": query, "results": results_page},
    )


def version_pdf(request, document: DocumentPage, number):
    """The version as a PDF (the pleidooi on paper), generated on the first request and kept from then on."""
    version = _version_or_404(document, number)
    stored = version_pdf_file(version=version)
    filename = f"{document.slug}-versie-{version.number}.pdf"
    response = FileResponse(stored, content_type="application/pdf", filename=filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


def version_feed(request, document: DocumentPage):
    if not document.live:
        raise Http404
    return VersionFeed()(request, document=document)


def page_not_found(request, exception=None):
    """404 handler: a removed activity's old address shows where it went; anything else the plain 404 page.

    Wire it in the site's URLconf: ``handler404 = "pages.views.page_not_found"``.
    """
    marker = removed_activity(path=request.path)
    if marker is not None:
        if marker.moved_to:
            return HttpResponsePermanentRedirect(marker.moved_to)
        context = {
            "page": marker.document,
            "document": marker.document,
            "activity": marker,
            "last": marker.last_version,
            "removed_in": marker.removed_in,
        }
        response = TemplateResponse(request, "pages/removed_activity.html", context)
        response.status_code = 410
        return response
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))
