"""`python manage.py import_contacts FILE.csv [--audience KEY]`: add or update partner-network contacts."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pages.extensions import version_audience_choices

from ...imports import HeaderError, read_contact_rows
from ...services import contacts_import


class Command(BaseCommand):
    """Imports contacts from CSV (name,email,organisation,role or naam,email,organisatie,rol); safe to run again."""

    help = "Importeer contactpersonen uit een CSV-bestand (kolommen name,email,organisation,role)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("CSV-bestand"))
        parser.add_argument("--audience", default=None, help=_("Zet de contactpersonen in deze doelgroep"))

    def handle(self, *args, file: str, audience: str | None, verbosity: int = 1, **options):
        if audience is not None:
            known = [key for key, _label in version_audience_choices()]
            if audience not in known:
                raise CommandError(
                    _("Onbekende doelgroep “%(key)s”. Bekend: %(known)s.")
                    % {"key": audience, "known": ", ".join(known) or _("(geen)")}
                )
        try:
            with open(file, "rb") as source:
                report = contacts_import(
                    rows=read_contact_rows(source),
                    audience=audience,
                    progress=self._progress if verbosity >= 1 else None,
                )
        except OSError as error:
            raise CommandError(
                _("Kan %(file)s niet lezen: %(error)s") % {"file": file, "error": error}
            ) from error
        except HeaderError as error:
            raise CommandError(str(error)) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("Het bestand is geen UTF-8-tekst.")) from error
        for row_error in report.errors:  # also with --verbosity 0: they are what an editor must fix
            self.stderr.write(str(row_error))
        self.stdout.write(
            _("%(created)s nieuw, %(updated)s bijgewerkt, %(errors)s regel(s) overgeslagen.")
            % {"created": report.created, "updated": report.updated, "errors": len(report.errors)}
        )

    def _progress(self, message: str) -> None:
        self.stderr.write(message, style_func=str)  # on stderr, so that stdout holds only the result
