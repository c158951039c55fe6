"""Public views of a document's versions: history, permanent version, comparison and Atom feed."""

import re

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseNotFound, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from .conf import pages_setting
from .models import DocumentPage, DocumentVersion
from .selectors import removed_activity
from .versioning import STATUS_LABELS, compute_changes, snapshot_text, word_diff_html

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
    old = _version_or_404(document, first)
    new = _version_or_404(document, second)
    return TemplateResponse(
        request,
        "pages/version_compare.html",
        {
            "page": document,
            "document": document,
            "old": old,
            "new": new,
            "changes": compute_changes(old.snapshot, new.snapshot),
            "diff": word_diff_html(snapshot_text(old.snapshot), snapshot_text(new.snapshot)),
            "identical": old.snapshot == new.snapshot,
        },
    )


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
        response = TemplateResponse(
            request, "pages/removed_activity.html", {**marker, "page": marker["document"]}
        )
        response.status_code = 410
        return response
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))
