"""What mailbox providers ask of bulk senders, and one mailing's delivery report measured against it.

No queries here: `selectors.mailing_delivery_report` fills a `DeliveryReport` in a fixed number of them, and the
mailing's admin page shows it, its timeline drawn by `report_chart` as plain SVG bars (no script, no inline style).

The thresholds and where they come from (README, "Delivery report"): spam complaints as Google's email sender
guidelines and Yahoo's sender best practices state them since February 2024 (stay below 0.1 %, never reach
0.3 %); hard bounces, for which no mailbox provider publishes a number, a warning from 2 % (the limit sending
services commonly give for a healthy list) and "too high" from 5 %, where Amazon SES puts an account under review.
"""

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from anymail.signals import EventType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SOFT_BOUNCE

# line of the report → the stored event types (anymail's, and SOFT_BOUNCE) that put a recipient on it
EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "delivered": (EventType.DELIVERED,),
    "hard_bounced": (EventType.BOUNCED, EventType.REJECTED),
    "soft_bounced": (SOFT_BOUNCE,),
    "complained": (EventType.COMPLAINED,),
    "unsubscribed": (EventType.UNSUBSCRIBED,),
}


class Standing(models.TextChoices):
    """Where a figure stands against its threshold, in words: the page never says it by colour alone."""

    OK = "ok", gettext_lazy("in orde")
    WARNING = "warning", gettext_lazy("let op")
    OVER = "over", gettext_lazy("te hoog")


def percent(share: Fraction | None, *, decimals: int = 2) -> str:
    """A share as the reader's language writes a percentage ("0,10 %", "0.10%"); "—" when there is none."""
    if share is None:
        return "—"
    return _("%(number)s %%") % {"number": number_format(float(share * 100), decimal_pos=decimals)}


@dataclass(frozen=True)
class Threshold:
    """A limit on a share of the sent mail: aim below `warning`, never reach `over`. `wording` names who sets it,
    with %(aim)s and %(limit)s where the two percentages go."""

    warning: Fraction
    over: Fraction
    wording: str

    def standing(self, share: Fraction | None) -> Standing | None:
        """Exact (no rounding): 1 in 1,000 is 0.1 % and so no longer below 0.1 %. None when nothing was sent."""
        if share is None:
            return None
        if share >= self.over:
            return Standing.OVER
        if share >= self.warning:
            return Standing.WARNING
        return Standing.OK

    def describe(self) -> str:
        def short(value: Fraction) -> str:
            return percent(value, decimals=0 if (value * 100).denominator == 1 else 1)

        return str(self.wording) % {"aim": short(self.warning), "limit": short(self.over)}


COMPLAINTS = Threshold(
    warning=Fraction(1, 1000),
    over=Fraction(3, 1000),
    wording=gettext_lazy("Google en Yahoo (2024): onder %(aim)s blijven, nooit %(limit)s of meer"),
)
HARD_BOUNCES = Threshold(
    warning=Fraction(2, 100),
    over=Fraction(5, 100),
    wording=gettext_lazy(
        "let op vanaf %(aim)s (gangbare grens voor een gezonde lijst); te hoog vanaf %(limit)s "
        "(Amazon SES begint dan een onderzoek)"
    ),
)

# (key, label, what it counts exactly, threshold)
LINES: tuple[tuple[str, str, str, Threshold | None], ...] = (
    ("sent", gettext_lazy("Verzonden"), gettext_lazy("aan de provider overgedragen"), None),
    ("delivered", gettext_lazy("Afgeleverd"), gettext_lazy("volgens de provider"), None),
    (
        "hard_bounced",
        gettext_lazy("Onbestelbaar, blijvend"),
        gettext_lazy("harde bounce, of geweigerd door de provider"),
        HARD_BOUNCES,
    ),
    (
        "soft_bounced",
        gettext_lazy("Onbestelbaar, tijdelijk"),
        gettext_lazy("zachte bounce: postbus vol, server even onbereikbaar"),
        None,
    ),
    (
        "complained",
        gettext_lazy("Als spam gemeld"),
        gettext_lazy("klachten, gemeld door de provider"),
        COMPLAINTS,
    ),
    ("unsubscribed", gettext_lazy("Afgemeld bij de provider"), gettext_lazy("melding van de provider"), None),
    (
        "unsubscribed_link",
        gettext_lazy("Afgemeld via onze eigen link"),
        gettext_lazy("afmeldlink of voorkeurenpagina, na deze e-mail en vóór een volgende"),
        None,
    ),
)


@dataclass(frozen=True)
class ReportLine:
    """One figure of the report: how many recipients, their share of those sent, and its standing if a threshold
    applies."""

    key: str
    label: str
    detail: str
    count: int
    share: Fraction | None
    threshold: Threshold | None = None

    @property
    def number(self) -> str:
        return number_format(self.count, force_grouping=True)

    @property
    def percent(self) -> str:
        return percent(self.share)

    @property
    def standing(self) -> Standing | None:
        return self.threshold.standing(self.share) if self.threshold else None

    @property
    def norm(self) -> str:
        return self.threshold.describe() if self.threshold else ""


@dataclass(frozen=True)
class TimelineBucket:
    """One hour (or day) after the send: how many recipients the provider first reported in it, per line."""

    start: dt.datetime
    counts: dict[str, int]


@dataclass(frozen=True)
class DeliveryReport:
    """One mailing as its provider reported it: each recipient counted once per line, shares of those sent, and
    when the reports came (`unit` "hour" or "day")."""

    sent: int
    lines: list[ReportLine]
    timeline: list[TimelineBucket] = field(default_factory=list)
    unit: str = "hour"

    def line(self, key: str) -> ReportLine:
        return next(line for line in self.lines if line.key == key)


# Up to this many hours between the send and the last report the timeline is drawn per hour, beyond it per day.
HOURLY_SPAN = dt.timedelta(hours=48)


def timeline(
    *, hourly: dict[tuple[dt.datetime, str], int], since: dt.datetime | None
) -> tuple[list[TimelineBucket], str]:
    """(buckets, unit) from {(UTC hour, line key): recipients first reported then}: every hour from the send
    (`since`, or the first report if earlier) to the last report, empty ones included so that the time axis is
    even; per local day instead when that spans more than HOURLY_SPAN."""
    if not hourly:
        return [], "hour"
    hours = sorted({hour for hour, _key in hourly})
    first = min(hours[0], since.replace(minute=0, second=0, microsecond=0)) if since else hours[0]
    if hours[-1] - first <= HOURLY_SPAN:
        starts = [
            first + dt.timedelta(hours=n) for n in range((hours[-1] - first) // dt.timedelta(hours=1) + 1)
        ]
        counts: dict[dt.datetime, dict[str, int]] = {start: {} for start in starts}
        for (hour, key), n in hourly.items():
            counts[hour][key] = counts[hour].get(key, 0) + n
        return [TimelineBucket(start=start, counts=counts[start]) for start in starts], "hour"
    zone = timezone.get_current_timezone()
    first_day, last_day = timezone.localdate(first, zone), timezone.localdate(hours[-1], zone)
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    by_day: dict[dt.date, dict[str, int]] = {day: {} for day in days}
    for (hour, key), n in hourly.items():
        day = by_day[timezone.localdate(hour, zone)]
        day[key] = day.get(key, 0) + n
    return [
        TimelineBucket(
            start=timezone.make_aware(dt.datetime.combine(day, dt.time()), zone), counts=by_day[day]
        )
        for day in days
    ], "day"


def report_lines(counts: dict[str, int]) -> list[ReportLine]:
    """The report's lines from {line key: recipients}; shares are of `counts["sent"]` (none when nothing was)."""
    sent = counts.get("sent", 0)
    return [
        ReportLine(
            key=key,
            label=str(label),
            detail=str(detail),
            count=counts.get(key, 0),
            share=None if key == "sent" or not sent else Fraction(counts.get(key, 0), sent),
            threshold=threshold,
        )
        for key, label, detail, threshold in LINES
    ]


# The chart: one row of bars per kind of report, each on its own scale (a few complaints next to thousands of
# deliveries would otherwise not show); the rows are labelled in words, so their colours only help.
CHART_SERIES: tuple[tuple[str, str], ...] = (
    ("delivered", "#2e7d32"),
    ("hard_bounced", "#c62828"),
    ("soft_bounced", "#b45309"),
    ("complained", "#6a1b9a"),
    ("unsubscribed", "#455a64"),
)
SLOT, BAR, HEIGHT = 10, 8, 40  # SVG user units
PIXELS_PER_SLOT, MIN_PIXELS, MAX_PIXELS = 12, 240, 960  # the drawn width: wider per bucket, up to the page


@dataclass(frozen=True)
class ChartBar:
    """One bar in SVG user units, with the words a pointer shows over it."""

    x: int
    y: int
    height: int
    title: str


@dataclass(frozen=True)
class ChartSeries:
    """One row of the chart: a line of the report, its total, its largest bucket (the row's scale) and its bars."""

    key: str
    label: str
    total: int
    peak: int
    colour: str
    bars: list[ChartBar]


@dataclass(frozen=True)
class ChartRow:
    """A bucket with any reports, as the chart's table lists it."""

    start: dt.datetime
    label: str
    counts: list[int]


@dataclass(frozen=True)
class Chart:
    """The timeline drawn in SVG user units (`width` × HEIGHT, one SLOT per bucket), stretched to `pixel_width`,
    and the same as a table."""

    unit: str
    width: int
    pixel_width: int
    height: int
    bar_width: int
    first: str
    last: str
    series: list[ChartSeries]
    rows: list[ChartRow]


def _bucket_label(start: dt.datetime, unit: str) -> str:
    return date_format(timezone.localtime(start), "j F H:i" if unit == "hour" else "j F Y")


def report_chart(report: DeliveryReport) -> Chart | None:
    """The report's timeline as bars, or None when the provider reported nothing yet."""
    if not report.timeline:
        return None
    buckets = report.timeline
    labels = {line.key: line.label for line in report.lines}
    series = []
    for key, colour in CHART_SERIES:
        counts = [bucket.counts.get(key, 0) for bucket in buckets]
        peak = max(counts)
        bars = [
            ChartBar(
                x=index * SLOT + (SLOT - BAR) // 2,
                y=HEIGHT - height,
                height=height,
                title=f"{_bucket_label(bucket.start, report.unit)}: {count}",
            )
            for index, (bucket, count) in enumerate(zip(buckets, counts, strict=True))
            if count and (height := max(2, round(HEIGHT * count / peak)))
        ]
        series.append(
            ChartSeries(key=key, label=labels[key], total=sum(counts), peak=peak, colour=colour, bars=bars)
        )
    rows = [
        ChartRow(
            start=bucket.start,
            label=_bucket_label(bucket.start, report.unit),
            counts=[bucket.counts.get(key, 0) for key, _colour in CHART_SERIES],
        )
        for bucket in buckets
        if any(bucket.counts.values())
    ]
    return Chart(
        unit=report.unit,
        width=SLOT * len(buckets),
        pixel_width=min(max(PIXELS_PER_SLOT * len(buckets), MIN_PIXELS), MAX_PIXELS),
        height=HEIGHT,
        bar_width=BAR,
        first=_bucket_label(buckets[0].start, report.unit),
        last=_bucket_label(buckets[-1].start, report.unit),
        series=series,
        rows=rows,
    )
