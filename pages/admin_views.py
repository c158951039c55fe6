"""Admin view for publishing a new version of a document: one form, then the PublishVersionAction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .actions import PublishVersionAction, pending_drafts
from .forms import PublishVersionForm
from .models import DocumentPage
from .selectors import latest_version
from .versioning import compute_changes, draft_note, take_snapshot


def publish_version(request, page_id: int):
    document = get_object_or_404(DocumentPage, pk=page_id)
    if not document.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    drafts = pending_drafts(document=document)
    previous = latest_version(document=document)
    changes = compute_changes(previous.snapshot if previous else None, take_snapshot(document=document))

    if request.method == "POST":
        form = PublishVersionForm(request.POST, drafts=drafts)
        if form.is_valid():
            action = PublishVersionAction(
                document,
                note=form.cleaned_data["note"],
                user=request.user,
                audiences=form.cleaned_data.get("audiences", []),
                is_major=form.cleaned_data["is_major"],
                publish_drafts=[page.specific for page in form.cleaned_data.get("drafts", [])],
            )
            try:
                version = action.execute()
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Versie %(number)s van “%(title)s” is gepubliceerd.")
                    % {"number": version.number, "title": document.title},
                )
                return redirect(reverse("wagtailadmin_explore", args=[document.pk]))
    else:
        initial_note = draft_note(changes) if previous else _("Eerste versie.")
        form = PublishVersionForm(
            initial={"note": initial_note, "drafts": [page.pk for page in drafts]}, drafts=drafts
        )

    return TemplateResponse(
        request,
        "pages/admin/publish_version.html",
        {
            "page_title": _("Nieuwe versie publiceren"),
            "page_subtitle": document.title,
            "header_icon": "doc-full",
            "document": document,
            "form": form,
            "changes": changes,
            "next_number": (previous.number + 1) if previous else 1,
            "drafts": drafts,
        },
    )
