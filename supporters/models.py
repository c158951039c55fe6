"""The partner network (organisations, contacts) and what readers do: endorse, sign up, react."""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COALITION_PARTNER = "coalition_partner", _("coalitiepartner")
    ALLY = "ally", _("bondgenoot")
    CIVIL_SOCIETY = "civil_society", _("maatschappelijke organisatie")
    POLITICAL_PARTY = "political_party", _("politieke partij")


class Organisation(models.Model):
    """An organisation in the partner network: a coalition partner, an ally, a civil-society organisation or a party."""

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(
        _("soort"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.ALLY
    )
    website = models.URLField(_("website"), blank=True)
    district = models.CharField(_("stadsdeel of wijk"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "kind", name="supporters_organisation_unique_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactRole(models.TextChoices):
    RESIDENT = "resident", _("bewoner")
    CANDIDATE = "candidate", _("kandidaat")
    PARTY_LEADER = "party_leader", _("fractieleider")
    CIVIL_SERVANT = "civil_servant", _("ambtenaar")
    PRESS = "press", _("pers")
    OTHER = "other", _("anders")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("toestemming")
    LEGITIMATE_INTEREST = "legitimate_interest", _("gerechtvaardigd belang (publieke functie)")
    CONTRACT = "contract", _("samenwerkingsafspraak")


class Contact(models.Model):
    """A person in the partner network, with the legal basis on which we may contact them."""

    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    role = models.CharField(_("rol"), max_length=20, choices=ContactRole.choices, default=ContactRole.OTHER)
    position = models.PositiveSmallIntegerField(
        _("plaats op de lijst"),
        null=True,
        blank=True,
        help_text=_("Voor kandidaten: hun plaats op de kieslijst."),
    )
    legal_basis = models.CharField(
        _("grondslag"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.LEGITIMATE_INTEREST
    )
    notes = models.TextField(_("notities"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name"]
        permissions = [("view_contact_email", _("Kan e-mailadressen van contactpersonen zien"))]
        constraints = [models.UniqueConstraint(Lower("email"), name="supporters_contact_unique_email")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


# --- What readers do: endorse, sign up, react. Every row waits for double opt-in before it counts. ---


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class Visibility(models.TextChoices):
    FULL_NAME = "name", _("met mijn volledige naam")
    INITIALS = "initials", _("alleen met mijn initialen")
    COUNT_ONLY = "count", _("alleen meetellen, niet tonen")


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("wacht op beoordeling")
    APPROVED = "approved", _("goedgekeurd")
    REJECTED = "rejected", _("afgewezen")


class Consent(models.Model):
    """Proof of consent for one submission: the exact wording shown, when, and on which page."""

    email = models.EmailField(_("e-mailadres"), max_length=254, blank=True, db_index=True)
    purpose = models.CharField(_("doel"), max_length=40)
    wording = models.TextField(_("getoonde tekst"))
    source_url = models.CharField(_("pagina"), max_length=500, blank=True)
    given_at = models.DateTimeField(_("gegeven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.purpose} — {self.given_at:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """What every public submission shares: who (until erased), consent, and the double opt-in state.

    `email` is stored normalised (stripped, lower case) and becomes NULL on erasure, so anonymous rows still count.
    `nonce` changes with every (re)submission; a confirmation link carries it, so only the latest link confirms.
    """

    name = models.CharField(_("naam"), max_length=120, blank=True)
    email = models.EmailField(_("e-mailadres"), max_length=254, null=True, blank=True)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("toestemming"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("ingestuurd op"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Endorsement(Submission):
    """Support ("steun") for a document, call or activity by a person, or by an organisation through its contact."""

    target = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("steunt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the target page is deleted, so its supporters can still be told what happened to it.
    former_page_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False, db_index=True)
    organisation_name = models.CharField(_("organisatie (zoals opgegeven)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("namens organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="endorsements",
        help_text=_("Gezet wanneer een contactpersoon van de organisatie de steun namens haar bevestigde."),
    )
    on_behalf = models.BooleanField(_("namens de organisatie"), default=False)
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=10, choices=Visibility.choices, default=Visibility.COUNT_ONLY
    )
    message = models.TextField(_("boodschap"), max_length=500, blank=True)
    message_status = models.CharField(
        _("boodschap"), max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )

    class Meta:
        verbose_name = _("steunbetuiging")
        verbose_name_plural = _("steunbetuigingen")
        ordering = ["-created_at"]
        permissions = [
            ("view_supporter_email", _("Kan e-mailadressen van steunbetuigers en reageerders zien"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "target"], name="supporters_endorsement_once_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('(anoniem)')} → {self.target.title if self.target_id else '—'}"


class SignUpRole(models.TextChoices):
    ORGANISER = "organiser", _("organisator")
    HELPER = "helper", _("helper")


class SignUp(Submission):
    """A person offering to organise or help carry out an activity; beyond the role's capacity, a waiting list."""

    activity = models.ForeignKey(
        "pages.ActivityPage",
        verbose_name=_("activiteit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the activity page is deleted, so the people signed up can still be told what happened to it.
    former_page_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False, db_index=True)
    role = models.CharField(_("rol"), max_length=10, choices=SignUpRole.choices, default=SignUpRole.HELPER)
    availability = models.TextField(_("beschikbaarheid"), max_length=500, blank=True)
    waitlisted = models.BooleanField(_("op de wachtlijst"), default=False)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "activity"], name="supporters_signup_once_per_activity"),
        ]

    def __str__(self) -> str:
        activity = self.activity.title if self.activity_id else "—"
        return f"{self.name or _('(anoniem)')} → {activity} ({self.get_role_display()})"


class ReactionKind(models.TextChoices):
    REACTION = "reaction", _("reactie")
    SUGGESTION = "suggestion", _("suggestie voor een activiteit")
    EMAIL = "email", _("per e-mail")


# What a reader chooses on the site; EMAIL is only ever set for a reaction that arrived by mail.
WEB_REACTION_KINDS = (ReactionKind.REACTION, ReactionKind.SUGGESTION)


class ReactionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("nog niet bevestigd")
    NEW = "new", _("nieuw")
    APPROVED = "approved", _("goedgekeurd (openbaar)")
    REJECTED = "rejected", _("afgewezen")
    PROCESSED = "processed", _("verwerkt")


class Reaction(Submission):
    """A reader's reaction or suggested activity, for the editors' inbox; public only once an editor approves it.

    `activity` links it to the activity it became (or that an editor linked it to); when a published version first
    contains that activity, the person hears so once (`notified_version`).
    """

    target = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("over"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("soort"), max_length=12, choices=ReactionKind.choices, default=ReactionKind.REACTION
    )
    text = models.TextField(_("tekst"), max_length=2000)
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=10, choices=Visibility.choices, default=Visibility.INITIALS
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReactionStatus.choices, default=ReactionStatus.UNCONFIRMED
    )
    activity = models.ForeignKey(
        "pages.ActivityPage",
        verbose_name=_("gekoppelde activiteit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_version = models.ForeignKey(
        "pages.DocumentVersion",
        verbose_name=_("gemeld bij versie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    editor_note = models.TextField(_("notitie van de redactie"), blank=True)
    # Emailed reactions (kind EMAIL): what the mail answered, as its signed Reply-To address said.
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    version = models.ForeignKey(
        "pages.DocumentVersion",
        verbose_name=_("antwoord op versie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("antwoord van contactpersoon"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reactions",
    )
    # Attachments are never stored: only their names and sizes, so the editor knows there were some.
    attachments = models.JSONField(_("bijlagen (niet bewaard)"), default=list, blank=True)

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ChangeNotice(models.Model):
    """The ledger of "an activity you support changed" emails: one row per address per version, never two."""

    version = models.ForeignKey("pages.DocumentVersion", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    activity_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wijzigingsbericht")
        verbose_name_plural = _("wijzigingsberichten")
        constraints = [
            models.UniqueConstraint(fields=["version", "email"], name="supporters_change_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.version_id}"


# --- Registrations for events (the agenda): like sign-ups, double opt-in, capacity per part, a waiting list. ---


class EventRegistration(Submission):
    """One person (and their guests) coming to an event, for one or more of its parts; counts once confirmed.

    `cancelled_at` is set when they cancel through the link in any of our emails; `reminded_at` when the reminder
    24 hours before went out (claimed before sending, so never twice).
    """

    event = models.ForeignKey(
        "pages.Event",
        verbose_name=_("bijeenkomst"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    guests = models.PositiveSmallIntegerField(_("introducés"), default=0)
    language = models.CharField(_("taal"), max_length=10, blank=True)
    cancelled_at = models.DateTimeField(_("afmelding voor bijeenkomst op"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("aanmelding voor een bijeenkomst")
        verbose_name_plural = _("aanmeldingen voor bijeenkomsten")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "event"], name="supporters_registration_once_per_event"),
            models.CheckConstraint(condition=models.Q(guests__lte=20), name="supporters_registration_guests"),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('(anoniem)')} → {self.event_id}"

    @property
    def places(self) -> int:
        return 1 + self.guests

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.cancelled_at is None


class RegistrationPart(models.Model):
    """A registration's place in one part of the event (`part` empty: the event as a whole), or on its waiting list."""

    registration = models.ForeignKey(EventRegistration, on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey(
        "pages.EventPart",
        verbose_name=_("onderdeel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    waitlisted = models.BooleanField(_("op de wachtlijst"), default=False)
    promoted_at = models.DateTimeField(_("van de wachtlijst op"), null=True, blank=True)

    class Meta:
        verbose_name = _("onderdeel van een aanmelding")
        verbose_name_plural = _("onderdelen van aanmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "part"],
                name="supporters_registration_part_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.part_id or '-'}{' (wachtlijst)' if self.waitlisted else ''}"


class EventNotice(models.Model):
    """The ledger of "your event changed" emails: one row per registration per change, never two."""

    registration = models.ForeignKey(EventRegistration, on_delete=models.CASCADE, related_name="notices")
    change = models.ForeignKey("pages.EventChange", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wijzigingsbericht bijeenkomst")
        verbose_name_plural = _("wijzigingsberichten bijeenkomsten")
        constraints = [
            models.UniqueConstraint(fields=["registration", "change"], name="supporters_event_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} — {self.change_id}"
