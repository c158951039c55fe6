"""Builds the Kracht van Mokum "Calls to Action" document from its published text. Safe to run again."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from pages.actions import PublishVersionAction
from pages.conf import pages_setting
from pages.demo import DEMO_EVENTS, DISTRICTS, DemoDocument, DemoSeries, read_source
from pages.events.services import event_series_build
from pages.models import (
    ActivityPage,
    CallPage,
    District,
    DocumentPage,
    DocumentVersion,
    Event,
    EventPart,
    InfoPage,
)

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "demo_data" / "calls-to-action-2021-10-22.txt"
DOCUMENT_SLUG = "calls-to-action"
# The pages the footer links to (and "Over ons" in the main navigation). Editors change them in the admin; the
# loader only creates a page that is missing, so their edits survive a second run.
INFO_PAGES = [
    {
        "slug": "over-ons",
        "title": "Over ons",
        "show_in_menus": True,
        "body": (
            "<p>Kracht van Mokum is een coalitie van actieve Amsterdammers, bewonersgroepen en organisaties die "
            "werkt aan democratisering en burgerparticipatie in onze stad.</p>"
            "<p>Ons levende document, de Calls to Action, verandert met de reacties van lezers. Elke versie staat "
            "met datum en wijzigingen op deze site en gaat naar bewoners, bondgenoten en de kandidaten op de "
            "kieslijsten.</p>"
        ),
    },
    {
        "slug": "contact",
        "title": "Contact",
        "show_in_menus": False,
        "body": (
            "<p>Reageren, een activiteit voorstellen of u melden om mee te doen kan op elke pagina van het "
            "document, of per e-mail via het adres onderaan deze pagina.</p>"
            "<p>Pers en organisaties die willen samenwerken: mail ons, we antwoorden binnen een week.</p>"
        ),
    },
    {
        "slug": "privacy",
        "title": "Privacyverklaring",
        "show_in_menus": False,
        "body": (
            "<p>Wij bewaren alleen wat nodig is: uw naam en e-mailadres als u steun betuigt, zich aanmeldt, "
            "reageert of de nieuwsbrief wil, met de toestemming die u gaf. Uw e-mailadres komt nooit op de site.</p>"
            "<p>U kunt altijd inzien wat wij van u bewaren en het laten verwijderen, via de link "
            "<em>Uw gegevens inzien of laten verwijderen</em> onder elk formulier.</p>"
        ),
    },
    {
        "slug": "colofon",
        "title": "Colofon",
        "show_in_menus": False,
        "body": (
            "<p>Deze site is gemaakt door vrijwilligers van Kracht van Mokum met Wagtail en Django, vrije "
            "software. Tekst: de coördinatiegroep en de lezers die reageerden.</p>"
        ),
    },
]

FIRST_VERSION_NOTE = (
    "Eerste versie: de stand van zaken na de bijeenkomsten van 6 en 8 oktober, waarin de coördinatiegroep en "
    "enkele samenwerkingspartners besloten de vijf Calls to Action verder aan te pakken."
)


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


class Command(BaseCommand):
    help = (
        "Bouwt het demodocument 'Calls to Action' (22 oktober 2021) als startpagina van de site. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, help="Pad naar de brontekst (standaard: de meegeleverde tekst)."
        )

    def handle(self, *args, source: Path | None = None, **options):
        source = source or pages_setting("DEMO_SOURCE") or DEFAULT_SOURCE
        if not Path(source).exists():
            raise CommandError(f"Brontekst niet gevonden: {source}")
        demo = read_source(Path(source))
        for note in demo.notes:
            self.stdout.write(self.style.WARNING(f"Opgeschoond: {note}"))
        with transaction.atomic():
            created = self._build(demo)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodocument {'aangemaakt' if created else 'ongewijzigd'}: {len(demo.calls)} calls, "
                f"{sum(len(c.activities) for c in demo.calls)} activiteiten."
            )
        )

    def _save(self, page: Page, values: dict, parent: Page | None = None) -> bool:
        """Create `page` under `parent`, or update it when a field differs; publish a revision only then."""
        if page.pk is None:
            for name, value in values.items():
                setattr(page, name, value)
            parent.add_child(instance=page)
            page.save_revision().publish()
            return True
        if all(getattr(page, name) == value for name, value in values.items()):
            return False
        for name, value in values.items():
            setattr(page, name, value)
        page.save_revision().publish()
        return True

    def _build(self, demo: DemoDocument) -> bool:
        root = Page.get_first_root_node()
        document = DocumentPage.objects.filter(slug=DOCUMENT_SLUG).first() or DocumentPage(slug=DOCUMENT_SLUG)
        changed = self._save(
            document,
            {
                "title": demo.title,
                "intro": _paragraphs(demo.intro),
                "closing_title": "Tot slot",
                "closing": _paragraphs(demo.closing),
                "contact_email": demo.contact_email,
            },
            parent=root,
        )
        for demo_call in demo.calls:
            call = CallPage.objects.child_of(document).filter(number=demo_call.number).first() or CallPage()
            body = [{"type": "paragraph", "value": _paragraphs([p])} for p in demo_call.paragraphs]
            values = {"title": demo_call.title, "number": demo_call.number}
            if call.pk is None or call.body.get_prep_value() != _with_ids(call.body.get_prep_value(), body):
                values["body"] = body
            changed |= self._save(call, values, parent=document)
            for demo_activity in demo_call.activities:
                activity = ActivityPage.objects.child_of(call).filter(title=demo_activity.title).first()
                changed |= self._save(
                    activity or ActivityPage(),
                    {
                        "title": demo_activity.title,
                        "description": _paragraphs([demo_activity.description]),
                        "status": demo_activity.status,
                        "when_text": demo_activity.when_text,
                        "starts_on": demo_activity.starts_on,
                        "district": demo_activity.district,
                    },
                    parent=call,
                )
        changed |= self._build_events(document)
        for info in INFO_PAGES:
            if not InfoPage.objects.child_of(document).filter(slug=info["slug"]).exists():
                self._save(InfoPage(), info, parent=document)
                changed = True
        self._make_home(document)
        if not DocumentVersion.objects.filter(document=document).exists():
            noon = dt.datetime.combine(demo.version_date, dt.time(12, 0))
            PublishVersionAction(
                document,
                note=FIRST_VERSION_NOTE,
                published_at=timezone.make_aware(noon),
                skip_permission_check=True,
            ).execute()
            changed = True
        return changed

    def _build_events(self, document: DocumentPage) -> bool:
        """The seed's events on their activities, once: an activity that has events already is left alone."""
        for order, name in enumerate(DISTRICTS):
            District.objects.get_or_create(slug=name.lower(), defaults={"name": name, "sort_order": order})
        changed = False
        zone = timezone.get_current_timezone()
        for title, spec in DEMO_EVENTS.items():
            activity = ActivityPage.objects.descendant_of(document).filter(title=title).first()
            if activity is None or activity.events.exists():
                continue
            if isinstance(spec, DemoSeries):
                for name, starts, ends, capacity in spec.parts:
                    activity.event_parts.add(
                        EventPart(name=name, starts=starts, ends=ends, capacity=capacity)
                    )
                event_series_build(
                    activity=activity,
                    rule=spec.rule,
                    first=spec.first,
                    until=spec.until,
                    starts=spec.starts,
                    ends=spec.ends,
                    districts=District.objects.all(),
                )
            else:
                for item in spec:
                    activity.events.add(
                        Event(
                            title=item.title,
                            starts_at=dt.datetime.combine(item.day, item.starts, tzinfo=zone),
                            ends_at=dt.datetime.combine(item.day, item.ends, tzinfo=zone),
                            place_name=item.place_name,
                            capacity=item.capacity,
                        )
                    )
            activity.save()
            activity.save_revision().publish()
            changed = True
        return changed

    def _make_home(self, document: DocumentPage) -> None:
        """Serve the document at `/`: point the default site at it and drop Wagtail's placeholder home page."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=document,
                is_default_site=True,
                site_name="Kracht van Mokum",
            )
            return
        if site.root_page_id != document.pk:
            placeholder = site.root_page
            site.root_page = document
            site.site_name = site.site_name or "Kracht van Mokum"
            site.save()
            if (
                placeholder.specific_class is Page
                and placeholder.depth == 2
                and not placeholder.get_children().exists()
            ):
                placeholder.delete()


def _with_ids(stored: list[dict], wanted: list[dict]) -> list[dict]:
    """`wanted` with the block ids of `stored`, so an unchanged body compares equal."""
    return [
        {**block, "id": old.get("id")} if old is not None else block
        for block, old in zip(wanted, [*stored, *[None] * len(wanted)], strict=False)
    ]
