"""The official candidate lists (Kiesraad EML_NL 230b), candidates' commitments per call pinned to a version, the
ledgers of "asked again" mails and daily digests, and the written responses to party programmes.

Loaded by `newsletter.outreach.models`, with the same app label (see there). Party = `supporters.Organisation` of kind "political party", so that contacts
imported from a CSV and the lists imported from the Kiesraad meet on the same row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class Election(models.Model):
    """One election as the Kiesraad's candidate lists describe it (ElectionIdentifier)."""

    identifier = models.CharField(_("kenmerk"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    category = models.CharField(_("soort"), max_length=20, blank=True)
    domain = models.CharField(_("gebied"), max_length=200, blank=True)
    date = models.DateField(_("verkiezingsdatum"), null=True, blank=True)
    imported_at = models.DateTimeField(_("laatst ingelezen"), auto_now=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("verkiezing")
        verbose_name_plural = _("verkiezingen")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.name


class PartyList(models.Model):
    """A party's list in one election: its list number, registered name and, optionally, the secretariat's
    address that gets the party's mail while none of its candidates has an address."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="lists")
    number = models.PositiveSmallIntegerField(_("lijstnummer"))
    registered_name = models.CharField(_("geregistreerde naam"), max_length=200)
    slug = models.SlugField(_("adres op de site"), max_length=80)
    organisation = models.ForeignKey(
        "supporters.Organisation",
        verbose_name=_("partij"),
        on_delete=models.PROTECT,
        related_name="election_lists",
    )
    contact_email = models.EmailField(
        _("e-mailadres van het partijsecretariaat"),
        blank=True,
        help_text=_(
            "Krijgt de e-mail aan de kandidaten van deze partij zolang geen kandidaat een adres heeft."
        ),
    )
    on_ballot = models.BooleanField(_("op het stembiljet"), default=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("kandidatenlijst")
        verbose_name_plural = _("kandidatenlijsten")
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "organisation"], name="newsletter_partylist_party"),
            models.UniqueConstraint(fields=["election", "slug"], name="newsletter_partylist_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.registered_name}"


def dutch_full_name(*, initials: str, first_name: str, prefix: str, last_name: str) -> str:
    """The name as the Kiesraad prints it: "A.B.C. (Annemieke) Oorschot", "C.P.M. (Charèl) van der Spek"."""
    parts = [initials, f"({first_name})" if first_name else "", prefix, last_name]
    return " ".join(part for part in parts if part)


def dutch_name(*, initials: str, first_name: str, prefix: str, last_name: str) -> str:
    """The name as people say it: "Charèl van der Spek" (initials when there is no first name)."""
    return " ".join(part for part in (first_name or initials, prefix, last_name) if part)


class Candidate(models.Model):
    """A person on a party's list. Email addresses are not in the official lists: `contact` is empty ("nog geen
    adres") until the CSV import or an editor adds one."""

    party_list = models.ForeignKey(PartyList, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveSmallIntegerField(_("plaats op de lijst"), null=True, blank=True)
    initials = models.CharField(_("voorletters"), max_length=40, blank=True)
    first_name = models.CharField(_("roepnaam"), max_length=100, blank=True)
    prefix = models.CharField(_("tussenvoegsel"), max_length=40, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=150)
    locality = models.CharField(_("woonplaats"), max_length=150, blank=True)
    on_list = models.BooleanField(_("op de lijst"), default=True)
    contact = models.ForeignKey(
        "supporters.Contact",
        verbose_name=_("contactpersoon"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidacies",
    )

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("kandidaat")
        verbose_name_plural = _("kandidaten")
        ordering = ["party_list", "position", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_list", "position"],
                condition=Q(position__isnull=False),
                name="newsletter_candidate_one_per_position",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def _parts(self) -> dict[str, str]:
        return {
            "initials": self.initials,
            "first_name": self.first_name,
            "prefix": self.prefix,
            "last_name": self.last_name,
        }

    @property
    def full_name(self) -> str:
        return dutch_full_name(**self._parts())

    @property
    def name(self) -> str:
        return dutch_name(**self._parts())


class Stance(models.TextChoices):
    """A candidate's position on one call to action."""

    SUPPORT = "support", _("Ik steun deze call")
    PARTLY = "partly", _("Gedeeltelijk")
    NO = "no", _("Nee")


class Commitment(models.Model):
    """A candidate's stance on one call, pinned to the version they read. A later answer becomes the current one;
    earlier ones stay as history (one current per candidate and call, in the database)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="commitments")
    call_id = models.PositiveIntegerField(_("call (pagina)"), db_index=True)
    version = models.ForeignKey(
        "pages.DocumentVersion", verbose_name=_("versie"), on_delete=models.CASCADE, related_name="+"
    )
    stance = models.CharField(_("standpunt"), max_length=10, choices=Stance.choices)
    explanation = models.TextField(_("toelichting"), max_length=1000, blank=True)
    publish_name = models.BooleanField(_("mag met naam op de site"), default=False)
    is_current = models.BooleanField(_("huidig standpunt"), default=True)
    answered_at = models.DateTimeField(_("beantwoord op"), auto_now_add=True, db_index=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("standpunt over een call")
        verbose_name_plural = _("standpunten over calls")
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "call_id"],
                condition=Q(is_current=True),
                name="newsletter_commitment_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} / {self.call_id}: {self.stance}"


class CommitmentRequest(models.Model):
    """The one "this call changed, do you still stand by your answer?" mail per candidate per version."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="requests")
    version = models.ForeignKey("pages.DocumentVersion", on_delete=models.CASCADE, related_name="+")
    call_ids = models.JSONField(_("calls"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    last_error = models.TextField(_("fout"), blank=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("hernieuwde vraag om een standpunt")
        verbose_name_plural = _("hernieuwde vragen om een standpunt")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "version"], name="newsletter_commitmentrequest_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} / v{self.version_id}"


class CommitmentDigest(models.Model):
    """The one daily digest of new commitments: claimed per day, so it goes at most once a day."""

    day = models.DateField(_("dag"), unique=True)
    since = models.DateTimeField(_("nieuw sinds"))
    until = models.DateTimeField(_("tot"))
    commitments = models.PositiveIntegerField(_("nieuwe standpunten"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("dagelijks overzicht van standpunten")
        verbose_name_plural = _("dagelijkse overzichten van standpunten")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class CommitmentDigestDelivery(models.Model):
    """One digest to one subscriber, claimed before sending (never twice, even when the task runs again)."""

    digest = models.ForeignKey(CommitmentDigest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey("newsletter.Subscriber", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="newsletter_digestdelivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.digest_id} / {self.subscriber_id}"


class ProgrammeResponsePage(Page):
    """Kracht van Mokum's written response to one party's election programme: a page with revisions, shown on the
    party's overview page and linked from the outreach mail to that party. It lives in `newsletter` because its
    party is a `supporters.Organisation`, which `pages` may not know."""

    party = models.ForeignKey(
        "supporters.Organisation",
        verbose_name=_("partij"),
        on_delete=models.PROTECT,
        related_name="programme_responses",
        limit_choices_to={"kind": "political_party"},
    )
    programme_url = models.URLField(_("link naar het verkiezingsprogramma"), max_length=500)
    response = RichTextField(_("onze reactie"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    response_date = models.DateField(_("datum van de reactie"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("party"),
        FieldPanel("programme_url"),
        FieldPanel("response_date"),
        FieldPanel("response"),
    ]
    api_fields = []
    subpage_types: list[str] = []
    template = "newsletter/outreach/programme_response_page.html"

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("reactie op een verkiezingsprogramma")
        verbose_name_plural = _("reacties op verkiezingsprogramma's")
