"""Publishes a new version of a document from the command line: the same action as the admin form."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pages.actions import PublishVersionAction, pending_drafts
from pages.models import DocumentPage


class Command(BaseCommand):
    help = "Publiceert een nieuwe versie van een document en toont het nummer en de wijzigingen."

    def add_arguments(self, parser):
        parser.add_argument("--document", help="Slug of id van het document (mag weg als er maar één is).")
        parser.add_argument("--note", required=True, help="Wat is er veranderd.")
        parser.add_argument("--notify", default="", help="Doelgroepen, met komma's: residents,allies,…")
        parser.add_argument("--major", action="store_true", help="Markeer als belangrijke versie.")
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

    def handle(self, *args, document=None, note, notify, major, publish_drafts, **options):
        target = self._document(document)
        action = PublishVersionAction(
            target,
            note=note,
            audiences=[key for key in notify.split(",") if key.strip()],
            is_major=major,
            publish_drafts=pending_drafts(document=target) if publish_drafts else (),
            skip_permission_check=True,
        )
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
