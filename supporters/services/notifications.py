"""Emails that follow a published version: "your suggestion is part of version N" and "an activity you support changed".

Each is sent at most once per person per version: rows are claimed in a short transaction (the reaction's
`notified_version`, a unique `ChangeNotice`), then the email goes out with no transaction open.
"""

import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pages.conf import pages_setting
from pages.models import ActivityStatus, DocumentVersion

from ..emails import message_send
from ..models import ChangeNotice, Endorsement, Reaction, SignUp
from ..replies import reply_address
from ..tokens import make_token

logger = logging.getLogger(__name__)

SUBSTANTIAL_KINDS = {"removed", "moved", "renamed"}
SUBSTANTIAL_STATUSES = {ActivityStatus.DROPPED, ActivityStatus.DONE}
CHANGE_PURPOSE = "change"


def version_notify(*, version: DocumentVersion) -> None:
    suggestion_notices_send(version=version)
    change_notices_send(version=version)


def _snapshot_activities(version: DocumentVersion) -> dict[int, dict]:
    return {
        activity["id"]: activity
        for call in version.snapshot.get("calls", [])
        for activity in call.get("activities", [])
    }


def suggestion_notices_send(*, version: DocumentVersion) -> int:
    """Tell each person whose suggestion (or linked reaction) is first part of this version; returns emails sent."""
    activities = _snapshot_activities(version)
    candidates = Reaction.objects.filter(
        activity_id__in=list(activities),
        notified_version__isnull=True,
        confirmed_at__isnull=False,
        email__isnull=False,
    )
    by_email: dict[str, list[int]] = defaultdict(list)
    for reaction in candidates.only("pk", "email"):
        by_email[reaction.email].append(reaction.pk)
    sent = 0
    for email, pks in by_email.items():
        with transaction.atomic():
            claimed = list(
                Reaction.objects.select_for_update()
                .filter(pk__in=pks, notified_version__isnull=True)
                .values_list("pk", "activity_id")
            )
            Reaction.objects.filter(pk__in=[pk for pk, _a in claimed]).update(notified_version=version)
        if not claimed:
            continue
        titles = list(dict.fromkeys(activities[activity_id]["title"] for _pk, activity_id in claimed))
        message_send(
            to=email,
            subject=_("Uw suggestie is onderdeel van versie %(number)s") % {"number": version.number},
            template="suggestion_included",
            context={"version": version, "version_url": version.full_url, "titles": titles},
        )
        sent += 1
    return sent


def substantial_changes(version: DocumentVersion) -> dict[int, list[dict]]:
    """Per activity id, the changes in this version that matter to its supporters (removed, moved, renamed, ended)."""
    result: dict[int, list[dict]] = defaultdict(list)
    for change in version.changes or []:
        if change.get("type") != "activity":
            continue
        kind = change.get("kind")
        if kind in SUBSTANTIAL_KINDS or (
            kind == "status" and change.get("new_status") in SUBSTANTIAL_STATUSES
        ):
            result[change["id"]].append(change)
    return dict(result)


def change_notices_send(*, version: DocumentVersion) -> int:
    """Email every supporter of a substantially changed activity once, with a link to keep, move or withdraw."""
    changes = substantial_changes(version)
    if not changes:
        return 0
    affected: dict[str, set[int]] = defaultdict(set)
    ids = list(changes)
    endorsements = Endorsement.objects.filter(Q(target_id__in=ids) | Q(former_page_id__in=ids))
    signups = SignUp.objects.filter(Q(activity_id__in=ids) | Q(former_page_id__in=ids))
    for queryset, field in ((endorsements, "target_id"), (signups, "activity_id")):
        rows = queryset.filter(confirmed_at__isnull=False, email__isnull=False)
        for email, page_id, former_page_id in rows.values_list("email", field, "former_page_id"):
            affected[email].add(page_id or former_page_id)
    sent = 0
    for email, activity_ids in sorted(affected.items()):
        try:
            with transaction.atomic():
                notice = ChangeNotice.objects.create(
                    version=version, email=email, activity_ids=sorted(activity_ids)
                )
        except IntegrityError:
            continue  # this person already had (or is getting) the email for this version
        token = make_token(CHANGE_PURPOSE, {"id": notice.pk})
        message_send(
            to=email,
            subject=_("Een activiteit die u steunt is veranderd (versie %(number)s)")
            % {"number": version.number},
            template="activity_changed",
            context={
                "version": version,
                "version_url": version.full_url,
                "changes": [change for activity_id in notice.activity_ids for change in changes[activity_id]],
                "answer_url": pages_setting("BASE_URL")
                + reverse("supporters:change", kwargs={"token": token}),
            },
            reply_to=reply_address(kind="c", pk=notice.pk),
        )
        ChangeNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
