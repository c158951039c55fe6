"""Endorse, sign up and react through the API: the forms' path (validation, double opt-in, rate limits, consent)."""

import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pages.models import ActivityPage, CallPage
from supporters.forms import ENDORSE_CONSENT, REACTION_CONSENT, SIGNUP_CONSENT
from supporters.models import Consent, Contact, Endorsement, Organisation, Reaction, ReactionStatus, SignUp

pytestmark = pytest.mark.django_db

API = "/api/v3/supporters/"
PROBLEM_JSON = "application/problem+json"
LINK = re.compile(r"https://kvm\.example\.org(/steun/bevestigen/\S+)")


def endorsement(**overrides) -> dict:
    return {
        "name": "Jan Jansen",
        "email": "jan@example.org",
        "visibility": "name",
        "consent": True,
        **overrides,
    }


def signup(**overrides) -> dict:
    return {
        "name": "Fatima El Amrani",
        "email": "fatima@example.org",
        "role": "helper",
        "consent": True,
        **overrides,
    }


def reaction(**overrides) -> dict:
    return {
        "kind": "suggestion",
        "text": "Organiseer een buurtgesprek in de bibliotheek.",
        "name": "Piet de Vries",
        "email": "piet@example.org",
        "visibility": "initials",
        "consent": True,
        **overrides,
    }


@pytest.fixture
def api_post(client, django_capture_on_commit_callbacks):
    """api_post(path, data) → a JSON POST to the API, with on-commit work (the queued email) run as on commit."""

    def send(path, data, **extra):
        body = data if isinstance(data, str) else json.dumps(data)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(API + path, body, content_type="application/json", **extra)

    return send


@pytest.fixture
def document_with_pages(make_document):
    document = make_document(calls=1, activities_per_call=1)
    return document, CallPage.objects.child_of(document).get(), ActivityPage.objects.get()


def confirm_last_email(client) -> None:
    link = LINK.search(mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 200


def outline_counts(client, document) -> dict:
    body = client.get(f"/api/v3/living-documents/{document.pk}/").json()
    call = body["calls"][0]
    return {"document": body["counts"], "call": call["counts"], "activity": call["activities"][0]["counts"]}


def test_endorsing_needs_the_emailed_confirmation_and_then_counts_once(client, api_post, document_with_pages):
    document, _call, activity = document_with_pages
    response = api_post(
        f"pages/{activity.pk}/endorsements/", endorsement(), HTTP_REFERER="https://partner.example/steun"
    )
    assert response.status_code == 202
    assert "Klik op de link" in response.json()["detail"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jan@example.org"]
    assert outline_counts(client, document)["activity"]["endorsements"] == 0

    confirm_last_email(client)
    counts = outline_counts(client, document)
    assert counts["activity"] == {"endorsements": 1, "organisers": 0, "helpers": 0, "waitlisted": 0}
    assert counts["document"] == {"endorsements": 0} and counts["call"] == {"endorsements": 0}
    assert client.get(f"/api/v3/pages/{activity.pk}/").json()["public_counts"]["endorsements"] == 1

    again = api_post(f"pages/{activity.pk}/endorsements/", endorsement(name="Jan J."))
    assert again.status_code == 202
    assert Endorsement.objects.get().name == "Jan Jansen"  # a confirmed endorsement is never changed
    assert outline_counts(client, document)["activity"]["endorsements"] == 1
    consent = Consent.objects.filter(purpose="endorsement").order_by("pk").first()
    assert consent.wording == str(ENDORSE_CONSENT)
    assert consent.source_url == "https://partner.example/steun"


def test_known_and_unknown_addresses_get_the_identical_answer(client, api_post, document_with_pages):
    document, _call, _activity = document_with_pages
    api_post(f"pages/{document.pk}/endorsements/", endorsement())
    confirm_last_email(client)
    known = api_post(f"pages/{document.pk}/endorsements/", endorsement())
    unknown = api_post(f"pages/{document.pk}/endorsements/", endorsement(email="nieuw@example.org"))
    assert (known.status_code, known.content, known["Content-Type"]) == (
        unknown.status_code,
        unknown.content,
        unknown["Content-Type"],
    )
    assert mail.outbox[-2].subject == "U had dit al bevestigd"  # only the owner of the address learns it
    assert Endorsement.objects.count() == 2


def test_the_forms_rules_and_dutch_messages_apply(api_post, document_with_pages):
    document, _call, _activity = document_with_pages
    response = api_post(
        f"pages/{document.pk}/endorsements/",
        endorsement(email="geen-adres", visibility="iedereen", consent=False, name="x" * 121),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["title"] == "Ongeldige invoer"
    errors = {error["loc"][-1]: error for error in body["errors"]}
    assert set(errors) == {"email", "visibility", "consent", "name"}
    assert errors["email"]["msg"] == "Voer een geldig e-mailadres in."
    assert errors["consent"]["msg"] == "Dit is een verplicht veld."  # Django's own Dutch, as on the site
    assert errors["email"]["loc"] == ["body", "data", "email"]
    assert "geen-adres" not in response.content.decode()
    assert Endorsement.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (endorsement(name=42), 422, "Vul hier tekst in."),
        ({"email": "jan@example.org"}, 422, "Dit veld is verplicht."),
        ("{niet: json", 400, "De inhoud van het verzoek is geen geldige JSON."),
        ("[1, 2]", 422, None),
    ],
)
def test_malformed_bodies_are_problems_never_500(api_post, document_with_pages, body, status, message):
    document, _call, _activity = document_with_pages
    response = api_post(f"pages/{document.pk}/endorsements/", body)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    problem = response.json()
    if message and status == 422:
        assert message in {error["msg"] for error in problem["errors"]}
    elif message:
        assert problem["detail"] == message
    assert Endorsement.objects.count() == 0


def test_rate_limits_answer_429_in_dutch(api_post, settings, document_with_pages):
    document, call, _activity = document_with_pages
    settings.KVM_SUPPORTERS = {"RATE_PER_EMAIL": "2/h", "RATE_PER_IP": "3/h"}
    assert api_post(f"pages/{document.pk}/endorsements/", endorsement()).status_code == 202
    assert api_post(f"pages/{document.pk}/endorsements/", endorsement()).status_code == 202
    assert (
        api_post(f"pages/{document.pk}/endorsements/", endorsement(email="ander@example.org")).status_code
        == 202
    )
    limited = api_post(f"pages/{call.pk}/endorsements/", endorsement(email="derde@example.org"))
    assert limited.status_code == 429
    assert limited["Content-Type"] == PROBLEM_JSON
    assert limited["Retry-After"] == "3600"
    assert limited.json()["title"] == "Te veel verzoeken"
    assert "te vaak verstuurd" in limited.json()["detail"]
    assert not Endorsement.objects.filter(target=call).exists()
    # The forms and the API share the limits: the site's form from the same address is limited too.
    form = Client().post(f"/steun/{call.pk}/steunen/", {})
    assert form.status_code in {400, 429}


def test_the_honeypot_is_answered_as_success_and_stores_nothing(api_post, document_with_pages):
    document, _call, _activity = document_with_pages
    response = api_post(f"pages/{document.pk}/endorsements/", endorsement(website="http://spam.example"))
    assert response.status_code == 202
    assert Endorsement.objects.count() == 0 and mail.outbox == []


def test_unknown_or_unsuitable_pages_are_404(api_post, document_with_pages):
    _document, call, _activity = document_with_pages
    assert api_post("pages/999999/endorsements/", endorsement()).status_code == 404
    response = api_post(f"pages/{call.pk}/signups/", signup())
    assert response.status_code == 404
    assert response.json()["detail"] == "Er is geen openbare activiteit met dit id."
    call.unpublish()
    assert api_post(f"pages/{call.pk}/endorsements/", endorsement()).status_code == 404
    assert not Endorsement.objects.exists() and not SignUp.objects.exists()


def test_signing_up_counts_per_role_and_fills_the_capacity(client, api_post, document_with_pages):
    document, _call, activity = document_with_pages
    activity.organiser_capacity = 1
    activity.save_revision().publish()
    for email in ("a@example.org", "b@example.org"):
        response = api_post(f"pages/{activity.pk}/signups/", signup(email=email, role="organiser"))
        assert response.status_code == 202
        confirm_last_email(client)
    assert api_post(f"pages/{activity.pk}/signups/", signup(role="helper")).status_code == 202
    assert outline_counts(client, document)["activity"] == {
        "endorsements": 0,
        "organisers": 1,
        "helpers": 0,  # the helper has not confirmed
        "waitlisted": 1,
    }
    assert Consent.objects.filter(purpose="signup").first().wording == str(SIGNUP_CONSENT)


def test_reactions_and_suggestions_wait_for_confirmation_and_an_editor(client, api_post, document_with_pages):
    _document, call, _activity = document_with_pages
    response = api_post(f"pages/{call.pk}/reactions/", reaction())
    assert response.status_code == 202
    stored = Reaction.objects.get()
    assert (stored.kind, stored.status) == ("suggestion", ReactionStatus.UNCONFIRMED)
    confirm_last_email(client)
    stored.refresh_from_db()
    assert stored.status == ReactionStatus.NEW  # in the editors' inbox, nothing public yet
    assert Consent.objects.get(purpose="reaction").wording == str(REACTION_CONSENT)


def test_consent_texts_are_the_forms_wording(client):
    body = client.get(f"{API}consent-texts/").json()
    assert body == {
        "endorse": str(ENDORSE_CONSENT),
        "signup": str(SIGNUP_CONSENT),
        "react": str(REACTION_CONSENT),
    }


def test_public_endorsers_show_only_what_people_chose(client, api_post, document_with_pages):
    document, _call, activity = document_with_pages
    organisation = Organisation.objects.create(name="Buurtcentrum Oost")
    Contact.objects.create(name="Els Contact", email="els@buurtcentrum.example", organisation=organisation)
    submissions = [
        (document, endorsement(name="Anna Zichtbaar", email="anna@example.org", message="Hup!")),
        (document, endorsement(name="Karel Appelboom", email="karel@example.org", visibility="initials")),
        (document, endorsement(name="Stille Steuner", email="stil@example.org", visibility="count")),
        (
            activity,
            endorsement(
                name="Els Contact",
                email="els@buurtcentrum.example",
                organisation_name="Buurtcentrum Oost",
                on_behalf=True,
                visibility="count",
            ),
        ),
    ]
    for page, data in submissions:
        assert api_post(f"pages/{page.pk}/endorsements/", data).status_code == 202
        confirm_last_email(client)
    api_post(
        f"pages/{document.pk}/endorsements/", endorsement(name="Nog Onbevestigd", email="later@example.org")
    )

    body = client.get(f"{API}documents/{document.pk}/endorsers/").json()
    assert sorted(person["name"] for person in body["people"]) == ["Anna Zichtbaar", "K. A."]
    anna = next(person for person in body["people"] if person["name"] == "Anna Zichtbaar")
    assert anna["message"] == ""  # waits for an editor
    assert body["organisations"] == ["Buurtcentrum Oost"]
    assert client.get(f"{API}documents/999999/endorsers/").status_code == 404


def test_api_posts_need_no_csrf_token_or_session(document_with_pages, django_capture_on_commit_callbacks):
    document, _call, _activity = document_with_pages
    strict = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(
            f"{API}pages/{document.pk}/endorsements/",
            json.dumps(endorsement()),
            content_type="application/json",
        )
    assert response.status_code == 202


def test_outline_with_counts_keeps_its_query_count(client, api_post, make_document):
    small = make_document(calls=1, activities_per_call=1)
    large = make_document(calls=4, activities_per_call=6)
    for document in (small, large):
        for activity in ActivityPage.objects.descendant_of(document)[:2]:
            api_post(f"pages/{activity.pk}/endorsements/", endorsement(email=f"x{activity.pk}@example.org"))
            confirm_last_email(client)

    def queries(document) -> int:
        url = f"/api/v3/living-documents/{document.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        assert sum(a["counts"]["endorsements"] for c in body["calls"] for a in c["activities"]) >= 1
        return len(captured)

    assert queries(small) == queries(large)


def test_errors_never_repeat_the_submitted_value(api_post, document_with_pages):
    document, _call, _activity = document_with_pages
    response = api_post(f"pages/{document.pk}/endorsements/", endorsement(visibility="<b>iedereen</b>"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "type": "invalid_choice",
            "loc": ["body", "data", "visibility"],
            "msg": "Kies een van de toegestane waarden.",
        }
    ]
    assert "iedereen" not in response.content.decode()


def test_text_that_is_not_valid_unicode_is_refused_as_invalid_json(api_post, document_with_pages):
    document, _call, _activity = document_with_pages
    body = json.dumps(endorsement(name="Jan \udcff"))  # a lone surrogate, escaped as JSON allows
    assert "\\udcff" in body
    response = api_post(f"pages/{document.pk}/endorsements/", body)
    assert response.status_code == 400
    assert response.json()["detail"] == "De inhoud van het verzoek is geen geldige JSON."
    assert not Endorsement.objects.exists()
