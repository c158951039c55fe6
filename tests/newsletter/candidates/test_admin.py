"""The admin upload of a Kiesraad file, and an editor adding an address to a "nog geen adres" candidate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newsletter.models import Subscriber
from newsletter.outreach.models import Candidate, Election

from .eml230b import PARTIES, eml_230b

pytestmark = pytest.mark.django_db

URL = "/admin/kandidatenlijsten/"


def test_an_editor_uploads_the_lists_and_sees_what_changed(client, admin_user):
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    upload = SimpleUploadedFile("Kandidatenlijsten_GR2026_Amsterdam.eml.xml", eml_230b())
    response = client.post(URL, {"file": upload, "election": ""}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 lijsten, 17 kandidaten" in page and "Toegevoegd: GROENLINKS 1. Annemieke Oorschot" in page
    assert Candidate.objects.count() == 17


def test_a_refused_upload_says_why_in_dutch_and_stores_nothing(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("lijst.eml.xml", eml_230b([*PARTIES, (4, "Lege Lijst", [])]))
    response = client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert "Lijst 4 (Lege Lijst) heeft geen kandidaten" in response.content.decode()
    assert not Election.objects.exists()


def test_an_editor_adds_an_address_and_the_candidate_joins_the_candidates_list(
    client, admin_user, import_eml, audiences, django_capture_on_commit_callbacks
):
    import_eml()
    client.force_login(admin_user)
    spek = Candidate.objects.get(last_name="Spek")
    listing = client.get("/admin/newsletter/candidate/").content.decode()
    assert "nog geen adres" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/newsletter/candidate/edit/{spek.pk}/", {"new_email": "Charel@Example.org"}
        )
    assert response.status_code == 302
    spek.refresh_from_db()
    assert spek.contact.email == "charel@example.org"
    assert (spek.contact.organisation.name, spek.contact.position) == ("Partij van de Arbeid (P.v.d.A.)", 1)
    subscriber = Subscriber.objects.get(email="charel@example.org")
    assert subscriber.subscriptions.filter(audience__key="candidates").exists()
