"""Admin view for publishing a new version of a document: one form, then the PublishVersionAction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .actions import PublishVersionAction, pending_drafts
from .extensions import version_notify_preview, version_published_links
from .forms import PublishVersionForm
from .models import DocumentPage
from .snapshots import version_preview


def publish_version(request, page_id: int):
    document = get_object_or_404(DocumentPage, pk=page_id)
    if not document.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    drafts = pending_drafts(document=document)
    notify = None

    if request.method == "POST":
        form = PublishVersionForm(request.POST, drafts=drafts)
        selected = _selected_drafts(form, drafts)
        if "preview" in request.POST:
            # "Update the preview": show the version with this choice of drafts, publish nothing.
            form = PublishVersionForm(
                initial={**request.POST.dict(), "drafts": [p.pk for p in selected]}, drafts=drafts
            )
            form.initial["note"] = request.POST.get("note", "")
            form.initial["audiences"] = request.POST.getlist("audiences")
            form.initial["is_major"] = bool(request.POST.get("is_major"))
        elif form.is_valid():
            preview = version_preview(document, publish=selected)
            if form.cleaned_data.get("audiences"):
                notify = version_notify_preview(
                    document,
                    number=preview.number,
                    audiences=form.cleaned_data["audiences"],
                    is_major=form.cleaned_data["is_major"],
                )
            if notify is not None and form.cleaned_data.get("confirmed_count") != notify[0]:
                # Not yet confirmed, or the number changed since: ask again, naming the number.
                form.data = form.data.copy()
                form.data["confirmed_count"] = notify[0]
                return _render(request, document, form, preview, drafts, selected, notify=notify)
            action = PublishVersionAction(
                document,
                note=form.cleaned_data["note"],
                user=request.user,
                audiences=form.cleaned_data.get("audiences", []),
                is_major=form.cleaned_data["is_major"],
                publish_drafts=[page.specific for page in form.cleaned_data.get("drafts", [])],
                send_at=form.cleaned_data.get("send_at"),
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
                    buttons=[messages.button(url, label) for label, url in version_published_links(version)],
                )
                return redirect(reverse("wagtailadmin_explore", args=[document.pk]))
    else:
        selected = drafts
        form = PublishVersionForm(initial={"note": "", "drafts": [page.pk for page in drafts]}, drafts=drafts)
    preview = version_preview(document, publish=selected)
    return _render(request, document, form, preview, drafts, selected)


def _render(request, document, form, preview, drafts, selected, *, notify=None):
    """The form; with `notify` (count, sentences) the step that asks to confirm the send by its number."""
    return TemplateResponse(
        request,
        "pages/admin/publish_version.html",
        {
            "page_title": _("Nieuwe versie publiceren"),
            "page_subtitle": document.title,
            "header_icon": "doc-full",
            "document": document,
            "form": form,
            "preview": preview,
            "changes": preview.changes,
            "next_number": preview.number,
            "drafts": drafts,
            "selected_drafts": selected,
            "notify_total": notify[0] if notify else None,
            "notify_lines": notify[1] if notify else [],
        },
    )


def _selected_drafts(form: PublishVersionForm, drafts: list) -> list:
    """The pending drafts ticked in a submitted form (unknown ids are ignored, as the form itself does)."""
    if "drafts" not in form.fields:
        return []
    ticked = {str(value) for value in form.data.getlist("drafts")}
    return [page for page in drafts if str(page.pk) in ticked]
