"""The newsletter's part of an export or erasure request (signals declared by the supporters app)."""

import pytest

from newsletter.models import Delivery, Subscriber, Suppression, SuppressionReason
from supporters.signals import collect_personal_data, erase_personal_data

pytestmark = pytest.mark.django_db


def test_export_and_erasure(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("anna@example.org", name="Anna", audiences=("residents", "allies"))
    make_subscriber("bert@example.org", name="Bert")
    publish(document, audiences=["residents"])
    Suppression.objects.create(email="anna@example.org", reason=SuppressionReason.BOUNCED)

    sections = {}
    for _receiver, answer in collect_personal_data.send(sender=None, email="Anna@Example.org"):
        sections.update(answer or {})
    data = sections["nieuwsbrief"]
    assert data["abonnee"]["naam"] == "Anna"
    assert {row["doelgroep"] for row in data["inschrijvingen"]} == {"Bewoners", "Bondgenoten"}
    assert data["ontvangen"][0]["versie"] == 1
    assert data["geblokkeerd"]["reden"] == "onbestelbaar"

    erase_personal_data.send(sender=None, email="anna@example.org")
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    assert not Delivery.objects.filter(email="anna@example.org").exists()
    assert not Delivery.objects.filter(name="Anna").exists()
    assert Delivery.objects.count() == 2  # the counts stay
    assert Subscriber.objects.filter(email="bert@example.org").exists()
