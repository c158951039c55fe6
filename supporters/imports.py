"""Reading a CSV of partner-network contacts: header aliases (English and Dutch), one validated row at a time.

To accept another column, add its aliases to `HEADER_ALIASES` and a field to `ContactRowForm`; the per-row
upsert (`services.contact_upsert`) receives every cleaned field as a keyword argument.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.utils.translation import gettext as _

from .models import ContactRole

HEADER_ALIASES: dict[str, str] = {
    "name": "name",
    "naam": "name",
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "organisatie": "organisation",
    "role": "role",
    "rol": "role",
    # Election lists (issue 6): the party a candidate stands for, and their place on its list.
    "party": "party",
    "partij": "party",
    "position": "position",
    "positie": "position",
    "plaats": "position",
}
REQUIRED_COLUMNS = ("name", "email")
# How a row's problem names its column: by the Dutch header an editor reads in the admin and in the README.
DUTCH_COLUMN_NAMES: dict[str, str] = {
    "name": "naam",
    "email": "email",
    "organisation": "organisatie",
    "role": "rol",
    "party": "partij",
    "position": "positie",
}

# Roles may be given as their key ("candidate") or their Dutch label ("kandidaat").
ROLE_ALIASES: dict[str, str] = {
    **{value: value for value in ContactRole.values},
    **{str(label).lower(): value for value, label in ContactRole.choices},
    "party leader": ContactRole.PARTY_LEADER,
    "civil servant": ContactRole.CIVIL_SERVANT,
}


class ContactRowForm(forms.Form):
    """Validates and normalises one CSV row; its cleaned data are the upsert's keyword arguments."""

    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    organisation = forms.CharField(max_length=200, required=False)
    role = forms.CharField(required=False)
    party = forms.CharField(max_length=200, required=False)
    position = forms.IntegerField(min_value=1, max_value=999, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_role(self) -> str:
        value = (self.cleaned_data.get("role") or "").strip().lower()
        if not value:
            return ContactRole.OTHER
        if value not in ROLE_ALIASES:
            raise forms.ValidationError(
                _("onbekende rol “%(role)s” (kies uit: %(roles)s)")
                % {"role": value, "roles": ", ".join(str(label) for label in ContactRole.labels)}
            )
        return ROLE_ALIASES[value]


class SharedFields(dict):
    """A form's `base_fields` that every instance shares instead of deep-copying them.

    Django copies a form's fields for each instance so that one form can change its own; a form per CSV row
    changes none, and the copy was 45 % of reading 100,000 rows. Subclasses of `ContactRowForm` get a fresh,
    ordinary `base_fields` from Django's metaclass, so they are copied as usual unless they share theirs too.
    """

    def __deepcopy__(self, memo):
        return self


ContactRowForm.base_fields = SharedFields(ContactRowForm.base_fields)


@dataclass
class RowError:
    """A row that could not be imported, with its line number in the file (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("regel %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ContactRow:
    """A valid row: its line number and the cleaned fields."""

    line: int
    data: dict[str, Any] = field(default_factory=dict)


class HeaderError(ValueError):
    """The file has no usable header row (a required column is missing)."""


def _text_stream(source: IO) -> IO[str]:
    if isinstance(source, io.TextIOBase):
        return source
    return io.TextIOWrapper(source, encoding="utf-8-sig", newline="")


def read_contact_rows(
    source: IO, *, row_form: type[forms.Form] = ContactRowForm
) -> Iterator[ContactRow | RowError]:
    """Yield each data row of a CSV file as a ContactRow or a RowError. Comma or semicolon separated."""
    stream = _text_stream(source)
    sample = stream.read(4096)
    stream.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(stream, dialect)
    header = next(reader, None)
    if not header:
        raise HeaderError(_("Het bestand is leeg."))
    columns = [HEADER_ALIASES.get(name.strip().lower().lstrip("\ufeff"), "") for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise HeaderError(
            _(
                "Kolom(men) ontbreken: %(missing)s. Verwacht: name,email,organisation,role (of naam,email,organisatie,rol); voor kieslijsten party,position,name,email,role (of partij,positie,naam,email,rol)."
            )
            % {"missing": ", ".join(missing)}
        )
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        raw = {column: value.strip() for column, value in zip(columns, values, strict=False) if column}
        form = row_form(data=raw)
        if form.is_valid():
            yield ContactRow(line=line, data=form.cleaned_data)
        else:
            problems = "; ".join(
                ("" if name == "__all__" else f"{DUTCH_COLUMN_NAMES.get(name, name)}: ")
                + " ".join(str(message) for message in messages)
                for name, messages in form.errors.items()
            )
            yield RowError(line=line, message=problems)
