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
from pages.demo import DemoDocument, read_source
from pages.models import ActivityPage, CallPage, DocumentPage, DocumentVersion

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "demo_data" / "calls-to-action-2021-10-22.txt"
DOCUMENT_SLUG = "calls-to-action"
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
