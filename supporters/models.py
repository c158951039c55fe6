"""The partner network: organisations and the contacts in them. (Endorsements, sign-ups and reactions follow.)"""

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
