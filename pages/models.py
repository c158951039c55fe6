"""The living document as Wagtail pages (document → call → activity) and its published versions."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import CallBodyBlock
from .conf import pages_setting
from .extensions import extend_page_context, public_counts

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\u00c0-\u024f\"'‘“(])")


def first_sentence(html_text: str, limit: int = 240) -> str:
    """The first sentence of a piece of HTML as plain text, shortened at a word when it runs long."""
    text = " ".join(strip_tags(html_text).split())
    text = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    return Truncator(text).chars(limit) if len(text) > limit else text


class SeoDescriptionMixin:
    """A meta description for every page: the editor's search description, else the page's first sentence."""

    def description_source(self) -> str:
        return ""

    @cached_property
    def meta_description(self) -> str:
        return self.search_description or first_sentence(self.description_source(), limit=160)


class PublicCountsMixin:
    """Gives a page the public counts other apps keep about it (endorsements, sign-ups) for the headless API."""

    @property
    def public_counts(self) -> dict[str, int]:
        return public_counts([self])[self.pk]


class DocumentPage(SeoDescriptionMixin, PublicCountsMixin, RoutablePageMixin, Page):
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

    subpage_types = ["pages.CallPage", "pages.InfoPage"]
    template = "pages/document_page.html"
    create_title = _("Nieuw levend document")

    class Meta:
        verbose_name = _("levend document")
        verbose_name_plural = _("levende documenten")

    def description_source(self) -> str:
        return self.intro

    def path_on_site(self) -> str:
        """The document's path on its site ("/" when it is the home page), independent of the request host."""
        url_parts = self.get_url_parts()
        return url_parts[2] if url_parts else self.url_path

    def full_url_for(self, path: str = "") -> str:
        """An absolute link to the document (or a route under it) with the public address, for emails."""
        return pages_setting("BASE_URL") + self.path_on_site() + path.lstrip("/")

    def get_context(self, request, *args, **kwargs):
        from .selectors import document_outline
        from .views import version_line

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = document_outline(document=self)
        context.update(version_line(request, self, outline=context["outline"]))
        context["changed_ids"] = changed_page_ids(context["latest_version"])
        return extend_page_context(request, self, context)

    def get_sitemap_urls(self, request=None):
        """The document, and its activities overview and version history as pages of their own."""
        urls = super().get_sitemap_urls(request)
        if urls:
            base = urls[0]["location"]
            for route in ("activities", "versions"):
                urls.append({**urls[0], "location": base + self.reverse_subpage(route).lstrip("/")})
        return urls

    @path("activiteiten/", name="activities")
    def activities_view(self, request):
        from .views import activity_overview

        return activity_overview(request, self)

    @path("zoeken/", name="search")
    def search_view(self, request):
        from .views import site_search

        return site_search(request, self)

    @re_path(r"^versies/(?P<number>[0-9]{1,9})/pdf/$", name="version_pdf")
    def version_pdf_view(self, request, number):
        from .views import version_pdf

        return version_pdf(request, self, number)

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

    @re_path(r"^versies/(?P<first>[0-9]{1,9})\.\.\.nu/$", name="compare_live")
    def compare_live_view(self, request, first):
        from .views import version_compare

        return version_compare(request, self, first, "nu")


class CallPage(SeoDescriptionMixin, PublicCountsMixin, Page):
    """One call to action of a document, numbered within it; its activities are its child pages."""

    number = models.PositiveSmallIntegerField(
        _("nummer"), help_text=_("Het nummer van de call binnen het document.")
    )
    summary = models.CharField(
        _("korte samenvatting"),
        max_length=300,
        blank=True,
        help_text=_("Eén of twee zinnen onder de titel in het document; leeg: de eerste zin van de tekst."),
    )
    body = StreamField(CallBodyBlock(), verbose_name=_("tekst"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("number"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body"), index.FilterField("number")]
    api_fields = [APIField("number"), APIField("heading"), APIField("body"), APIField("public_counts")]

    parent_page_types = ["pages.DocumentPage"]
    subpage_types = ["pages.ActivityPage"]
    template = "pages/call_page.html"
    create_title = _("Nieuwe call to action")

    class Meta:
        verbose_name = _("call to action")
        verbose_name_plural = _("calls to action")

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    def description_source(self) -> str:
        return self.summary or (str(self.body.render_as_block()) if self.body else "")

    @cached_property
    def short_summary(self) -> str:
        """The editor's summary, else the first sentence of the call's text: what a reader sees at a glance."""
        return self.summary or first_sentence(str(self.body.render_as_block()) if self.body else "")

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
        from .views import version_line

        context = super().get_context(request, *args, **kwargs)
        context["document"] = self.get_parent().specific
        context["activities"] = list(call_activities(call=self))
        context.update(version_line(request, context["document"]))
        return extend_page_context(request, self, context)


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("gepland")
    PREPARING = "preparing", _("in voorbereiding")
    RUNNING = "running", _("loopt")
    DONE = "done", _("afgerond")
    DROPPED = "dropped", _("vervallen")


class ActivityPage(SeoDescriptionMixin, PublicCountsMixin, Page):
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
        InlinePanel("event_parts", heading=_("Onderdelen van de bijeenkomsten"), label=_("onderdeel")),
        InlinePanel("events", heading=_("Bijeenkomsten"), label=_("bijeenkomst")),
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
    create_title = _("Nieuwe activiteit")

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    def description_source(self) -> str:
        return self.description

    @cached_property
    def short_description(self) -> str:
        """The first sentence of the description, for cards."""
        return first_sentence(self.description, limit=200)

    @property
    def needs_summary(self) -> str:
        """What the activity needs, people and means, on one line."""
        return "; ".join(
            " ".join(part.split()) for part in (self.needs_people, self.needs_means) if part.strip()
        )

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
        from .views import version_line

        context["call"] = call
        context["document"] = DocumentPage.objects.parent_of(call).get()
        context.update(version_line(request, context["document"]))
        context["events"] = self.upcoming_events()
        return extend_page_context(request, self, context)

    def upcoming_events(self) -> list:
        """The activity's events that have not ended, with their public counts (for its page)."""
        from .events.selectors import upcoming_events, with_counts

        return with_counts(upcoming_events(activity_id=self.pk))


def changed_page_ids(version: "DocumentVersion | None") -> set[int]:
    """The pages (calls, activities) a version's change list names: they carry "Gewijzigd in versie N"."""
    if version is None:
        return set()
    return {change["id"] for change in version.changes or [] if isinstance(change.get("id"), int)}


class InfoPage(SeoDescriptionMixin, Page):
    """A plain page the editors keep (about us, contact, privacy statement, colophon), linked from the footer.

    Pages with "show in menus" also appear in the main navigation.
    """

    body = RichTextField(_("tekst"), features=[*RICH_TEXT_FEATURES, "h2"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [APIField("body")]

    parent_page_types = ["pages.DocumentPage"]
    subpage_types: list[str] = []
    template = "pages/info_page.html"
    create_title = _("Nieuwe informatiepagina")

    class Meta:
        verbose_name = _("informatiepagina")
        verbose_name_plural = _("informatiepagina's")

    def description_source(self) -> str:
        return self.body


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

    @property
    def pdf_url(self) -> str:
        """The PDF of this version (the pleidooi on paper), relative to the site."""
        return self.document.path_on_site() + self.document.reverse_subpage("version_pdf", args=[self.number])

    @property
    def pdf_full_url(self) -> str:
        return pages_setting("BASE_URL") + self.pdf_url


class RemovedActivity(models.Model):
    """An activity address that a version dropped, written when the version is cut.

    The 404 handler looks an unknown address up here (one indexed query) instead of reading old snapshots.
    """

    document = models.ForeignKey(DocumentPage, on_delete=models.CASCADE, related_name="removed_activities")
    path = models.CharField(_("adres"), max_length=1000, unique=True)
    activity_id = models.PositiveIntegerField(_("pagina-id"))
    title = models.CharField(_("titel"), max_length=255)
    call_number = models.PositiveSmallIntegerField(_("callnummer"), null=True, blank=True)
    call_title = models.CharField(_("call"), max_length=255, blank=True)
    last_version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("laatste versie met")
    )
    removed_in = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("verwijderd in")
    )
    moved_to = models.CharField(
        _("nieuw adres"),
        max_length=1000,
        blank=True,
        help_text=_("Het adres van de activiteit als alleen haar adres veranderde."),
    )

    class Meta:
        verbose_name = _("verwijderde activiteit")
        verbose_name_plural = _("verwijderde activiteiten")

    def __str__(self) -> str:
        return f"{self.title} ({self.path})"


from .events.models import District, Event, EventChange, EventPart, EventState  # noqa: E402  (events belong here)

__all__ = [
    "ActivityPage",
    "ActivityStatus",
    "CallPage",
    "District",
    "DocumentPage",
    "DocumentVersion",
    "Event",
    "EventChange",
    "EventPart",
    "EventState",
    "RemovedActivity",
]
