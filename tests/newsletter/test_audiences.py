"""Audience resolution: who gets a version — active, confirmed, not suppressed, each address once."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletter.models import Audience, Frequency, Subscriber, Subscription, Suppression, SuppressionReason
from newsletter.selectors import recipients
from pages.actions import PublishVersionAction
from pages.extensions import version_audience_choices
from supporters.models import Contact, ContactRole, Organisation, OrganisationKind
from supporters.signals import contacts_imported

pytestmark = pytest.mark.django_db


def resolve(*keys: str, is_major: bool = False) -> dict[str, str]:
    ids = list(Audience.objects.filter(key__in=keys).values_list("pk", flat=True))
    return {
        row["email"]: Audience.objects.get(pk=row["audience_id"]).key
        for row in recipients(audience_ids=ids, is_major=is_major)
    }


def test_builtin_audiences_have_stable_keys_and_editors_can_add_more(audiences):
    assert set(Audience.objects.values_list("key", flat=True)) >= {
        "residents",
        "allies",
        "candidates",
        "party_leaders",
    }
    Audience.objects.create(key="bewoners-oost", name="Bewoners Oost")
    assert ("bewoners-oost", "Bewoners Oost") in version_audience_choices()


def test_the_publish_action_accepts_audience_keys_and_refuses_unknown_ones(make_document, audiences):
    document = make_document(calls=1, activities_per_call=0)
    action = PublishVersionAction(
        document, note="n", audiences=["residents", "allies"], skip_permission_check=True
    )
    action.check()
    with pytest.raises(ValidationError):
        PublishVersionAction(document, note="n", audiences=["niemand"], skip_permission_check=True).check()


def test_each_address_once_with_the_template_of_its_first_audience(make_subscriber):
    make_subscriber("beide@example.org", audiences=("residents", "allies"))
    make_subscriber("bewoner@example.org", audiences=("residents",))
    make_subscriber("bondgenoot@example.org", audiences=("allies",))
    make_subscriber("kandidaat@example.org", audiences=("candidates",))
    result = resolve("residents", "allies")
    assert result == {
        "beide@example.org": "allies",  # allies come before residents (position)
        "bewoner@example.org": "residents",
        "bondgenoot@example.org": "allies",
    }
    assert (
        len(list(recipients(audience_ids=list(Audience.objects.values_list("pk", flat=True)), is_major=True)))
        == 4
    )


def test_unconfirmed_unsubscribed_and_suppressed_addresses_are_left_out(make_subscriber):
    make_subscriber("ok@example.org")
    make_subscriber("onbevestigd@example.org", confirmed=False)
    gone = make_subscriber("overal-af@example.org")
    gone.unsubscribed_at = timezone.now()
    gone.save()
    off = make_subscriber("lijst-af@example.org", audiences=("residents", "candidates"))
    Subscription.objects.filter(subscriber=off, audience__key="residents").update(
        unsubscribed_at=timezone.now()
    )
    make_subscriber("gebounced@example.org")
    Suppression.objects.create(email="gebounced@example.org", reason=SuppressionReason.BOUNCED)
    assert set(resolve("residents")) == {"ok@example.org"}


def test_major_only_subscribers_get_only_major_versions(make_subscriber):
    make_subscriber("elke@example.org", frequency=Frequency.EVERY)
    make_subscriber("belangrijk@example.org", frequency=Frequency.MAJOR)
    assert set(resolve("residents", is_major=False)) == {"elke@example.org"}
    assert set(resolve("residents", is_major=True)) == {"elke@example.org", "belangrijk@example.org"}


def test_imported_contacts_join_the_audience_and_keep_their_unsubscription(audiences, make_subscriber):
    party = Organisation.objects.create(name="Partij A", kind=OrganisationKind.POLITICAL_PARTY)
    candidate = Contact.objects.create(
        name="Kees Kandidaat", email="Kees@Example.org", role=ContactRole.CANDIDATE, organisation=party
    )
    leader = Contact.objects.create(
        name="Lies Leider", email="lies@example.org", role=ContactRole.PARTY_LEADER, organisation=party
    )
    make_subscriber("lies@example.org", name="Lies", audiences=("residents",))

    contacts_imported.send(sender=Contact, contact_ids=[candidate.pk], audience="candidates")
    contacts_imported.send(sender=Contact, contact_ids=[leader.pk], audience=None)  # role decides

    kees = Subscriber.objects.get(email="kees@example.org")
    assert kees.is_active and kees.contact == candidate and kees.name == "Kees Kandidaat"
    assert list(kees.subscriptions.values_list("audience__key", flat=True)) == ["candidates"]
    lies = Subscriber.objects.get(email="lies@example.org")  # the same person, once
    assert set(lies.subscriptions.values_list("audience__key", flat=True)) == {"residents", "party_leaders"}
    assert resolve("candidates", "party_leaders", "residents") == {
        "kees@example.org": "candidates",
        "lies@example.org": "party_leaders",
    }

    Subscription.objects.filter(subscriber=kees).update(unsubscribed_at=timezone.now())
    contacts_imported.send(sender=Contact, contact_ids=[candidate.pk], audience="candidates")
    assert "kees@example.org" not in resolve("candidates")


def test_publish_version_notify_sends_to_the_named_audiences(
    make_document, make_subscriber, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.core.management import call_command

    from newsletter.models import Mailing

    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("bewoner@example.org", audiences=("residents",))
    make_subscriber("bondgenoot@example.org", audiences=("allies",))
    make_subscriber("kandidaat@example.org", audiences=("candidates",))
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "publish_version",
            "--document",
            document.slug,
            "--note",
            "Via de commandoregel.",
            "--notify",
            "residents,allies",
        )
    mailing = Mailing.objects.get()
    assert sorted(mailing.audiences.values_list("key", flat=True)) == ["allies", "residents"]
    assert sorted(m.to[0] for m in mail.outbox) == ["bewoner@example.org", "bondgenoot@example.org"]
