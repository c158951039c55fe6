"""The editor's "publish new version" form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .extensions import version_audience_choices


class DraftChoiceField(forms.ModelMultipleChoiceField):
    """Pending drafts of the document, labelled with their type and title."""

    def label_from_instance(self, obj: Page) -> str:
        return f"{obj.specific_class._meta.verbose_name}: {obj.get_latest_revision_as_object().title}"


class PublishVersionForm(forms.Form):
    """What the editor confirms: the note (the change list is kept beside it), drafts, whom to tell."""

    note = forms.CharField(
        label=_("Wat is er veranderd"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Lezers zien deze tekst bij de versie; hij staat ook in de nieuwsbrief."),
    )
    drafts = DraftChoiceField(
        label=_("Concepten die eerst gepubliceerd worden"),
        queryset=Page.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_major = forms.BooleanField(
        label=_("Belangrijke versie"),
        required=False,
        help_text=_("Ook sturen aan wie alleen belangrijke versies wil ontvangen."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Versturen aan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Laat leeg om de versie alleen op de site te publiceren."),
    )

    send_at = forms.DateTimeField(
        label=_("Versturen op"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Leeg: meteen. De versie verschijnt nu; de e-mail gaat op dit tijdstip (Amsterdamse tijd)."
        ),
    )
    confirmed_count = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_send_at(self):
        when = self.cleaned_data.get("send_at")
        if when is not None and when <= timezone.now():
            raise forms.ValidationError(_("Kies een tijdstip in de toekomst, of laat het veld leeg."))
        return when

    def __init__(self, *args, drafts: list[Page] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafts"].queryset = Page.objects.filter(pk__in=[page.pk for page in drafts]).order_by(
            "path"
        )
        if not drafts:
            del self.fields["drafts"]
        choices = version_audience_choices()
        if choices:
            self.fields["audiences"].choices = choices
        else:
            del self.fields["audiences"]
            del self.fields["send_at"]
