"""Publishing a version of a document: one class, so the admin, the command line and code behave the same."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from .extensions import version_audience_choices
from .models import DocumentPage, DocumentVersion, RemovedActivity
from .signals import version_published
from .snapshots import version_preview
from .versioning import removed_paths

logger = logging.getLogger(__name__)

LOG_ACTION = "pages.publish_version"


def pending_drafts(*, document: DocumentPage) -> list[Page]:
    """Pages of the document (itself included) whose latest revision is not live yet."""
    pages = Page.objects.descendant_of(document, inclusive=True).filter(has_unpublished_changes=True)
    return list(pages.order_by("path").specific())


class PublishVersionAction:
    """Publishes selected drafts of a document and cuts its next numbered version, in one transaction.

    `check()` raises PermissionDenied or ValidationError; `execute()` does the work and returns the version.
    If the version cannot be cut, none of the drafts went live. The `version_published` signal goes out after
    the transaction commits, so receivers see the version.
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
        send_at: dt.datetime | None = None,
        skip_permission_check: bool = False,
    ):
        self.document = document
        self.note = (note or "").strip()
        self.user = user
        self.audiences = list(dict.fromkeys(a.strip() for a in audiences if a and a.strip()))
        self.is_major = is_major
        self.publish_drafts = list(publish_drafts)
        self.published_at = published_at
        self.send_at = send_at  # passed on with the signal: when the notification should go (None: now)
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

    def _cut(self, document: DocumentPage) -> DocumentVersion:
        previous = DocumentVersion.objects.filter(document=document).order_by("-number").first()
        version = version_preview(document, published_at=self.published_at)
        version.published_by = self.user
        version.note = self.note
        version.is_major = self.is_major
        version.audiences = self.audiences
        version.save(force_insert=True)
        self._record_removed(document, previous, version)
        log(
            instance=document,
            action=LOG_ACTION,
            user=self.user,
            data={"number": version.number, "note": self.note[:500], "audiences": self.audiences},
        )
        return version

    @staticmethod
    def _record_removed(
        document: DocumentPage, previous: DocumentVersion | None, version: DocumentVersion
    ) -> None:
        """Remember every activity address this version dropped, and forget those it brought back."""
        present = [
            activity["path"]
            for call in version.snapshot.get("calls", [])
            for activity in call["activities"]
            if activity.get("path")
        ]
        RemovedActivity.objects.filter(path__in=present).delete()
        gone = removed_paths(previous.snapshot if previous else None, version.snapshot)
        for path, marker in gone.items():
            RemovedActivity.objects.update_or_create(
                path=path,
                defaults={
                    "document": document,
                    "activity_id": marker["activity"]["id"],
                    "title": marker["activity"]["title"][:255],
                    "call_number": marker["call"].get("number"),
                    "call_title": marker["call"].get("title", "")[:255],
                    "last_version": previous,
                    "removed_in": version,
                    "moved_to": marker["moved_to"],
                },
            )

    def execute(self) -> DocumentVersion:
        self.check()
        with transaction.atomic():
            # Serialise concurrent publishers of one document on PostgreSQL; the unique constraint is the guard
            # everywhere (SQLite serialises writers itself).
            list(Page.objects.select_for_update().filter(pk=self.document.pk).values_list("pk", flat=True))
            self._publish_drafts()
            document = DocumentPage.objects.get(pk=self.document.pk)
            for attempt in range(1, self.max_attempts + 1):
                try:
                    with transaction.atomic():
                        version = self._cut(document)
                    break
                except IntegrityError:
                    # Another editor took this number between our read and write: take the next one.
                    if attempt == self.max_attempts:
                        raise
                    logger.info("Version number taken for document %s, retrying (%s)", document.pk, attempt)
            audiences, send_at = self.audiences, self.send_at
            transaction.on_commit(
                lambda: version_published.send(
                    sender=DocumentVersion, version=version, audiences=audiences, send_at=send_at
                )
            )
        return version
