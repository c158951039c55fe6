"""Election lists: import candidates and party leaders per party, again and again, without duplicates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from supporters.models import Contact, ContactRole, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

ENGLISH = """party,position,name,email,role
GroenLinks,1,Anna de Vries,Anna@Example.org,candidate
GroenLinks,2,Bram Jansen,bram@example.org,candidate
PvdA,1,Carla Bakker, carla@example.org ,party_leader
PvdA,2,,zonder-naam@example.org,candidate
PvdA,3,Dirk Smit,geen-email,candidate
"""

DUTCH = """partij;positie;naam;email;rol
GroenLinks;1;Anna de Vries;anna@example.org;kandidaat
D66;1;Eva Visser;eva@example.org;fractieleider
"""


@pytest.fixture
def run_import(tmp_path):
    """run_import(csv_text, *args) → (stdout, stderr) of `import_contacts`."""

    def run(text: str, *args) -> tuple[str, str]:
        path = tmp_path / "lijst.csv"
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command("import_contacts", str(path), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run


def test_parties_become_political_parties_and_people_get_role_and_place(run_import):
    out, err = run_import(ENGLISH)
    assert "3 nieuw, 0 bijgewerkt, 2 regel(s) overgeslagen" in out
    assert "regel 5: naam" in err
    assert "regel 6: email" in err
    parties = Organisation.objects.filter(kind=OrganisationKind.POLITICAL_PARTY).order_by("name")
    assert [party.name for party in parties] == ["GroenLinks", "PvdA"]
    anna = Contact.objects.get(email="anna@example.org")
    assert (anna.organisation.name, anna.position, anna.role) == ("GroenLinks", 1, ContactRole.CANDIDATE)
    carla = Contact.objects.get(email="carla@example.org")
    assert carla.role == ContactRole.PARTY_LEADER


def test_dutch_headers_semicolons_and_case_do_not_duplicate(run_import):
    run_import(ENGLISH)
    out, _err = run_import(DUTCH)
    assert "1 nieuw, 1 bijgewerkt" in out
    assert Contact.objects.filter(email="anna@example.org").count() == 1
    assert Contact.objects.get(email="eva@example.org").role == ContactRole.PARTY_LEADER
    assert Organisation.objects.filter(name__iexact="groenlinks").count() == 1


def test_a_corrected_list_updates_people_in_place(run_import):
    run_import(ENGLISH)
    bram = Contact.objects.get(email="bram@example.org")
    corrected = """party,position,name,email,role
GroenLinks,2,Bram Jansen-Koster,bram.jansen@example.org,candidate
GroenLinks,1,Anna de Vries,anna@example.org,party_leader
"""
    out, _err = run_import(corrected)
    assert "0 nieuw, 2 bijgewerkt" in out
    bram.refresh_from_db()
    assert (bram.name, bram.email) == ("Bram Jansen-Koster", "bram.jansen@example.org")
    assert Contact.objects.get(email="anna@example.org").role == ContactRole.PARTY_LEADER
    assert Contact.objects.count() == 3


def test_a_place_and_an_email_of_two_different_people_is_reported_not_merged(run_import):
    run_import(ENGLISH)
    _out, err = run_import(
        "party,position,name,email,role\nGroenLinks,1,Bram Jansen,bram@example.org,candidate\n"
    )
    assert "regel 2: plaats 1 van GroenLinks hoort bij een ander contact" in err
    assert Contact.objects.get(email="anna@example.org").position == 1


def test_editors_import_an_election_list_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert "CSV importeren" in client.get("/admin/supporters/contact/").content.decode()
    upload = SimpleUploadedFile("lijst.csv", ENGLISH.encode(), content_type="text/csv")
    response = client.post("/admin/supporters/contacten/importeren/", {"file": upload, "audience": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 nieuw, 0 bijgewerkt, 2 regel(s) overgeslagen." in page
    assert "regel 5" in page and "regel 6" in page
    assert Contact.objects.count() == 3


def test_the_admin_import_refuses_editors_without_contact_rights(client, make_editor):
    client.force_login(make_editor())
    response = client.get("/admin/supporters/contacten/importeren/")
    assert response.status_code in (302, 403)
    assert not Contact.objects.exists()
