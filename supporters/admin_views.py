"""Admin views behind the inbox buttons: moderate a reaction, turn a suggestion into a draft activity.

Every change is a POST; GET only shows what is about to happen. The work itself is done by `services`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pages.models import CallPage

from . import services
from .models import Reaction, ReactionKind, ReactionStatus
from .services.moderation import REACTION_DECISIONS


class DraftActivityForm(forms.Form):
    """Where the new draft activity goes, and its title."""

    call = forms.ModelChoiceField(label=gettext_lazy("Onder call"), queryset=CallPage.objects.none())
    title = forms.CharField(label=gettext_lazy("Titel van de activiteit"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = CallPage.objects.order_by("path")
        self.fields["call"].label_from_instance = lambda call: call.heading


def _inbox_url() -> str:
    return reverse("supporters_reaction_modeladmin_index")


@require_http_methods(["GET", "POST"])
def reaction_review(request, pk: int):
    """One reaction: approve, reject, mark processed, or (for a suggestion) make a draft activity of it."""
    if not request.user.has_perm("supporters.change_reaction"):
        raise PermissionDenied
    reaction = get_object_or_404(Reaction.objects.select_related("target", "activity"), pk=pk)
    draft_form = DraftActivityForm(initial={"title": reaction.text[:80]})
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
        else:
            messages.error(request, _("Deze reactie kan (nog) niet beoordeeld worden."))
    return TemplateResponse(
        request,
        "supporters/admin/reaction_review.html",
        {
            "reaction": reaction,
            "draft_form": draft_form,
            "is_suggestion": reaction.kind == ReactionKind.SUGGESTION,
            "can_moderate": reaction.status != ReactionStatus.UNCONFIRMED,
            "show_email": request.user.has_perm("supporters.view_supporter_email"),
            "inbox_url": _inbox_url(),
        },
    )
