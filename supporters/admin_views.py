"""Admin views behind the inbox buttons: moderate a reaction, turn a suggestion into a draft activity.

Every change is a POST; GET only shows what is about to happen. The work itself is done by `services`.
"""

import csv
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pages.extensions import version_audience_choices
from pages.models import ActivityPage, CallPage

from . import services
from .imports import HeaderError, read_contact_rows
from .models import Reaction, ReactionKind, ReactionStatus, SignUpRole
from .services.moderation import REACTION_DECISIONS


class DraftActivityForm(forms.Form):
    """Where the new draft activity goes, and its title."""

    call = forms.ModelChoiceField(label=gettext_lazy("Onder call"), queryset=CallPage.objects.none())
    title = forms.CharField(label=gettext_lazy("Titel van de activiteit"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = CallPage.objects.order_by("path")
        self.fields["call"].label_from_instance = lambda call: call.heading


class SignUpFromReactionForm(forms.Form):
    """The activity (and role) an "ik wil helpen" reaction signs its sender up for."""

    activity = forms.ModelChoiceField(
        label=gettext_lazy("Voor activiteit"), queryset=ActivityPage.objects.none()
    )
    role = forms.ChoiceField(label=gettext_lazy("Rol"), choices=SignUpRole.choices, initial=SignUpRole.HELPER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = ActivityPage.objects.order_by("path")


def _inbox_url() -> str:
    return reverse("supporters_reaction_modeladmin_index")


def draft_activity_initial(reaction: Reaction) -> dict:
    """The suggestion's whole first sentence as the title (cut at a word only past 255 characters), and its call.

    The call is the one the suggestion was made on, or the call of the activity it was made on.
    """
    text = " ".join(reaction.text.split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    title = Truncator(first).chars(255) if len(first) > 255 else first
    call = None
    target = reaction.target.specific if reaction.target_id and reaction.target else None
    if isinstance(target, CallPage):
        call = target
    elif isinstance(target, ActivityPage):
        call = target.call
    return {"title": title.rstrip(". "), "call": call}


@require_http_methods(["GET", "POST"])
def reaction_review(request, pk: int):
    """One reaction: approve, reject, mark processed, or (for a suggestion) make a draft activity of it."""
    if not request.user.has_perm("supporters.change_reaction"):
        raise PermissionDenied
    reaction = get_object_or_404(
        Reaction.objects.select_related("target", "activity", "version", "contact__organisation"), pk=pk
    )
    draft_form = DraftActivityForm(initial=draft_activity_initial(reaction))
    signup_form = SignUpFromReactionForm(
        initial={"activity": reaction.target_id if isinstance(reaction.target, ActivityPage) else None}
    )
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision in REACTION_DECISIONS and reaction.status != ReactionStatus.UNCONFIRMED:
            services.reaction_moderate(reaction=reaction, decision=decision)
            messages.success(
                request, _("Reactie bijgewerkt: %(status)s.") % {"status": reaction.get_status_display()}
            )
            return redirect(_inbox_url())
        if decision == "activity":
            draft_form = DraftActivityForm(request.POST)
            if draft_form.is_valid():
                call = draft_form.cleaned_data["call"]
                if not call.permissions_for_user(request.user).can_add_subpage():
                    raise PermissionDenied
                activity = services.reaction_to_activity(
                    reaction=reaction, call=call, title=draft_form.cleaned_data["title"], user=request.user
                )
                messages.success(
                    request,
                    _("Conceptactiviteit “%(title)s” aangemaakt en aan de suggestie gekoppeld.")
                    % {"title": activity.title},
                )
                return redirect("wagtailadmin_pages:edit", activity.pk)
        elif decision == "signup" and reaction.status != ReactionStatus.UNCONFIRMED:
            if not request.user.has_perm("supporters.add_signup"):
                raise PermissionDenied
            signup_form = SignUpFromReactionForm(request.POST)
            if signup_form.is_valid():
                signup = services.reaction_to_signup(
                    reaction=reaction,
                    activity=signup_form.cleaned_data["activity"],
                    role=signup_form.cleaned_data["role"],
                )
                messages.success(
                    request,
                    _("Aanmelding voor “%(title)s” gemaakt.")
                    % {"title": signup_form.cleaned_data["activity"].title}
                    if not signup.waitlisted
                    else _("Aanmelding voor “%(title)s” gemaakt, op de wachtlijst.")
                    % {"title": signup_form.cleaned_data["activity"].title},
                )
                return redirect(_inbox_url())
        else:
            messages.error(request, _("Deze reactie kan (nog) niet beoordeeld worden."))
    return TemplateResponse(
        request,
        "supporters/admin/reaction_review.html",
        {
            "reaction": reaction,
            "draft_form": draft_form,
            "is_suggestion": reaction.kind in {ReactionKind.SUGGESTION, ReactionKind.EMAIL},
            "signup_form": signup_form,
            "can_moderate": reaction.status != ReactionStatus.UNCONFIRMED,
            "show_email": request.user.has_perm("supporters.view_supporter_email"),
            "inbox_url": _inbox_url(),
        },
    )


class ContactImportForm(forms.Form):
    """A CSV of contacts or an election list, and optionally the newsletter audience to put them in."""

    file = forms.FileField(
        label=gettext_lazy("CSV-bestand"),
        help_text=gettext_lazy(
            "Kolommen name,email,organisation,role (of naam,email,organisatie,rol); voor kieslijsten "
            "party,position,name,email,role (of partij,positie,naam,email,rol)."
        ),
    )
    audience = forms.ChoiceField(label=gettext_lazy("In doelgroep"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", gettext_lazy("(geen)")), *version_audience_choices()]


MAX_IMPORT_BYTES = 5 * 1024 * 1024
csv_errors = (csv.Error,)


@require_http_methods(["GET", "POST"])
def contacts_import_view(request):
    """Upload a CSV of contacts: the same import as `manage.py import_contacts`, with its report on screen."""
    if not (
        request.user.has_perm("supporters.add_contact") and request.user.has_perm("supporters.change_contact")
    ):
        raise PermissionDenied
    report = None
    form = ContactImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("Het bestand is groter dan 5 MB."))
        else:
            try:
                report = services.contacts_import(
                    rows=read_contact_rows(upload.file), audience=form.cleaned_data["audience"] or None
                )
            except HeaderError as error:
                form.add_error("file", str(error))
            except UnicodeDecodeError:
                form.add_error("file", _("Het bestand is geen UTF-8-tekst."))
            except csv_errors as error:
                form.add_error("file", _("Het bestand is geen leesbare CSV: %(error)s") % {"error": error})
    return TemplateResponse(
        request,
        "supporters/admin/contacts_import.html",
        {"form": form, "report": report, "contacts_url": reverse("supporters_contact_modeladmin_index")},
    )
