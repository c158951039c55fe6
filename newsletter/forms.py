"""Forms readers use: subscribe (with the supporters' abuse protection), preferences, ask for a preference link."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from pages.models import DocumentPage
from supporters.protection import ProtectedForm

from .models import Audience, Frequency
from .render import email_template_choices

CONSENT_WORDING = _(
    "Ik wil de nieuwsbrief van Kracht van Mokum ontvangen. Mijn naam en e-mailadres worden alleen daarvoor "
    "gebruikt en niet gedeeld; ik kan me met één klik afmelden."
)


class SubscribeForm(ProtectedForm):
    """Subscribe to one or more public audiences; the address is confirmed by a link before anything is sent.

    `audience_choices` avoids a query where the choice is fixed (the form on the document offers residents).
    """

    name = forms.CharField(label=_("Naam (mag leeg blijven)"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    audiences = forms.MultipleChoiceField(
        label=_("Ik wil de nieuwsbrief als"), widget=forms.CheckboxSelectMultiple, required=True
    )
    frequency = forms.ChoiceField(
        label=_("Hoe vaak"),
        choices=Frequency.choices,
        initial=Frequency.EVERY,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label=CONSENT_WORDING, required=True)

    def __init__(self, *args, audience_choices: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if audience_choices is None:
            audience_choices = list(Audience.objects.filter(is_public=True).values_list("key", "name"))
        self.fields["audiences"].choices = audience_choices
        if len(audience_choices) == 1:
            self.fields["audiences"].widget = forms.MultipleHiddenInput()
            self.initial.setdefault("audiences", [audience_choices[0][0]])

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data.get("name", "").split())


class PreferencesForm(forms.Form):
    """Which audiences (of those offered to this subscriber) and how often."""

    audiences = forms.MultipleChoiceField(
        label=_("Ik wil de nieuwsbrief als"), widget=forms.CheckboxSelectMultiple, required=False
    )
    frequency = forms.ChoiceField(label=_("Hoe vaak"), choices=Frequency.choices, widget=forms.RadioSelect)

    def __init__(self, *args, audiences: list[Audience], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audiences"].choices = [(audience.key, audience.name) for audience in audiences]


class PreferencesLinkForm(ProtectedForm):
    """Ask for a new preference link by email (for a lost or expired one)."""

    email = forms.EmailField(label=_("E-mailadres"), max_length=254)


class AudienceAdminForm(WagtailAdminModelForm):
    """The audience form in the admin: the template is one of the configured email templates."""

    template = forms.ChoiceField(label=_("E-mailsjabloon"), choices=email_template_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_builtin:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("Deze vaste doelgroep houdt haar sleutel.")


class PreviewForm(forms.Form):
    """What the editor wants to preview: which document, as which audience, as a first-time reader or not."""

    document = forms.ModelChoiceField(label=_("Document"), queryset=None)
    audience = forms.ModelChoiceField(label=_("Doelgroep"), queryset=Audience.objects.all())
    first_time = forms.BooleanField(label=_("Als nieuwe lezer (met introductie)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = DocumentPage.objects.all().order_by("title")


MAX_TEST_ADDRESSES = 5


class TestSendForm(PreviewForm):
    """The preview's choices plus up to five addresses the test mail goes to (the editor's own by default)."""

    to = forms.CharField(
        label=_("Testmail naar"),
        max_length=1300,
        help_text=_("Eén tot vijf e-mailadressen, gescheiden door komma's."),
    )

    def clean_to(self) -> list[str]:
        import re

        from django.core.validators import validate_email

        addresses = [
            part.strip().lower() for part in re.split(r"[,;\s]+", self.cleaned_data["to"]) if part.strip()
        ]
        addresses = list(dict.fromkeys(addresses))
        if not addresses:
            raise forms.ValidationError(_("Vul minstens één e-mailadres in."))
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise forms.ValidationError(
                _("Hoogstens %(max)s adressen per testmail.") % {"max": MAX_TEST_ADDRESSES}
            )
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(address)s” is geen e-mailadres.") % {"address": address}
                ) from error
        return addresses
