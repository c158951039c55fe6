"""The newsletter's part of an export or erasure request (a source in supporters.personal_data)."""

import pytest

from newsletter.models import Delivery, Subscriber, Suppression, SuppressionReason
from supporters.services import personal_data_collect, personal_data_erase

pytestmark = pytest.mark.django_db


def test_export_and_erasure(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("anna@example.org", name="Anna", audiences=("residents", "allies"))
    make_subscriber("bert@example.org", name="Bert")
    publish(document, audiences=["residents"])
    Suppression.objects.create(email="anna@example.org", reason=SuppressionReason.BOUNCED)

    data = personal_data_collect(email="Anna@Example.org")["nieuwsbrief"]
    assert data["abonnee"]["naam"] == "Anna"
    assert {row["doelgroep"] for row in data["inschrijvingen"]} == {"Bewoners", "Bondgenoten"}
    assert data["ontvangen"][0]["versie"] == 1
    assert data["geblokkeerd"]["reden"] == "onbestelbaar"

    personal_data_erase(email="anna@example.org")
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    assert not Delivery.objects.filter(email="anna@example.org").exists()
    assert not Delivery.objects.filter(name="Anna").exists()
    assert Delivery.objects.count() == 2  # the counts stay
    assert Subscriber.objects.filter(email="bert@example.org").exists()
