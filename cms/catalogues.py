"""A small reader for gettext .po files, so that checks on the committed catalogues need no gettext tools."""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

APPS_WITH_CATALOGUES = ["pages", "supporters", "newsletter"]


@dataclass
class Entry:
    """One message: its id (and plural id), its translations by plural index, and its flags."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file (the header is the entry with an empty msgid), obsolete ones included."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish():
        nonlocal entry, started
        if started:
            entries.append(entry)
        entry, started = Entry(), False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#,"):
            if started and target and target[0] != "msgctxt":
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and started and target and target[0] == "msgstr":
            finish()
        if keyword.startswith("msg"):
            started = True
            entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
        elif line.startswith('"') and target:
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
    finish()
    return entries


def catalogue_paths(language: str) -> list[Path]:
    """The .po file of each app and of the site, for one language."""
    base = Path(settings.BASE_DIR)
    suffix = Path("locale", language, "LC_MESSAGES", "django.po")
    return [base / app / suffix for app in APPS_WITH_CATALOGUES] + [base / suffix]
