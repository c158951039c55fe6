"""The documents router: each live document as one outline, and its versions, snapshots and comparisons.

Only what the public site shows: live pages without view restrictions, published versions. Every list answers
in a fixed number of queries whatever its length; counts come in bulk through `pages.extensions.public_counts`.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate
from wagtail.rich_text import expand_db_html

from ..extensions import public_counts
from ..models import DocumentPage, DocumentVersion
from ..selectors import document_outline, latest_version
from ..versioning import STATUS_LABELS, compare
from . import examples
from .contract import ContractPagination, IdPath, link, operation
from .problems import ApiProblem
from .schemas import Comparison, DocumentOutline, DocumentSummary, VersionDetail, VersionSummary

router = Router(tags=["living documents"])

DocumentId = IdPath("Het id van het document (een pagina-id).")

# Where a document's id leads: its outline, its versions, endorsing it, its public endorsers.
DOCUMENT_LINKS = {
    "document": ("living_documents_detail", "Het document in zijn geheel."),
    "versions": ("living_documents_versions_list", "De versies van het document."),
    "endorse": ("supporters_endorse", "Het document steunen."),
    "endorsers": ("supporters_endorsers", "Wie het document openbaar steunt."),
}
PARAMETER_OF = {"supporters_endorse": "page_id"}


def _document_links(expression: str) -> dict:
    return {
        name: link(op_id, text, **{PARAMETER_OF.get(op_id, "document_id"): expression})
        for name, (op_id, text) in DOCUMENT_LINKS.items()
    }


def _public_documents():
    return DocumentPage.objects.live().public()


def _document_or_404(document_id: int) -> DocumentPage:
    document = _public_documents().filter(pk=document_id).first()
    if document is None:
        raise ApiProblem(404, _("Er is geen openbaar document met id %(id)s.") % {"id": document_id})
    return document


def _version_or_404(document: DocumentPage, number: int) -> DocumentVersion:
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise ApiProblem(404, _("Dit document heeft geen versie %(number)s.") % {"number": number})
    return version


def _version_summary(version: DocumentVersion) -> dict:
    return {
        "number": version.number,
        "published_at": version.published_at,
        "is_major": version.is_major,
        "note": version.note,
        "url": version.full_url,
        "changes": version.changes or [],
    }


@router.get(
    "/",
    response=list[DocumentSummary],
    url_name="kvm_documents",
    operation_id="living_documents_list",
    summary="Levende documenten",
    openapi_extra=operation(
        example=examples.DOCUMENT_LIST,
        problems=(400, 422),
        links=_document_links("$response.body#/items/0/id"),
    ),
)
@paginate(ContractPagination)
def list_documents(request: HttpRequest, **kwargs):
    """Every live, public document, oldest first, with its newest version number and public counts."""
    return DocumentListing(_public_documents().order_by("pk"))


class DocumentListing:
    """A lazily sliced list of documents that fills in versions and counts for the slice only (two queries)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, items):
        documents = list(self.queryset[items])
        ids = [document.pk for document in documents]
        newest: dict[int, int] = {}
        for document_id, number in DocumentVersion.objects.filter(document_id__in=ids).values_list(
            "document_id", "number"
        ):
            newest[document_id] = max(number, newest.get(document_id, 0))
        counts = public_counts(documents)
        return [
            {
                "id": document.pk,
                "title": document.title,
                "url": document.full_url_for(),
                "latest_version": newest.get(document.pk),
                "counts": counts[document.pk],
            }
            for document in documents
        ]


@router.get(
    "/{document_id}/",
    response=DocumentOutline,
    url_name="kvm_document",
    operation_id="living_documents_detail",
    summary="Een document, in zijn geheel",
    openapi_extra=operation(
        example=examples.DOCUMENT,
        problems=(404, 422),
        links={
            "endorse_call": link(
                "supporters_endorse", "Een call steunen.", page_id="$response.body#/calls/0/id"
            ),
            "sign_up": link(
                "supporters_signup",
                "Aanmelden voor een activiteit.",
                page_id="$response.body#/calls/0/activities/0/id",
            ),
            "react": link("supporters_react", "Reageren op het document.", page_id="$response.body#/id"),
        },
    ),
)
def get_document(request: HttpRequest, document_id: int = DocumentId):
    """The live document as the site shows it: texts, calls and activities in reading order, with counts."""
    document = _document_or_404(document_id)
    calls = document_outline(document=document)
    counted: list = [document]
    for call in calls:
        counted.append(call)
        counted.extend(call.activity_list)
    counts = public_counts(counted)
    base_url = document.full_url_for()
    newest = latest_version(document=document)
    return {
        "id": document.pk,
        "title": document.title,
        "url": base_url,
        "intro": expand_db_html(document.intro),
        "closing_title": document.closing_title,
        "closing": expand_db_html(document.closing),
        "contact_text": document.contact_text,
        "contact_email": document.contact_email,
        "counts": counts[document.pk],
        "latest_version": _version_summary(newest) if newest else None,
        "calls": [
            {
                "id": call.pk,
                "number": call.number,
                "title": call.title,
                "slug": call.slug,
                "url": f"{base_url}{call.slug}/",
                "body": str(call.body.render_as_block()) if call.body else "",
                "counts": counts[call.pk],
                "activities": [
                    {
                        "id": activity.pk,
                        "title": activity.title,
                        "slug": activity.slug,
                        "url": f"{base_url}{call.slug}/{activity.slug}/",
                        "status": activity.status,
                        "status_label": str(STATUS_LABELS.get(activity.status, activity.status)),
                        "description": expand_db_html(activity.description),
                        "needs_people": activity.needs_people,
                        "needs_means": activity.needs_means,
                        "starts_on": activity.starts_on,
                        "ends_on": activity.ends_on,
                        "when": activity.when,
                        "where": activity.where,
                        "district": activity.district,
                        "location": activity.location,
                        "organiser_capacity": activity.organiser_capacity,
                        "helper_capacity": activity.helper_capacity,
                        "counts": counts[activity.pk],
                    }
                    for activity in call.activity_list
                ],
            }
            for call in calls
        ],
    }


@router.get(
    "/{document_id}/versions/",
    response=list[VersionSummary],
    url_name="kvm_document_versions",
    operation_id="living_documents_versions_list",
    summary="De versies van een document",
    openapi_extra=operation(
        example=examples.VERSION_LIST,
        problems=(400, 404, 422),
        links={
            "version": link(
                "living_documents_versions_detail",
                "De nieuwste versie zoals die gepubliceerd werd.",
                document_id="$request.path.document_id",
                number="$response.body#/items/0/number",
            ),
            "compare": link(
                "living_documents_versions_compare",
                "Wat er veranderde tussen de twee nieuwste versies.",
                document_id="$request.path.document_id",
                old="$response.body#/items/1/number",
                new="$response.body#/items/0/number",
            ),
        },
    ),
)
@paginate(ContractPagination)
def list_versions(request: HttpRequest, document_id: int = DocumentId, **kwargs):
    """Every published version of the document, newest first, with its note and change list."""
    document = _document_or_404(document_id)
    versions = document.versions.order_by("-number").only(
        "number", "published_at", "is_major", "note", "changes", "document"
    )
    return VersionListing(document, versions)


class VersionListing:
    """A lazily sliced list of versions whose links all use the one document already fetched (no extra queries)."""

    def __init__(self, document: DocumentPage, queryset):
        self.document = document
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, items):
        versions = list(self.queryset[items])
        for version in versions:
            version.document = self.document
        return [_version_summary(version) for version in versions]


@router.get(
    "/{document_id}/versions/{number}/",
    response=VersionDetail,
    url_name="kvm_document_version",
    operation_id="living_documents_versions_detail",
    summary="Eén versie, met de volledige tekst zoals die toen gepubliceerd werd",
    openapi_extra=operation(example=examples.VERSION, problems=(404, 422)),
)
def get_version(
    request: HttpRequest,
    document_id: int = DocumentId,
    number: int = IdPath("Het versienummer."),
):
    document = _document_or_404(document_id)
    version = _version_or_404(document, number)
    version.document = document
    snapshot = version.snapshot or {}
    return {
        **_version_summary(version),
        "format": snapshot.get("schema", 1),
        "document": snapshot.get("document", {}),
        "calls": snapshot.get("calls", []),
    }


@router.get(
    "/{document_id}/versions/{old}/compare/{new}/",
    response=Comparison,
    url_name="kvm_document_compare",
    operation_id="living_documents_versions_compare",
    summary="Wat er veranderde tussen twee versies",
    openapi_extra=operation(example=examples.COMPARISON, problems=(404, 422)),
)
def compare_versions(
    request: HttpRequest,
    document_id: int = DocumentId,
    old: int = IdPath("Het nummer van de oudere versie."),
    new: int = IdPath("Het nummer van de nieuwere versie."),
):
    """The change list from `old` to `new` and the structured comparison: per item and field, per block."""
    document = _document_or_404(document_id)
    before = _version_or_404(document, old)
    after = _version_or_404(document, new)
    comparison = compare(before.snapshot, after.snapshot)
    return {
        "old": before.number,
        "new": after.number,
        "identical": comparison["identical"],
        "changes": comparison["changes"],
        "document": comparison["document"],
    }
