"""`python manage.py import_candidates FILE.eml.xml [--election NAME]`: read the Kiesraad's candidate lists."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...candidate_lists import candidate_lists_import
from ...eml import EmlRefused, parse_candidate_lists


class Command(BaseCommand):
    """Imports an EML_NL 230b file (all or nothing); running it again with the same file changes nothing."""

    help = "Lees de kandidatenlijsten van de Kiesraad in (EML_NL 230b, bijvoorbeeld Kandidatenlijsten_GR2026_Amsterdam.eml.xml)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("EML_NL 230b-bestand van de Kiesraad"))
        parser.add_argument(
            "--election", default="", help=_("Naam van de verkiezing (anders die uit het bestand)")
        )

    def handle(self, *args, file: str, election: str, **options):
        try:
            with open(file, "rb") as source:
                data = source.read()
        except OSError as error:
            raise CommandError(
                _("Kan %(file)s niet lezen: %(error)s") % {"file": file, "error": error}
            ) from error
        self.stdout.write(_("%(file)s lezen …") % {"file": file})
        try:
            lists = parse_candidate_lists(data)
        except EmlRefused as error:
            raise CommandError(_("Niet ingelezen: %(reason)s") % {"reason": error}) from error
        for number, party in enumerate(lists.parties, start=1):
            self.stdout.write(
                f"[{number}/{len(lists.parties)}] {party.number}. {party.name}: {len(party.candidates)}"
            )
        report = candidate_lists_import(lists=lists, election_name=election)
        for line in report.lines():
            self.stdout.write(line)
