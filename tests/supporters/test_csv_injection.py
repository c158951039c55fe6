"""CSV injection: what people typed never becomes a spreadsheet formula in any CSV the project writes."""

import csv
import io

import pytest
from django.utils import timezone

from pages.spreadsheets import csv_writer, spreadsheet_safe
from supporters.models import Contact, Endorsement, Organisation, Reaction, ReactionStatus, SignUp

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", HOSTILE)
def test_the_shared_writer_neutralises_every_formula_start(value):
    stream = io.StringIO()
    csv_writer(stream).writerow([value, 3, "gewoon"])
    cell, number, plain = next(csv.reader(io.StringIO(stream.getvalue())))
    assert cell == "'" + value
    assert (number, plain) == ("3", "gewoon")
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("value", HOSTILE)
def test_every_supporters_export_neutralises_formulas(superuser_client, small_document, value):
    document, _call, activity = small_document
    now = timezone.now()
    organisation = Organisation.objects.create(name=value, district=value)
    Endorsement.objects.create(
        target=document,
        name=value,
        email="a@example.org",
        organisation_name=value,
        message=value,
        confirmed_at=now,
    )
    SignUp.objects.create(
        activity=activity, name=value, email="b@example.org", availability=value, confirmed_at=now
    )
    Reaction.objects.create(
        target=document, name=value, email="c@example.org", text=value, status=ReactionStatus.NEW
    )
    Contact.objects.create(name=value, email="d@example.org", organisation=organisation)
    for model in ("endorsement", "signup", "reaction", "contact", "organisation"):
        response = superuser_client.get(f"/admin/supporters/{model}/?export=csv")
        assert response.status_code == 200
        cells = [cell for row in rows(response)[1:] for cell in row]
        assert "'" + value in cells, model
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], model
