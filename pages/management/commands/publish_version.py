"""Publishes a new version of a document from the command line: the same action as the admin form."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from pages.actions import PublishVersionAction, pending_drafts
from pages.extensions import version_notify_preview
from pages.models import DocumentPage


def parse_send_at(value: str) -> dt.datetime:
    """ "2026-03-01 09:00" (Europe/Amsterdam unless an offset is given) → an aware datetime in the future."""
    try:
        when = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError as error:
        raise CommandError(
            f"--send-at {value!r} is geen tijdstip; schrijf bijvoorbeeld 2026-03-01 09:00."
        ) from error
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise CommandError(f"--send-at {value!r} ligt niet in de toekomst.")
    return when


class Command(BaseCommand):
    help = "Publiceert een nieuwe versie van een document en toont het nummer en de wijzigingen."

    def add_arguments(self, parser):
        parser.add_argument("--document", help="Slug of id van het document (mag weg als er maar één is).")
        parser.add_argument("--note", required=True, help="Wat is er veranderd.")
        parser.add_argument("--notify", default="", help="Doelgroepen, met komma's: residents,allies,…")
        parser.add_argument("--major", action="store_true", help="Markeer als belangrijke versie.")
        parser.add_argument(
            "--send-at",
            default=None,
            help="Versturen op (JJJJ-MM-DD UU:MM, Amsterdamse tijd): de versie verschijnt nu, de mail gaat dan.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Toon wie de versie zou krijgen (aantallen per doelgroep en variant); verandert niets.",
        )
        parser.add_argument(
            "--publish-drafts",
            action="store_true",
            help="Publiceer eerst alle openstaande concepten van het document.",
        )

    def _document(self, ref: str | None) -> DocumentPage:
        documents = DocumentPage.objects.all()
        if ref:
            found = documents.filter(pk=int(ref)) if ref.isdigit() else documents.filter(slug=ref)
            document = found.first()
            if document is None:
                raise CommandError(f"Geen document met slug of id {ref!r}.")
            return document
        count = documents.count()
        if count != 1:
            raise CommandError(
                "Er is geen document."
                if count == 0
                else "Er zijn meerdere documenten: kies er een met --document."
            )
        return documents.get()

    def handle(
        self,
        *args,
        document=None,
        note,
        notify,
        major,
        publish_drafts,
        send_at=None,
        dry_run=False,
        **options,
    ):
        target = self._document(document)
        audiences = [key.strip() for key in notify.split(",") if key.strip()]
        when = parse_send_at(send_at) if send_at else None
        if when is not None and not audiences:
            raise CommandError("--send-at heeft alleen zin met --notify.")
        action = PublishVersionAction(
            target,
            note=note,
            audiences=audiences,
            is_major=major,
            publish_drafts=pending_drafts(document=target) if publish_drafts else (),
            send_at=when,
            skip_permission_check=True,
        )
        if dry_run:
            try:
                action.check()
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            number = (target.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            self.stdout.write(
                f"Proefdraai: versie {number} van “{target.title}” wordt niet gepubliceerd of verstuurd."
            )
            _total, lines = version_notify_preview(target, number=number, audiences=audiences, is_major=major)
            for line in lines:
                self.stdout.write(line)
            return
        try:
            version = action.execute()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Versie {version.number} van “{target.title}” gepubliceerd."))
        if version.changes:
            for change in version.changes:
                self.stdout.write(f"- {change['text']}")
        else:
            self.stdout.write("Geen wijzigingen in calls of activiteiten sinds de vorige versie.")
        if version.audiences:
            self.stdout.write(f"Wordt verstuurd aan: {', '.join(version.audiences)}")
            if when is not None:
                self.stdout.write(f"Verzending gepland op {timezone.localtime(when):%d-%m-%Y %H:%M}.")
