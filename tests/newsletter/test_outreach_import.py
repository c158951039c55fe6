"""Election lists imported with `--audience candidates` land in the newsletter's outreach audiences."""

import pytest

from newsletter.models import Subscriber, Subscription
from supporters.models import Contact

pytestmark = pytest.mark.django_db


def keys_of(email: str) -> set[str]:
    return set(
        Subscription.objects.filter(subscriber__email=email, unsubscribed_at__isnull=True).values_list(
            "audience__key", flat=True
        )
    )


def test_candidates_join_the_candidates_audience_and_party_leaders_also_their_own(import_list):
    out, err = import_list()
    assert "5 nieuw" in out and "regel " not in err  # no row error ("regel 3: …")
    assert keys_of("bram@example.org") == {"candidates"}
    assert keys_of("anna@example.org") == {"candidates", "party_leaders"}
    bram = Subscriber.objects.get(email="bram@example.org")
    assert bram.is_active and bram.contact.organisation.name == "GroenLinks"


def test_dutch_and_english_headers_bad_rows_with_line_numbers_and_reimport_in_place(import_list):
    import_list(
        "party,position,name,email,role\nD66,1,Fleur,Fleur@Example.org ,candidate\nD66,2,,x@example.org,candidate\nD66,3,Gijs,geen-adres,candidate\n"
    )
    out, err = import_list("partij;positie;naam;email;rol\nD66;1;Fleur de Boer;fleur@example.org;kandidaat\n")
    assert "0 nieuw, 1 bijgewerkt" in out
    assert Contact.objects.filter(email="fleur@example.org").count() == 1
    assert Contact.objects.get(email="fleur@example.org").name == "Fleur de Boer"
    assert Subscriber.objects.filter(email="fleur@example.org").count() == 1
    assert Subscription.objects.filter(subscriber__email="fleur@example.org").count() == 1
    _out, err = import_list(
        "party,position,name,email,role\nD66,2,,x@example.org,candidate\nD66,3,Gijs,geen-adres,candidate\n"
    )
    assert "regel 2" in err and "regel 3" in err
    assert not Subscriber.objects.filter(email="x@example.org").exists()


def test_a_reimport_keeps_an_unsubscription(import_list):
    import_list()
    Subscription.objects.filter(subscriber__email="eva@example.org").update(
        unsubscribed_at="2024-01-01T00:00Z"
    )
    import_list()
    assert keys_of("eva@example.org") == set()
