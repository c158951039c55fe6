"""The public forms. Each shows its consent wording, which is stored with the submission exactly as shown."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WEB_REACTION_KINDS, ReactionKind, SignUpRole, Visibility
from .protection import ProtectedForm

ENDORSE_CONSENT = _(
    "Ik geef Kracht van Mokum toestemming mijn naam, e-mailadres en (als ik die invul) organisatie en boodschap "
    "te bewaren om mijn steun te tellen en, zoals ik hierboven kies, te tonen. Ik kan dit altijd laten "
    "verwijderen."
)
SIGNUP_CONSENT = _(
    "Ik geef Kracht van Mokum toestemming mijn naam, e-mailadres en beschikbaarheid te bewaren en door te geven "
    "aan wie deze activiteit organiseert, om contact met mij op te nemen. Ik kan dit altijd laten verwijderen."
)
REACTION_CONSENT = _(
    "Ik geef Kracht van Mokum toestemming mijn reactie, naam en e-mailadres te bewaren om haar te beoordelen, "
    "mij te laten weten wat ermee gebeurt en haar, na goedkeuring, te tonen zoals ik hierboven kies."
)


class ConsentForm(ProtectedForm):
    """A protected public form with a required consent box; `consent_text` is the exact wording shown."""

    consent_wording = ""
    # HTML ids are "<id_prefix>-<field>", so several forms can share one page.
    id_prefix = "kvm"

    consent = forms.BooleanField(required=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_wording

    @property
    def consent_text(self) -> str:
        return str(self.consent_wording)


class EndorseForm(ConsentForm):
    """Endorse ("steun betuigen") a document, call or activity."""

    consent_wording = ENDORSE_CONSENT
    id_prefix = "endorse"

    name = forms.CharField(label=_("Naam"), max_length=120)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, help_text=_("Wordt nooit getoond."))
    organisation_name = forms.CharField(label=_("Organisatie (optioneel)"), max_length=200, required=False)
    on_behalf = forms.BooleanField(
        label=_("Ik steun namens deze organisatie (als contactpersoon van die organisatie)"), required=False
    )
    message = forms.CharField(
        label=_("Korte boodschap (optioneel, verschijnt na goedkeuring door de redactie)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    visibility = forms.ChoiceField(
        label=_("Hoe mogen wij uw steun tonen?"),
        choices=Visibility.choices,
        initial=Visibility.FULL_NAME,
        widget=forms.RadioSelect,
    )
    field_order = ["name", "email", "organisation_name", "on_behalf", "message", "visibility", "consent"]


class SignUpForm(ConsentForm):
    """Offer to organise or help carry out an activity."""

    consent_wording = SIGNUP_CONSENT
    id_prefix = "signup"

    name = forms.CharField(label=_("Naam"), max_length=120)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, help_text=_("Wordt nooit getoond."))
    role = forms.ChoiceField(
        label=_("Ik meld mij aan als"),
        choices=SignUpRole.choices,
        initial=SignUpRole.HELPER,
        widget=forms.RadioSelect,
    )
    availability = forms.CharField(
        label=_("Wanneer kunt u? (optioneel)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    field_order = ["name", "email", "role", "availability", "consent"]


class ReactionForm(ConsentForm):
    """React, or suggest an activity; an editor reads it before anything of it is public."""

    consent_wording = REACTION_CONSENT
    id_prefix = "reaction"

    kind = forms.ChoiceField(
        label=_("Wat wilt u doen?"),
        choices=[(kind.value, kind.label) for kind in WEB_REACTION_KINDS],
        initial=ReactionKind.REACTION,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Uw reactie of suggestie"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    name = forms.CharField(label=_("Naam (optioneel)"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_(
            "Om uw reactie te bevestigen en u te laten weten wat ermee gebeurt. Wordt nooit getoond."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Als de redactie uw reactie plaatst, tonen wij"),
        choices=[
            (Visibility.FULL_NAME, _("mijn naam")),
            (Visibility.INITIALS, _("mijn initialen")),
            (Visibility.COUNT_ONLY, _("geen naam")),
        ],
        initial=Visibility.INITIALS,
        widget=forms.RadioSelect,
    )
    field_order = ["kind", "text", "name", "email", "visibility", "consent"]


class DataRequestForm(ProtectedForm):
    """Ask for an export or erasure of what is stored about an address; the links go to that address."""

    email = forms.EmailField(label=_("E-mailadres"), max_length=254)


CHANGE_ACTIONS = [
    ("keep", _("Behouden")),
    ("move", _("Verplaatsen naar een andere activiteit")),
    ("withdraw", _("Intrekken")),
]


class ChangeItemForm(forms.Form):
    """The answer for one affected endorsement or sign-up in a change notice."""

    action = forms.ChoiceField(
        label=_("Wat wilt u doen?"), choices=CHANGE_ACTIONS, initial="keep", widget=forms.RadioSelect
    )
    move_to = forms.TypedChoiceField(label=_("Naar activiteit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {activity.pk: activity for activity in activities}
        self.fields["move_to"].choices = [("", "—"), *((a.pk, a.title) for a in activities)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "move":
            target = self.activities.get(cleaned.get("move_to"))
            if target is None:
                self.add_error("move_to", _("Kies de activiteit waarnaar u wilt verplaatsen."))
            cleaned["move_to"] = target
        return cleaned


REGISTRATION_CONSENT = _(
    "Ik geef Kracht van Mokum toestemming mijn naam en e-mailadres te bewaren om mijn aanmelding te bevestigen, "
    "mij een herinnering en wijzigingen van deze bijeenkomst te sturen en de organisatoren een presentielijst te "
    "geven. Ik kan mij altijd afmelden en dit laten verwijderen."
)
MAX_GUESTS = 5


class RegistrationForm(ConsentForm):
    """Register for an event (some or all of its parts), without an account; confirmed by email."""

    consent_wording = REGISTRATION_CONSENT
    id_prefix = "rsvp"

    name = forms.CharField(label=_("Naam"), max_length=120)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, help_text=_("Wordt nooit getoond."))
    parts = forms.MultipleChoiceField(
        label=_("Ik kom naar"), required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.IntegerField(
        label=_("Ik neem introducés mee (aantal)"),
        min_value=0,
        max_value=MAX_GUESTS,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_GUESTS, "inputmode": "numeric"}),
    )
    field_order = ["name", "email", "parts", "guests", "consent"]

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.event_parts = list(event.activity.event_parts.all()) if event is not None else []
        if self.event_parts:
            self.fields["parts"].choices = [(str(part.pk), part.label) for part in self.event_parts]
            self.fields["parts"].required = True
            self.fields["parts"].error_messages["required"] = _("Kies ten minste één onderdeel.")
            self.initial.setdefault("parts", [str(part.pk) for part in self.event_parts])
        elif event is not None:
            del self.fields["parts"]

    def clean_guests(self):
        return self.cleaned_data.get("guests") or 0

    def clean(self):
        cleaned = super().clean()
        if self.event is not None and self.event.cancelled:
            raise forms.ValidationError(_("Deze bijeenkomst gaat niet door; aanmelden kan niet meer."))
        if self.event is not None and self.event.ends_at < timezone.now():
            raise forms.ValidationError(_("Deze bijeenkomst is al voorbij; aanmelden kan niet meer."))
        return cleaned

    @property
    def chosen_parts(self) -> list:
        """The chosen parts (EventPart objects); empty when the event has no parts (the event as a whole)."""
        chosen = set(self.cleaned_data.get("parts") or [])
        return [part for part in self.event_parts if str(part.pk) in chosen]
