"""`manage.py update_translations`: re-extract every catalogue (each app's own and the site's), then compile them.

Needs GNU gettext (xgettext, msgmerge, msgfmt) on the machine that runs it; the site itself only reads the
committed .mo files. See the README's "Translations" section.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from cms.catalogues import APPS_WITH_CATALOGUES, read_po

# Each reusable app ships its own catalogue, in <app>/locale/; the site's strings (templates/, cms/) go to the
# first of LOCALE_PATHS. Never scanned for the site's catalogue: the apps (they have their own), tests, tooling, installed packages.
NOT_SOURCE = ["tests", "bench", "node_modules", "var", "static", "build", ".*"]
SITE_IGNORE = [*APPS_WITH_CATALOGUES, *NOT_SOURCE]
HEADER_VALUES = {
    "PACKAGE VERSION": "kracht-van-mokum",
    "YEAR-MO-DA HO:MI+ZONE": "2026-01-01 00:00+0100",
    "FULL NAME <EMAIL@ADDRESS>": "Kracht van Mokum <info@krachtvanmokum.nl>",
    "LANGUAGE <LL@li.org>": "Kracht van Mokum <info@krachtvanmokum.nl>",
}
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);"}
_POT_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.M)


@contextmanager
def _in_directory(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _fix_header(po: Path, language: str, name: str) -> None:
    """A new catalogue from makemessages has a fuzzy header with placeholders msgfmt would refuse or skip."""
    text = po.read_text(encoding="utf-8")
    header_end = text.index('msgid ""')
    head, rest = text[:header_end], text[header_end:]
    head = f"# Kracht van Mokum, {name}: translations into {language!r}. Update with `make messages`.\n#\n"
    header = {
        **HEADER_VALUES,
        '"Language: \\n"': f'"Language: {language}\\n"',
        "nplurals=INTEGER; plural=EXPRESSION;": PLURAL_FORMS.get(language, "nplurals=2; plural=(n != 1);"),
    }
    for placeholder, value in header.items():
        rest = rest.replace(placeholder, value, 1)
    po.write_text(head + rest, encoding="utf-8")


class Command(BaseCommand):
    help = "Re-extract the translatable strings of every app and of the site, then compile all catalogues."

    def add_arguments(self, parser):
        parser.add_argument("--no-compile", action="store_true", help="Only re-extract, do not compile.")

    def handle(self, *args, no_compile: bool = False, **options):
        base = Path(settings.BASE_DIR)
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        catalogues = [(base / app, []) for app in APPS_WITH_CATALOGUES] + [(base, SITE_IGNORE)]
        for directory, ignore in catalogues:
            locale_dir = directory / "locale"
            locale_dir.mkdir(exist_ok=True)
            before = {
                language: self._read(locale_dir / language / "LC_MESSAGES" / "django.po")
                for language in languages
            }
            # With the site's LOCALE_PATHS in place, makemessages would put an app's strings in the site's
            # catalogue; inside an app directory only its own locale/ counts.
            locale_paths = settings.LOCALE_PATHS if directory == base else []
            with _in_directory(directory), override_settings(LOCALE_PATHS=locale_paths):
                call_command(
                    "makemessages",
                    locale=languages,
                    domain="django",
                    ignore_patterns=ignore,
                    no_obsolete=True,
                    no_wrap=True,
                    add_location="file",
                    verbosity=0,
                )
            for language in languages:
                po = locale_dir / language / "LC_MESSAGES" / "django.po"
                if before[language] is None:
                    _fix_header(po, language, "site" if directory == base else directory.name)
                elif _POT_DATE.sub("", before[language]) == _POT_DATE.sub("", self._read(po)):
                    # Only the extraction date changed: keep the file as it was, so the diff stays empty.
                    po.write_text(before[language], encoding="utf-8")
                self.stdout.write(f"{po.relative_to(base)}: {self._untranslated(po)} untranslated")
        if not no_compile:
            with _in_directory(base):
                call_command("compilemessages", ignore_patterns=NOT_SOURCE, verbosity=0)
            self.stdout.write("Compiled.")

    @staticmethod
    def _read(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    @staticmethod
    def _untranslated(po: Path) -> int:
        return sum(1 for entry in read_po(po) if entry.msgid and (entry.fuzzy or not entry.translated))
