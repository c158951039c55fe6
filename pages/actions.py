"""Publishing a version of a document: one class, so the admin, the command line and code behave the same."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from .extensions import version_audience_choices
from .models import DocumentPage, DocumentVersion
from .signals import version_published
from .versioning import compute_changes, take_snapshot

logger = logging.getLogger(__name__)

LOG_ACTION = "pages.publish_version"


def pending_drafts(*, document: DocumentPage) -> list[Page]:
    """Pages of the document (itself included) whose latest revision is not live yet."""
    pages = Page.objects.descendant_of(document, inclusive=True).filter(has_unpublished_changes=True)
    return list(pages.order_by("path").specific())


class PublishVersionAction:
    """Publishes selected drafts of a document, then cuts its next numbered version and announces it.

    `check()` raises PermissionDenied or ValidationError; `execute()` does the work and returns the version.
    The `version_published` signal goes out after the transaction commits, so receivers see the version.
    """

    max_attempts = 5

    def __init__(
        self,
        document: DocumentPage,
        *,
        note: str,
        user=None,
        audiences: Iterable[str] = (),
        is_major: bool = False,
        publish_drafts: Iterable[Page] = (),
        published_at: dt.datetime | None = None,
        skip_permission_check: bool = False,
    ):
        self.document = document
        self.note = (note or "").strip()
        self.user = user
        self.audiences = list(dict.fromkeys(a.strip() for a in audiences if a and a.strip()))
        self.is_major = is_major
        self.publish_drafts = list(publish_drafts)
        self.published_at = published_at
        self.skip_permission_check = skip_permission_check

    def check(self) -> None:
        if not self.skip_permission_check:
            if self.user is None or not self.document.permissions_for_user(self.user).can_publish():
                raise PermissionDenied(_("U mag van dit document geen versie publiceren."))
            for page in self.publish_drafts:
                if not page.permissions_for_user(self.user).can_publish():
                    raise PermissionDenied(_("U mag “%(title)s” niet publiceren.") % {"title": page.title})
        if not self.note:
            raise ValidationError({"note": _("Beschrijf wat er veranderd is.")})
        known = {key for key, _label in version_audience_choices()}
        unknown = [key for key in self.audiences if key not in known]
        if unknown:
            raise ValidationError(
                {"audiences": _("Onbekende doelgroep(en): %(keys)s.") % {"keys": ", ".join(unknown)}}
            )
        for page in self.publish_drafts:
            if not page.is_descendant_of(self.document) and page.pk != self.document.pk:
                raise ValidationError(_("“%(title)s” hoort niet bij dit document.") % {"title": page.title})

    def _publish_drafts(self) -> None:
        for page in self.publish_drafts:
            revision = page.get_latest_revision()
            if revision is not None and page.has_unpublished_changes:
                revision.publish(user=self.user)

    def _cut(self) -> DocumentVersion:
        with transaction.atomic():
            # Serialise concurrent publishers of one document on PostgreSQL; the unique constraint is the guard
            # everywhere (SQLite serialises writers itself).
            list(Page.objects.select_for_update().filter(pk=self.document.pk).values_list("pk", flat=True))
            previous = DocumentVersion.objects.filter(document=self.document).order_by("-number").first()
            number = (
                DocumentVersion.objects.filter(document=self.document).aggregate(n=Max("number"))["n"] or 0
            ) + 1
            snapshot = take_snapshot(document=self.document)
            version = DocumentVersion.objects.create(
                document=self.document,
                number=number,
                published_at=self.published_at or timezone.now(),
                published_by=self.user,
                note=self.note,
                is_major=self.is_major,
                snapshot=snapshot,
                changes=compute_changes(previous.snapshot if previous else None, snapshot),
                audiences=self.audiences,
            )
            log(
                instance=self.document,
                action=LOG_ACTION,
                user=self.user,
                data={"number": number, "note": self.note[:500], "audiences": self.audiences},
            )
            transaction.on_commit(
                lambda: version_published.send(
                    sender=DocumentVersion, version=version, audiences=self.audiences
                )
            )
        return version

    def execute(self) -> DocumentVersion:
        self.check()
        self._publish_drafts()
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._cut()
            except IntegrityError:
                # Another editor took this number between our read and write: take the next one.
                if attempt == self.max_attempts:
                    raise
                logger.info("Version number taken for document %s, retrying (%s)", self.document.pk, attempt)
        raise AssertionError("unreachable")
