"""One person with data in every table that can hold personal data: the export names each row, and after erasure
no table of the whole database holds their address or name.

The models are enumerated, not listed: a new model with an email field (or a foreign key to such a model) fails
`test_every_model_with_personal_data_is_covered` until a `supporters.personal_data` source covers it, and
`test_the_export_names_every_row_and_erasure_leaves_no_trace` until BUILDERS makes a row for it.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from newsletter.models import (
    Audience,
    Delivery,
    DeliveryStatus,
    Mailing,
    Subscriber,
    Subscription,
    Suppression,
    SuppressionReason,
    TrackingEvent,
)
from newsletter.outreach.models import AnswerChoice, DialogueAnswer, Reminder
from pages.actions import PublishVersionAction
from supporters.models import ChangeNotice, Consent, Contact, Endorsement, Organisation, Reaction, SignUp
from supporters.personal_data import covered_models
from supporters.services import personal_data_collect, personal_data_erase

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
EMAIL = "jolanda.verhoeven@example.org"
NAME = "Jolanda Verhoeven"
BOUNCE = f"550 5.1.1 <{EMAIL}>: Recipient address rejected: user {NAME} unknown"

# Models with an email field that holds no data subject's address, and why.
NOT_PERSONAL = {
    "pages.documentpage": "contact_email is the organisation's published address",
    "newsletter.partylist": "contact_email is a party secretariat's address, not a person's",
}


def project_models() -> list[type[models.Model]]:
    """The models of the project's own apps (not Django's, Wagtail's or other installed packages')."""
    ours = []
    for model in apps.get_models():
        path = Path(apps.get_app_config(model._meta.app_label).path)
        if path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
            ours.append(model)
    return ours


def personal_models() -> set[str]:
    """Labels of project models with an email field, or a foreign key (transitively) to such a model."""
    found = {
        m._meta.label_lower
        for m in project_models()
        if any(isinstance(f, models.EmailField) for f in m._meta.get_fields())
    } - set(NOT_PERSONAL)
    changed = True
    while changed:
        changed = False
        for model in project_models():
            label = model._meta.label_lower
            if label in found or label in NOT_PERSONAL:
                continue
            for field in model._meta.get_fields():
                if field.many_to_one and field.concrete and field.related_model._meta.label_lower in found:
                    found.add(label)
                    changed = True
                    break
    return found


def test_every_model_with_personal_data_is_covered():
    missing = personal_models() - covered_models()
    assert not missing, f"register these in a supporters.personal_data source: {sorted(missing)}"


@pytest.fixture
def world(make_document):
    document = make_document(calls=1, activities_per_call=1)
    activity = document.get_descendants().type(apps.get_model("pages", "ActivityPage")).first()
    version = PublishVersionAction(document, note="n", skip_permission_check=True).execute()
    mailing = Mailing.objects.create(version=version)
    audience = Audience.objects.get_or_create(key="residents", defaults={"name": "Bewoners"})[0]
    return {
        "document": document,
        "activity": activity.specific,
        "version": version,
        "mailing": mailing,
        "audience": audience,
    }


def _contact(w):
    if "contact" not in w:
        party = Organisation.objects.create(name="Partij X", kind="party")
        w["contact"] = Contact.objects.create(
            name=NAME,
            email=EMAIL,
            organisation=party,
            role="candidate",
            position=3,
            notes=f"Bellen na 18 uur, vraag naar {NAME.split()[0]}",
        )
    return w["contact"]


def _subscriber(w):
    if "subscriber" not in w:
        w["subscriber"] = Subscriber.objects.create(
            email=EMAIL, name=NAME, confirmed_at=timezone.now(), pending={"name": NAME}, contact=_contact(w)
        )
    return w["subscriber"]


def _delivery(w):
    if "delivery" not in w:
        w["delivery"] = Delivery.objects.create(
            mailing=w["mailing"],
            subscriber=_subscriber(w),
            email=EMAIL,
            name=NAME,
            status=DeliveryStatus.FAILED,
            last_error=BOUNCE,
        )
    return w["delivery"]


def _candidate(w):
    if "candidate" not in w:
        from newsletter.outreach.candidate_models import Candidate, Election, PartyList

        election = Election.objects.create(identifier="GR2026_Amsterdam", name="Gemeenteraad 2026")
        party_list = PartyList.objects.create(
            election=election,
            number=1,
            registered_name="Partij X",
            slug="partij-x",
            organisation=_contact(w).organisation,
        )
        w["candidate"] = Candidate.objects.create(
            party_list=party_list,
            position=3,
            initials="J.",
            first_name="Jolanda",
            last_name="Verhoeven",
            locality="Amsterdam",
            contact=_contact(w),
        )
    return w["candidate"]


def _registration(w):
    if "registration" not in w:
        from pages.models import District, Event
        from supporters.models import EventRegistration

        event = Event.objects.create(
            activity=w["activity"],
            starts_at=timezone.now() + timezone.timedelta(days=7),
            ends_at=timezone.now() + timezone.timedelta(days=7, hours=2),
            district=District.objects.first(),
            place_name="Buurthuis",
        )
        w["registration"] = EventRegistration.objects.create(
            event=event, email=EMAIL, name=NAME, confirmed_at=timezone.now()
        )
    return w["registration"]


def _event_notice(w):
    from pages.models import EventChange
    from supporters.models import EventNotice

    registration = _registration(w)
    change = EventChange.objects.create(event=registration.event, sequence=1, changes=[])
    return EventNotice.objects.create(registration=registration, change=change)


def _digest_delivery(w):
    from newsletter.outreach.candidate_models import CommitmentDigest, CommitmentDigestDelivery

    now = timezone.now()
    digest = CommitmentDigest.objects.create(day=now.date(), since=now, until=now)
    return CommitmentDigestDelivery.objects.create(
        digest=digest, subscriber=_subscriber(w), last_error=BOUNCE
    )


def _builders_of_outreach_and_events():
    from newsletter.models import InboundMessage
    from newsletter.outreach.candidate_models import Commitment, CommitmentRequest
    from supporters.models import RegistrationPart

    return {
        "newsletter.candidate": _candidate,
        "newsletter.commitment": lambda w: Commitment.objects.create(
            candidate=_candidate(w),
            call_id=w["activity"].get_parent().pk,
            version=w["version"],
            stance="support",
            explanation=f"Namens {NAME}: ja.",
            publish_name=True,
        ),
        "newsletter.commitmentrequest": lambda w: CommitmentRequest.objects.create(
            candidate=_candidate(w), version=w["version"], call_ids=[1], last_error=BOUNCE
        ),
        "newsletter.commitmentdigestdelivery": _digest_delivery,
        "newsletter.inboundmessage": lambda w: InboundMessage.objects.create(
            esp="postmark",
            message_key="<1@example.org>",
            from_name=NAME,
            from_email=EMAIL,
            subject=f"Reactie van {NAME}",
            body_text=f"Groet, {NAME}",
        ),
        "supporters.eventregistration": _registration,
        "supporters.registrationpart": lambda w: RegistrationPart.objects.create(
            registration=_registration(w)
        ),
        "supporters.eventnotice": _event_notice,
    }


BUILDERS = {
    "supporters.consent": lambda w: Consent.objects.create(
        email=EMAIL, purpose="endorsement", wording="Ik stem in"
    ),
    "supporters.endorsement": lambda w: Endorsement.objects.create(
        target=w["document"],
        email=EMAIL,
        name=NAME,
        organisation_name="Buurt",
        message=f"Groet, {NAME}",
        confirmed_at=timezone.now(),
    ),
    "supporters.signup": lambda w: SignUp.objects.create(
        activity=w["activity"], email=EMAIL, name=NAME, availability="zaterdag", confirmed_at=timezone.now()
    ),
    "supporters.reaction": lambda w: Reaction.objects.create(
        target=w["document"], email=EMAIL, name=NAME, text=f"Ik ben {NAME}", editor_note=f"{NAME} bellen"
    ),
    "supporters.contact": _contact,
    "supporters.changenotice": lambda w: ChangeNotice.objects.create(version=w["version"], email=EMAIL),
    "newsletter.subscriber": _subscriber,
    "newsletter.subscription": lambda w: Subscription.objects.create(
        subscriber=_subscriber(w), audience=w["audience"]
    ),
    "newsletter.delivery": _delivery,
    "newsletter.trackingevent": lambda w: TrackingEvent.objects.create(
        esp="postmark",
        event_id="1",
        event_type="bounced",
        recipient=EMAIL,
        description=BOUNCE,
        delivery=_delivery(w),
    ),
    "newsletter.suppression": lambda w: Suppression.objects.create(
        email=EMAIL, reason=SuppressionReason.BOUNCED, detail=BOUNCE
    ),
    "newsletter.reminder": lambda w: Reminder.objects.create(delivery=_delivery(w), last_error=BOUNCE),
    "newsletter.dialogueanswer": lambda w: DialogueAnswer.objects.create(
        contact=_contact(w),
        mailing=w["mailing"],
        answer=AnswerChoice.YES,
        message=f"Groet, {NAME}",
        preferred_contact="06-12345678",
    ),
}


BUILDERS.update(_builders_of_outreach_and_events())


def records(data) -> set[str]:
    if isinstance(data, dict):
        found = {data["record"]} if isinstance(data.get("record"), str) else set()
        return found.union(*(records(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(records(value) for value in data))
    return set()


def whole_database_text() -> dict[str, str]:
    """Every table of the database as text, table by table (what a `pg_dump | grep` would read)."""
    text = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the database
            text[table] = "\n".join(repr(row) for row in cursor.fetchall())
    return text


def test_the_export_names_every_row_and_erasure_leaves_no_trace(world):
    missing = personal_models() - set(BUILDERS)
    assert not missing, f"add a builder for {sorted(missing)}"
    rows = {label: BUILDERS[label](world) for label in sorted(personal_models())}

    exported = records(personal_data_collect(email=EMAIL.upper()))
    for label, row in rows.items():
        assert f"{row._meta.label_lower}#{row.pk}" in exported, label

    before = whole_database_text()
    assert any(EMAIL in text for text in before.values())
    personal_data_erase(email=EMAIL)
    for table, text in whole_database_text().items():
        for needle in (EMAIL, "jolanda", "verhoeven", "Jolanda", "Verhoeven"):
            assert needle not in text, f"{needle!r} still in {table}"
    # The counts stay: the confirmed endorsement and the ledger row.
    assert Endorsement.objects.filter(email__isnull=True, confirmed_at__isnull=False).count() == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.email.endswith("@gewist.invalid")


def test_pseudonyms_are_random_not_derived_from_the_address(world):
    import hashlib

    second = PublishVersionAction(world["document"], note="m", skip_permission_check=True).execute()
    for mailing in (world["mailing"], Mailing.objects.create(version=second)):
        Delivery.objects.create(mailing=mailing, email=EMAIL, status=DeliveryStatus.SENT)
    personal_data_erase(email=EMAIL)
    stand_ins = set(Delivery.objects.values_list("email", flat=True))
    assert len(stand_ins) == 2  # not one stable stand-in per address: rows are not linkable
    assert not any(hashlib.sha256(EMAIL.encode()).hexdigest()[:20] in s for s in stand_ins)
