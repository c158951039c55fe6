"""Events belong to activities: orderable children of an ActivityPage, so they travel in the page's revisions.

`EventState` and `EventChange` are deliberately not part of the page's cluster: publishing an old revision
rewrites the event rows, but never what subscribed calendars and registrants were already told.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable


class District(models.Model):
    """A district (stadsdeel) events take place in; an editable list, seeded with Amsterdam's eight."""

    name = models.CharField(_("naam"), max_length=80, unique=True)
    slug = models.SlugField(_("korte naam (in links)"), max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("stadsdeel")
        verbose_name_plural = _("stadsdelen")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


def _clock(value) -> str:
    return time_format(value, "H.i")


class EventPart(Orderable):
    """A part of an activity's events that people register for on its own ("dialoogsessie", "borrel")."""

    activity = ParentalKey("pages.ActivityPage", on_delete=models.CASCADE, related_name="event_parts")
    name = models.CharField(_("naam"), max_length=80)
    starts = models.TimeField(_("begint om"))
    ends = models.TimeField(_("eindigt om"), null=True, blank=True, help_text=_("Leeg: open einde."))
    capacity = models.PositiveIntegerField(
        _("maximum aantal plaatsen"), null=True, blank=True, help_text=_("Leeg: geen maximum.")
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends"), FieldPanel("capacity")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("onderdeel")
        verbose_name_plural = _("onderdelen")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """As the document says it: "dialoogsessie 19.30–20.30", "borrel vanaf 20.30"."""
        if self.ends:
            return f"{self.name} {_clock(self.starts)}–{_clock(self.ends)}"
        return f"{self.name} {_('vanaf')} {_clock(self.starts)}"


class Event(Orderable):
    """One dated occurrence of an activity: when, where (or online), in which district, for how many people.

    Occurrences of a series share `series`; each can be moved or cancelled on its own like any other event.
    """

    activity = ParentalKey("pages.ActivityPage", on_delete=models.CASCADE, related_name="events")
    title = models.CharField(
        _("titel"),
        max_length=200,
        blank=True,
        help_text=_("Leeg: de titel van de activiteit, met het stadsdeel."),
    )
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    district = models.ForeignKey(
        District,
        verbose_name=_("stadsdeel"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    place_name = models.CharField(_("plaats (naam)"), max_length=200, blank=True)
    address = models.CharField(_("adres"), max_length=255, blank=True)
    online_url = models.URLField(_("online (link)"), blank=True)
    capacity = models.PositiveIntegerField(
        _("maximum aantal plaatsen"),
        null=True,
        blank=True,
        help_text=_("Voor een bijeenkomst zonder onderdelen. Leeg: geen maximum."),
    )
    cancelled = models.BooleanField(_("afgelast"), default=False)
    series = models.CharField(_("reeks"), max_length=40, blank=True, editable=False)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("district"),
        MultiFieldPanel(
            [FieldPanel("place_name"), FieldPanel("address"), FieldPanel("online_url")], heading=_("Waar")
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("cancelled")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        indexes = [models.Index(fields=["starts_at"], name="pages_event_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="pages_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_title} — {date_format(self.local_start, 'j F Y')}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("Het einde ligt vóór het begin.")})

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        title = self.activity.title if self.activity_id else ""
        return f"{title} — {self.district.name}" if self.district_id and self.district else title

    @property
    def local_start(self):
        from django.utils import timezone

        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):
        from django.utils import timezone

        return timezone.localtime(self.ends_at)

    @property
    def when(self) -> str:
        """ "do 10 maart 2022 19.30–21.30" (both ends on one day) or the two full moments."""
        start, end = self.local_start, self.local_end
        if start.date() == end.date():
            return f"{date_format(start, 'D j F Y')} {_clock(start)}–{_clock(end)}"
        return (
            f"{date_format(start, 'D j F Y')} {_clock(start)} – {date_format(end, 'D j F Y')} {_clock(end)}"
        )

    @property
    def where(self) -> str:
        place = ", ".join(part for part in (self.place_name, self.address) if part)
        return place or self.online_url


class EventState(models.Model):
    """What calendars and registrants were last told about an event: its SEQUENCE and published description."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="state")
    sequence = models.PositiveIntegerField(default=0)
    description = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gepubliceerde stand van een bijeenkomst")
        verbose_name_plural = _("gepubliceerde standen van bijeenkomsten")

    def __str__(self) -> str:
        return f"{self.event_id} (SEQUENCE {self.sequence})"


class EventChange(models.Model):
    """One published change of an event's time, place or status that registrants must hear about, once each."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveIntegerField()
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wijziging van een bijeenkomst")
        verbose_name_plural = _("wijzigingen van bijeenkomsten")
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="pages_event_change_once_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} (SEQUENCE {self.sequence})"
