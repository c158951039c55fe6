"""The living document as Wagtail pages (document → call → activity) and its published versions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import CallBodyBlock
from .conf import pages_setting
from .extensions import extend_page_context, public_counts

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class PublicCountsMixin:
    """Gives a page the public counts other apps keep about it (endorsements, sign-ups) for the headless API."""

    @property
    def public_counts(self) -> dict[str, int]:
        return public_counts([self])[self.pk]


class DocumentPage(PublicCountsMixin, RoutablePageMixin, Page):
    """A living document: an article whose calls to action and activities change, published in versions."""

    intro = RichTextField(_("inleiding"), features=RICH_TEXT_FEATURES, blank=True)
    closing_title = models.CharField(_("titel slotstuk"), max_length=120, default="Tot slot")
    closing = RichTextField(_("slotstuk"), features=RICH_TEXT_FEATURES, blank=True)
    contact_text = models.CharField(
        _("contactregel"),
        max_length=255,
        blank=True,
        default="Reageren, of u melden om een activiteit te organiseren of mee uit te voeren, kan via",
        help_text=_("De zin vóór het e-mailadres waarop lezers kunnen reageren."),
    )
    contact_email = models.EmailField(_("contactadres"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        HelpPanel(
            content=_(
                "De calls to action zijn de subpagina's van dit document; de activiteiten staan onder een call."
            )
        ),
        MultiFieldPanel([FieldPanel("closing_title"), FieldPanel("closing")], heading=_("Slot")),
        FieldRowPanel([FieldPanel("contact_text"), FieldPanel("contact_email")], heading=_("Contact")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("closing")]
    api_fields = [
        APIField("intro"),
        APIField("closing_title"),
        APIField("closing"),
        APIField("contact_text"),
        APIField("contact_email"),
        APIField("public_counts"),
    ]

    subpage_types = ["pages.CallPage"]
    template = "pages/document_page.html"

    class Meta:
        verbose_name = _("levend document")
        verbose_name_plural = _("levende documenten")

    def path_on_site(self) -> str:
        """The document's path on its site ("/" when it is the home page), independent of the request host."""
        url_parts = self.get_url_parts()
        return url_parts[2] if url_parts else self.url_path

    def full_url_for(self, path: str = "") -> str:
        """An absolute link to the document (or a route under it) with the public address, for emails."""
        return pages_setting("BASE_URL") + self.path_on_site() + path.lstrip("/")

    def get_context(self, request, *args, **kwargs):
        from .selectors import document_outline, latest_version

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = document_outline(document=self)
        context["latest_version"] = latest_version(document=self)
        context["versions_url"] = self.get_url(request) + self.reverse_subpage("versions")
        return extend_page_context(request, self, context)

    @path("versies/", name="versions")
    def versions_view(self, request):
        from .views import version_history

        return version_history(request, self)

    @path("versies/feed/", name="feed")
    def feed_view(self, request):
        from .views import version_feed

        return version_feed(request, self)

    @re_path(r"^versies/(?P<number>[0-9]{1,9})/$", name="version")
    def version_view(self, request, number):
        from .views import version_detail

        return version_detail(request, self, number)

    @re_path(r"^versies/(?P<first>[0-9]{1,9})\.\.\.(?P<second>[0-9]{1,9})/$", name="compare")
    def compare_view(self, request, first, second):
        from .views import version_compare

        return version_compare(request, self, first, second)


class CallPage(PublicCountsMixin, Page):
    """One call to action of a document, numbered within it; its activities are its child pages."""

    number = models.PositiveSmallIntegerField(
        _("nummer"), help_text=_("Het nummer van de call binnen het document.")
    )
    body = StreamField(CallBodyBlock(), verbose_name=_("tekst"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("number"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body"), index.FilterField("number")]
    api_fields = [APIField("number"), APIField("heading"), APIField("body"), APIField("public_counts")]

    parent_page_types = ["pages.DocumentPage"]
    subpage_types = ["pages.ActivityPage"]
    template = "pages/call_page.html"

    class Meta:
        verbose_name = _("call to action")
        verbose_name_plural = _("calls to action")

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.pk else getattr(self, "_parent_for_validation", None)
        if parent is None or self.number is None:
            return
        siblings = CallPage.objects.child_of(parent).filter(number=self.number)
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        if siblings.exists():
            raise ValidationError(
                {"number": _("Dit document heeft al een call met nummer %(n)s.") % {"n": self.number}}
            )

    def get_context(self, request, *args, **kwargs):
        from .selectors import call_activities

        context = super().get_context(request, *args, **kwargs)
        context["document"] = self.get_parent().specific
        context["activities"] = list(call_activities(call=self))
        return extend_page_context(request, self, context)


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("gepland")
    PREPARING = "preparing", _("in voorbereiding")
    RUNNING = "running", _("loopt")
    DONE = "done", _("afgerond")
    DROPPED = "dropped", _("vervallen")


class ActivityPage(PublicCountsMixin, Page):
    """A planned activity under a call: what, its status, what it needs, when and where."""

    description = RichTextField(_("beschrijving"), features=RICH_TEXT_FEATURES, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    needs_people = models.TextField(_("nodig aan mensen"), blank=True)
    needs_means = models.TextField(_("nodig aan middelen"), blank=True)
    starts_on = models.DateField(_("datum"), null=True, blank=True)
    ends_on = models.DateField(_("einddatum"), null=True, blank=True)
    when_text = models.CharField(
        _("wanneer (vrije tekst)"),
        max_length=255,
        blank=True,
        help_text=_(
            'Een periode of ritme, bijvoorbeeld "rond begin maart 2022" of "maandelijks, door de weeks".'
        ),
    )
    district = models.CharField(_("stadsdeel of wijk"), max_length=120, blank=True)
    location = models.CharField(_("locatie"), max_length=255, blank=True)
    organiser_capacity = models.PositiveIntegerField(
        _("maximum aantal organisatoren"), null=True, blank=True, help_text=_("Leeg: geen maximum.")
    )
    helper_capacity = models.PositiveIntegerField(
        _("maximum aantal helpers"), null=True, blank=True, help_text=_("Leeg: geen maximum.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("status"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("needs_people"), FieldPanel("needs_means")], heading=_("Wat is er nodig")
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]), FieldPanel("when_text")],
            heading=_("Wanneer"),
        ),
        FieldRowPanel([FieldPanel("district"), FieldPanel("location")], heading=_("Waar")),
        FieldRowPanel(
            [FieldPanel("organiser_capacity"), FieldPanel("helper_capacity")], heading=_("Aanmeldingen")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("district"),
        index.SearchField("location"),
        index.FilterField("status"),
    ]
    api_fields = [
        APIField("status"),
        APIField("description"),
        APIField("needs_people"),
        APIField("needs_means"),
        APIField("starts_on"),
        APIField("ends_on"),
        APIField("when_text"),
        APIField("when"),
        APIField("district"),
        APIField("location"),
        APIField("where"),
        APIField("organiser_capacity"),
        APIField("helper_capacity"),
        APIField("public_counts"),
    ]

    parent_page_types = ["pages.CallPage"]
    subpage_types: list[str] = []
    template = "pages/activity_page.html"

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("De einddatum ligt vóór de begindatum.")})

    @property
    def when(self) -> str:
        """When, as a reader would say it: the free text, else the date or the period between two dates."""
        if self.when_text:
            return self.when_text
        if self.starts_on and self.ends_on:
            return f"{date_format(self.starts_on, 'j F Y')} – {date_format(self.ends_on, 'j F Y')}"
        if self.starts_on:
            return date_format(self.starts_on, "j F Y")
        return ""

    @property
    def where(self) -> str:
        return ", ".join(part for part in (self.location, self.district) if part)

    @cached_property
    def call(self) -> "CallPage":
        return CallPage.objects.parent_of(self).get()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        call = self.call
        context["call"] = call
        context["document"] = DocumentPage.objects.parent_of(call).get()
        return extend_page_context(request, self, context)


class DocumentVersion(models.Model):
    """A numbered, dated, immutable snapshot of a whole document: the public record of what changed when."""

    document = models.ForeignKey(DocumentPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versienummer"))
    published_at = models.DateTimeField(_("gepubliceerd op"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("wat is er veranderd"))
    is_major = models.BooleanField(
        _("belangrijke versie"),
        default=False,
        help_text=_("Lezers die alleen belangrijke versies willen, krijgen deze."),
    )
    snapshot = models.JSONField(_("inhoud"))
    changes = models.JSONField(_("wijzigingen"), default=list, blank=True)
    audiences = models.JSONField(_("verzonden aan"), default=list, blank=True)

    class Meta:
        verbose_name = _("versie")
        verbose_name_plural = _("versies")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="pages_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="pages_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} — versie {self.number}"

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def url(self) -> str:
        """The permanent link to this version, relative to the site."""
        return self.document.path_on_site() + self.document.reverse_subpage("version", args=[self.number])

    @property
    def full_url(self) -> str:
        """The permanent link with the public address (BASE_URL), for emails and feeds."""
        return pages_setting("BASE_URL") + self.url
