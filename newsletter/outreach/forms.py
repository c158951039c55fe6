"""Forms of the outreach: a candidate's or party leader's answer, and the editor's reminder planning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..conf import newsletter_setting
from .candidate_models import Stance
from .models import AnswerChoice


class AnswerForm(forms.Form):
    """The answer page: the answer the link proposed (changeable), an optional message and preferred contact,
    and whether their name may be shown on the site."""

    answer = forms.ChoiceField(label=_("Uw antwoord"), choices=AnswerChoice.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Bericht (mag leeg blijven)"), max_length=2000, required=False, widget=forms.Textarea
    )
    preferred_contact = forms.CharField(
        label=_("Hoe neemt u liefst contact op? (telefoon, e-mail, naam van een contactpersoon)"),
        max_length=200,
        required=False,
    )
    show_name = forms.BooleanField(
        label=_("Mijn naam en partij mogen op de site staan bij wie ja zei"), required=False
    )

    def _clean_text(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())

    def clean_message(self) -> str:
        return self._clean_text("message")

    def clean_preferred_contact(self) -> str:
        return " ".join(self._clean_text("preferred_contact").split())


class ReminderForm(forms.Form):
    """When the reminder goes: this many days after the mailing was sent."""

    days = forms.IntegerField(
        label=_("Herinnering na (dagen)"),
        min_value=0,
        max_value=365,
        initial=lambda: newsletter_setting("REMINDER_AFTER_DAYS"),
    )


class CommitmentForm(forms.Form):
    """A candidate's position on one call: support, partly or not, why (optional), and whether it may be
    published with their name."""

    stance = forms.ChoiceField(label=_("Uw standpunt"), choices=Stance.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Toelichting (mag leeg blijven, hoogstens 1.000 tekens)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"maxlength": 1000, "rows": 5}),
    )
    publish_name = forms.BooleanField(
        label=_("Mijn toelichting mag met mijn naam op de site staan"), required=False
    )

    def clean_explanation(self) -> str:
        value = self.cleaned_data.get("explanation", "")
        return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()
