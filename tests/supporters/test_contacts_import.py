"""`import_contacts`: English or Dutch headers, bad rows reported by line, the rest imported, safe to run again."""

from io import StringIO

import pytest
from django import forms
from django.core.management import CommandError, call_command
from wagtail import hooks

from supporters.imports import HEADER_ALIASES, ContactRowForm, read_contact_rows
from supporters.models import Contact, Organisation
from supporters.services import contacts_import
from supporters.signals import contacts_imported

pytestmark = pytest.mark.django_db

CSV = """name,email,organisation,role
Anna de Boer, Anna@Example.org ,Buurtcentrum Oost,candidate
Zonder Adres,,Buurtcentrum Oost,resident
Bram van Dijk,bram@example.org,,pers
Carla,carla@example.org,Partij X,koning
Daan,daan@example.org,buurtcentrum oost,
"""


def run(path, *args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_reports_bad_rows_by_line_and_imports_the_rest(tmp_path):
    path = tmp_path / "contacten.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = run(path)
    assert "regel 3:" in err and "email" in err
    assert "regel 5:" in err and "koning" in err
    assert "regel 2" not in err and "regel 4" not in err
    assert "3 nieuw, 0 bijgewerkt, 2 regel(s) overgeslagen" in out
    anna = Contact.objects.get(email="anna@example.org")
    assert anna.role == "candidate"
    assert anna.organisation.name == "Buurtcentrum Oost"
    assert Contact.objects.get(email="bram@example.org").role == "press"
    assert Contact.objects.get(email="daan@example.org").organisation == anna.organisation
    assert Organisation.objects.count() == 1

    out, _err = run(path)  # again: nothing new
    assert "0 nieuw, 3 bijgewerkt" in out
    assert Contact.objects.count() == 3
    assert Organisation.objects.count() == 1


def test_dutch_headers_and_semicolons(tmp_path):
    path = tmp_path / "nl.csv"
    path.write_text(
        "naam;email;organisatie;rol\nEls;els@example.org;Stichting Y;kandidaat\n", encoding="utf-8"
    )
    _out, err = run(path, verbosity=0)
    assert err == ""
    assert Contact.objects.get().role == "candidate"


def test_missing_column_or_unknown_audience_stops_before_importing(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("naam,telefoon\nEls,0612345678\n", encoding="utf-8")
    with pytest.raises(CommandError, match="email"):
        run(path)
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="Onbekende doelgroep"):
        run(path, "--audience", "bestaat-niet")
    assert Contact.objects.count() == 0


def test_audience_is_checked_and_passed_on_with_the_contacts(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CSV, encoding="utf-8")
    received = []

    def receiver(sender, contact_ids, audience, **kwargs):
        received.append((sorted(contact_ids), audience))

    contacts_imported.connect(receiver)
    try:
        with hooks.register_temporarily("kvm_version_audiences", lambda: [("allies", "Bondgenoten")]):
            run(path, "--audience", "allies")
    finally:
        contacts_imported.disconnect(receiver)
    assert received == [(sorted(Contact.objects.values_list("pk", flat=True)), "allies")]


def test_progress_goes_to_stderr_and_verbosity_0_keeps_it_quiet(tmp_path, monkeypatch):
    monkeypatch.setattr("supporters.services.contacts.PROGRESS_EVERY", 2)
    path = tmp_path / "c.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = run(path)
    assert out == "3 nieuw, 0 bijgewerkt, 2 regel(s) overgeslagen.\n"
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "2 regels gelezen",
        "4 regels gelezen",
        "5 regels gelezen, 3 bruikbaar",
        "3 van 3 contactpersonen opgeslagen",
        "Doelgroepen bijwerken",
        "regel 3",
        "regel 5",
    ]
    out, err = run(path, verbosity=0)  # the row errors still, nothing else
    assert out == "0 nieuw, 3 bijgewerkt, 2 regel(s) overgeslagen.\n"
    assert [line.split(":")[0] for line in err.splitlines()] == ["regel 3", "regel 5"]


def test_a_column_added_to_the_row_form_is_set_on_the_contact(monkeypatch):
    """As `supporters/imports.py` says: an alias and a form field, and the import stores the column."""

    class RowWithNotes(ContactRowForm):
        notes = forms.CharField(required=False)

    monkeypatch.setitem(HEADER_ALIASES, "notities", "notes")
    Contact.objects.create(name="Bram", email="bram@example.org", notes="oud")
    report = contacts_import(
        rows=read_contact_rows(
            StringIO("naam,email,notities\nAnna,anna@example.org,nieuw\nBram,bram@example.org,bijgewerkt\n"),
            row_form=RowWithNotes,
        )
    )
    assert (report.created, report.updated, report.errors) == (1, 1, [])
    assert dict(Contact.objects.values_list("email", "notes")) == {
        "anna@example.org": "nieuw",
        "bram@example.org": "bijgewerkt",
    }
