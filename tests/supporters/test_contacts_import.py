"""`import_contacts`: English or Dutch headers, bad rows reported by line, the rest imported, safe to run again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail import hooks

from supporters.models import Contact, Organisation
from supporters.signals import contacts_imported

pytestmark = pytest.mark.django_db

CSV = """name,email,organisation,role
Anna de Boer, Anna@Example.org ,Buurtcentrum Oost,candidate
Zonder Adres,,Buurtcentrum Oost,resident
Bram van Dijk,bram@example.org,,pers
Carla,carla@example.org,Partij X,koning
Daan,daan@example.org,buurtcentrum oost,
"""


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=err)
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
    _out, err = run(path)
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
