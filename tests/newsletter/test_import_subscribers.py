"""`import_contacts --audience`: every row a subscriber and member when it answers, in a number of queries that does
not grow with the file, without disturbing people who are already subscribers (or who sign up meanwhile)."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from newsletter.models import Subscriber, SubscriberSource, Subscription
from supporters.models import Contact

pytestmark = pytest.mark.django_db


def election_and_allies(rows: int, town: str = "mokum") -> str:
    """A CSV of `rows` people of a town: every fifth a candidate on one of three party lists, the others allies."""
    lines = ["partij,positie,naam,email,organisatie,rol"]
    for n in range(rows):
        if n % 5 == 0:
            lines.append(
                f"Partij {town} {n % 3},{n // 15 + 1},Kandidaat {n},kandidaat{n}@{town}.example,,kandidaat"
            )
        else:
            lines.append(f",,Bondgenoot {n},bondgenoot{n}@{town}.example,Organisatie {town} {n % 7},")
    return "\n".join(lines) + "\n"


def active_keys(email: str) -> set[str]:
    return set(
        Subscription.objects.filter(
            subscriber__email=email, subscriber__confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).values_list("audience__key", flat=True)
    )


def queries_of(import_list, text: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        _out, err = import_list(text, audience="allies")
    assert "regel " not in err, err
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_file(import_list):
    small, large = election_and_allies(50, "diemen"), election_and_allies(500)
    first = (queries_of(import_list, small), queries_of(import_list, large))
    assert Contact.objects.count() == 550
    assert Subscription.objects.filter(audience__key="allies", unsubscribed_at__isnull=True).count() == 550
    assert active_keys("kandidaat5@mokum.example") == {"allies", "candidates"}
    assert active_keys("bondgenoot499@mokum.example") == {"allies"}
    again = (queries_of(import_list, small), queries_of(import_list, large))  # updates in place
    assert first[0] == first[1]
    assert again[0] == again[1]
    assert Contact.objects.count() == 550


def test_an_address_that_is_already_a_subscriber_stays_one(import_list, make_subscriber):
    """Someone who signed up (confirmed or not) is confirmed and linked to the contact; their name, their other
    audiences and their unsubscription from everything stay as they are."""
    waiting = make_subscriber("wachtend@example.org", audiences=(), confirmed=False)
    reader = make_subscriber("lezer@example.org", name="Lezer zelf", audiences=("residents",))
    gone = make_subscriber("weg@example.org", name="Weg", audiences=())
    gone.unsubscribed_at = gone.confirmed_at
    gone.save()
    _out, err = import_list(
        "naam,email,organisatie\nWachtend Contact,wachtend@example.org,Stichting W\n"
        "Lezer Contact,Lezer@Example.org,Stichting L\nWeg Contact,weg@example.org,Stichting W\n",
        audience="allies",
    )
    assert "regel " not in err
    assert Subscriber.objects.count() == 3
    waiting.refresh_from_db()
    assert waiting.is_active and waiting.name == "Wachtend Contact"
    assert waiting.contact == Contact.objects.get(email="wachtend@example.org")
    reader.refresh_from_db()
    assert reader.name == "Lezer zelf" and reader.contact.email == "lezer@example.org"
    assert active_keys("lezer@example.org") == {"residents", "allies"}
    gone.refresh_from_db()
    assert not gone.is_active
    assert gone.source == SubscriberSource.FORM


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite has one writer at a time: an import holds the write lock from its start (IMMEDIATE), so "
    "nobody can sign up while it runs.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_someone_signing_up_while_the_import_writes_subscribers_is_no_error(import_list):
    """Another connection commits a sign-up for an imported address just before the import writes subscribers:
    the import skips that row, finishes, and puts the person on the audience."""

    def sign_up():
        Subscriber.objects.create(email="bondgenoot3@mokum.example", name="Zelf aangemeld", nonce="abc")
        connections.close_all()

    def sign_up_first(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{Subscriber._meta.db_table}"'):
            thread = threading.Thread(target=sign_up)
            thread.start()
            thread.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sign_up_first):
        out, err = import_list(election_and_allies(10), audience="allies")
    assert "10 nieuw" in out
    assert "regel " not in err
    signed_up = Subscriber.objects.get(email="bondgenoot3@mokum.example")
    assert signed_up.name == "Zelf aangemeld" and signed_up.is_active
    assert signed_up.contact == Contact.objects.get(email="bondgenoot3@mokum.example")
    assert active_keys("bondgenoot3@mokum.example") == {"allies"}
    assert Subscription.objects.filter(audience__key="allies").count() == 10
