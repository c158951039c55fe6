"""Audiences and the people on them, and the ledger of every mailing: who got which version, and how it went."""

from django.db import models
from django.utils.translation import gettext_lazy as _

BUILTIN_AUDIENCES = ("residents", "allies", "candidates", "party_leaders")


class Audience(models.Model):
    """A list people can be on (residents, allies, candidates …); each version is sent to one or more of them.

    The four built-in keys are stable: code and the `publish_version --notify` option refer to them.
    """

    key = models.SlugField(
        _("sleutel"),
        max_length=50,
        unique=True,
        help_text=_("Vaste korte naam, bijvoorbeeld “bewoners-oost”. Verandert niet meer."),
    )
    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(_("omschrijving"), blank=True)
    template = models.CharField(
        _("e-mailsjabloon"),
        max_length=40,
        default="full",
        help_text=_("Welke e-mail deze doelgroep krijgt: de volledige tekst of een samenvatting met links."),
    )
    is_public = models.BooleanField(
        _("open voor aanmelding"),
        default=False,
        help_text=_("Lezers kunnen zich op de site voor deze doelgroep aanmelden."),
    )
    position = models.PositiveSmallIntegerField(
        _("volgorde"),
        default=50,
        help_text=_(
            "Wie in meer doelgroepen van één verzending zit, krijgt het sjabloon van de doelgroep die het "
            "eerst komt."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("doelgroep")
        verbose_name_plural = _("doelgroepen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.key in BUILTIN_AUDIENCES


class Frequency(models.TextChoices):
    """How often a subscriber wants the newsletter."""

    EVERY = "every", _("elke nieuwe versie")
    MAJOR = "major", _("alleen belangrijke versies")


class SubscriberSource(models.TextChoices):
    """Where a subscriber came from (and so on which basis we may write to them)."""

    FORM = "form", _("aanmeldformulier")
    IMPORT = "import", _("import partnernetwerk")
    ADMIN = "admin", _("beheer")


class Subscriber(models.Model):
    """One email address that may receive the newsletter, with its consent and preferences.

    Nothing is sent before `confirmed_at` (double opt-in, or an import on a legal basis). A new form submission
    puts the request in `pending` and changes `nonce`; only the latest confirmation link applies it.
    """

    email = models.EmailField(_("e-mailadres"), max_length=254, unique=True)
    name = models.CharField(_("naam"), max_length=120, blank=True)
    frequency = models.CharField(
        _("hoe vaak"), max_length=10, choices=Frequency.choices, default=Frequency.EVERY
    )
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("overal afgemeld op"), null=True, blank=True)
    source = models.CharField(
        _("herkomst"), max_length=10, choices=SubscriberSource.choices, default=SubscriberSource.FORM
    )
    consent_wording = models.TextField(_("tekst van de toestemming"), blank=True)
    consent_at = models.DateTimeField(_("toestemming gegeven op"), null=True, blank=True)
    consent_url = models.CharField(_("pagina van de aanmelding"), max_length=500, blank=True)
    contact = models.ForeignKey(
        "supporters.Contact",
        verbose_name=_("contactpersoon"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nonce = models.CharField(max_length=32, blank=True, editable=False)
    pending = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abonnee")
        verbose_name_plural = _("abonnees")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name or _("abonnee %(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Subscription(models.Model):
    """A subscriber on an audience. An unsubscription is kept (not deleted) so that a re-import respects it."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    audience = models.ForeignKey(
        Audience, verbose_name=_("doelgroep"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    unsubscribed_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "audience"], name="newsletter_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.audience}"


class SuppressionReason(models.TextChoices):
    """Why an address is suppressed."""

    BOUNCED = "bounced", _("onbestelbaar")
    REJECTED = "rejected", _("geweigerd door de provider")
    COMPLAINED = "complained", _("als spam gemeld")
    UNSUBSCRIBED = "unsubscribed", _("afgemeld bij de provider")
    MANUAL = "manual", _("handmatig")
    ERASED = "erased", _("gegevens gewist op verzoek")


class Suppression(models.Model):
    """An address that gets nothing until it subscribes (and confirms) again."""

    email = models.EmailField(_("e-mailadres"), max_length=254, unique=True)
    reason = models.CharField(_("reden"), max_length=20, choices=SuppressionReason.choices)
    detail = models.CharField(_("toelichting"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sinds"), auto_now_add=True)

    class Meta:
        verbose_name = _("geblokkeerd adres")
        verbose_name_plural = _("geblokkeerde adressen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class MailingStatus(models.TextChoices):
    """Where a mailing is in its life: queued, sending, paused, cancelled or done."""

    QUEUED = "queued", _("in de wachtrij")
    SCHEDULED = "scheduled", _("gepland")
    SENDING = "sending", _("wordt verzonden")
    PAUSED = "paused", _("gepauzeerd")
    CANCELLED = "cancelled", _("geannuleerd")
    DONE = "done", _("verzonden")


class Mailing(models.Model):
    """The sending of one version to its audiences: at most one per version. Its deliveries are the ledger."""

    version = models.OneToOneField(
        "pages.DocumentVersion", verbose_name=_("versie"), on_delete=models.CASCADE, related_name="mailing"
    )
    audiences = models.ManyToManyField(Audience, verbose_name=_("doelgroepen"), related_name="mailings")
    status = models.CharField(
        _("status"), max_length=12, choices=MailingStatus.choices, default=MailingStatus.QUEUED
    )
    recipient_count = models.PositiveIntegerField(_("ontvangers"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    send_at = models.DateTimeField(
        _("versturen op"),
        null=True,
        blank=True,
        help_text=_(
            "Leeg: meteen. Tot de verzending begint, kan dit tijdstip nog worden verzet of geannuleerd."
        ),
    )
    frozen_at = models.DateTimeField(_("ontvangers vastgelegd op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        ordering = ["-created_at"]
        permissions = [("send_test_email", _("Kan een testmail naar zichzelf sturen"))]

    def __str__(self) -> str:
        return _("Verzending van %(version)s") % {"version": self.version}


class MailingEvent(models.Model):
    """Something that happened to a mailing that an editor should be able to read back: the watchdog's decisions
    after a sender died, a planned start moved or cancelled."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    message = models.CharField(_("gebeurtenis"), max_length=500)

    class Meta:
        verbose_name = _("gebeurtenis van een verzending")
        verbose_name_plural = _("gebeurtenissen van verzendingen")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.message}"


class DeliveryStatus(models.TextChoices):
    """The ledger's explicit statuses of one recipient of one mailing."""

    PENDING = "pending", _("wacht")
    SENDING = "sending", _("wordt overgedragen")
    SENT = "sent", _("verzonden")
    FAILED = "failed", _("mislukt")
    SUPPRESSED = "suppressed", _("niet verzonden (afgemeld of geblokkeerd)")
    UNCERTAIN = "uncertain", _("onzeker")


class Delivery(models.Model):
    """One recipient of one mailing: the row that makes "each person once per version" hold.

    A batch is claimed in a short transaction (`batch`, `claimed_until`), marked `sending` just before it is
    handed to the provider, and recorded afterwards. `since_number` is the last version this address received
    before this one (None: first time), fixed when the recipients are frozen.
    """

    # Indexed by the claim index (which starts with it): no index of its own.
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    email = models.EmailField(_("e-mailadres"), max_length=254)
    name = models.CharField(_("naam"), max_length=120, blank=True)
    audience = models.ForeignKey(
        Audience, verbose_name=_("doelgroep"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    since_number = models.PositiveIntegerField(_("vorige ontvangen versie"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    batch = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    provider_message_id = models.CharField(_("bericht-id bij de provider"), max_length=255, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("ontvanger")
        verbose_name_plural = _("ontvangers")
        ordering = ["id"]
        constraints = [
            # Address first: it is also the index for "what did this address receive" (the freeze's
            # `since_number`, personal data). With the mailing first, the planner, trusting an empty table's
            # statistics, scanned the whole index per address in a first mailing's INSERT … SELECT — whose own new
            # rows it was growing: quadratic, two minutes for 100,000 recipients.
            models.UniqueConstraint(fields=["email", "mailing"], name="newsletter_delivery_once_per_mailing"),
        ]
        indexes = [
            models.Index(
                fields=["mailing", "status", "audience", "since_number", "id"],
                name="newsletter_delivery_claim",
            ),
            models.Index(fields=["provider_message_id"], name="newsletter_delivery_msgid"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.pk} ({self.status})"


# Stored as a TrackingEvent's `event_type` in place of anymail's "bounced" when the provider says the failure is
# temporary (see `feedback.bounce_kind`); the delivery report counts it apart from hard bounces.
SOFT_BOUNCE = "soft_bounced"


class TrackingEvent(models.Model):
    """A provider's report about a message (delivered, bounced, complained …), processed once per event id."""

    esp = models.CharField(_("provider"), max_length=40)
    event_id = models.CharField(_("gebeurtenis-id"), max_length=255)
    event_type = models.CharField(_("soort"), max_length=40)
    recipient = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    message_id = models.CharField(_("bericht-id"), max_length=255, blank=True)
    delivery_ref = models.CharField(max_length=40, blank=True, editable=False)
    description = models.CharField(_("omschrijving"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("tijdstip"), null=True, blank=True)
    delivery = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    processed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding van de provider")
        verbose_name_plural = _("meldingen van de provider")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["esp", "event_id"], name="newsletter_trackingevent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.esp} {self.event_type} {self.event_id}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    REACTION = "reaction", _("reactie in de inbox")
    IGNORED = "ignored", _("genegeerd")


class InboundIgnoreReason(models.TextChoices):
    AUTO_REPLY = "auto_reply", _("automatisch antwoord of afwezigheidsbericht")
    BOUNCE = "bounce", _("onbestelbaar of afleverrapport")
    OWN_ADDRESS = "own_address", _("van ons eigen adres")
    TOO_LARGE = "too_large", _("te groot")
    NO_SENDER = "no_sender", _("geen afzender")
    EMPTY = "empty", _("geen nieuwe tekst")
    RATE_LIMITED = "rate_limited", _("te veel berichten van deze afzender")
    SPAM = "spam", _("spam volgens de provider")


class InboundMessage(models.Model):
    """One email received through the provider's inbound webhook, stored once, then processed by id.

    The body is kept only until it is processed (it becomes the reaction's text, or is dropped); attachments are
    never stored, only their names and sizes.
    """

    esp = models.CharField(_("provider"), max_length=40)
    message_key = models.CharField(_("bericht-id"), max_length=255, unique=True)
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    from_name = models.CharField(_("naam afzender"), max_length=200, blank=True)
    from_email = models.EmailField(_("afzender"), max_length=254, null=True, blank=True, db_index=True)
    recipient = models.CharField(_("aan"), max_length=254, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    body_text = models.TextField(blank=True, editable=False)
    body_html = models.TextField(blank=True, editable=False)
    headers = models.JSONField(default=dict, blank=True, editable=False)
    attachments = models.JSONField(_("bijlagen (niet bewaard)"), default=list, blank=True)
    size = models.PositiveIntegerField(_("grootte (bytes)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    ignore_reason = models.CharField(
        _("reden"), max_length=20, choices=InboundIgnoreReason.choices, blank=True
    )
    reaction = models.ForeignKey(
        "supporters.Reaction",
        verbose_name=_("reactie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("ontvangen e-mail")
        verbose_name_plural = _("ontvangen e-mails")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.esp} {self.message_key} ({self.status})"
