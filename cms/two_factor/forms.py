from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the app, or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("De zes cijfers uit uw app, of een van uw reservecodes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
