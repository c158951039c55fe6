"""`supporters.bulk`: rows written from one parameter per column hold exactly what the ORM would have written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supporters import bulk
from supporters.models import Contact, ContactRole, LegalBasis, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_rows_insert_fills_in_defaults_and_returns_the_new_ids():
    party = Organisation.objects.create(name="Partij Ö", kind=OrganisationKind.POLITICAL_PARTY)
    rows = [
        ("Anna “de” Vries", "anna@example.org", party.pk, 1),
        ("Bram, O'Neill", "bram@example.org", None, None),
    ]
    with CaptureQueriesContext(connection) as queries:
        count, returned = bulk.rows_insert(
            Contact,
            fields=["name", "email", "organisation", "position"],
            rows=rows,
            constants={"role": ContactRole.CANDIDATE},
            returning=["email", "id"],
        )
    assert len(queries) == 1
    assert count == 2
    ids = dict(returned)
    anna = Contact.objects.get(pk=ids["anna@example.org"])
    assert (anna.name, anna.organisation, anna.position, anna.role) == (
        "Anna “de” Vries",
        party,
        1,
        "candidate",
    )
    assert anna.legal_basis == LegalBasis.LEGITIMATE_INTEREST and anna.notes == ""
    assert abs(anna.created_at - timezone.now()) < dt.timedelta(minutes=1)
    bram = Contact.objects.get(pk=ids["bram@example.org"])
    assert (bram.name, bram.organisation, bram.position) == ("Bram, O'Neill", None, None)


def test_ignore_conflicts_skips_rows_someone_else_wrote():
    Organisation.objects.create(name="Buurthuis", kind=OrganisationKind.ALLY)
    count, _rows = bulk.rows_insert(
        Organisation,
        fields=["name", "kind"],
        rows=[("buurthuis", OrganisationKind.ALLY), ("Bibliotheek", OrganisationKind.ALLY)],
        ignore_conflicts=True,
    )
    assert count == 1
    assert sorted(Organisation.objects.values_list("name", flat=True)) == ["Bibliotheek", "Buurthuis"]


def test_rows_update_sets_each_row_its_own_values_also_times():
    first = Contact.objects.create(name="Een", email="een@example.org")
    second = Contact.objects.create(name="Twee", email="twee@example.org")
    untouched = Contact.objects.create(name="Drie", email="drie@example.org")
    then = dt.datetime(2020, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
    updated = bulk.rows_update(
        Contact,
        fields=["name", "created_at"],
        rows=[(first.pk, "Eén", then), (second.pk, "Twee bis", then + dt.timedelta(days=1))],
        constants={"notes": "bijgewerkt"},
    )
    assert updated == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.created_at, first.notes) == ("Eén", then, "bijgewerkt")
    assert (second.name, second.created_at) == ("Twee bis", then + dt.timedelta(days=1))
    assert Contact.objects.filter(pk=untouched.pk, name="Drie", notes="").exists()
    assert list(
        Contact.objects.filter(pk__in=bulk.values_subquery([second.pk, untouched.pk], field=Contact._meta.pk))
        .order_by("name")
        .values_list("name", flat=True)
    ) == ["Drie", "Twee bis"]
