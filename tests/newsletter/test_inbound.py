"""Reacting by email: provider payloads posted to the inbound URL become (or do not become) reactions in the inbox."""

import contextlib
import email
import importlib
from email import policy

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import clear_url_caches

from newsletter.models import Delivery, InboundIgnoreReason, InboundMessage, InboundStatus
from pages.models import ActivityPage
from supporters.models import Consent, Reaction, ReactionKind, ReactionStatus, SignUp
from supporters.replies import reply_address, reply_reference

from . import inbound_payloads as payloads

pytestmark = pytest.mark.django_db

DOMAIN = "reageer.kvm.example.org"
PLAIN = f"reactie@{DOMAIN}"
NEW_TEXT = "Goed idee, die wijkbijeenkomst in Oost. Ik kan de zaal van het buurthuis regelen."


def _reload_urls() -> None:
    import cms.urls
    import newsletter.urls

    importlib.reload(newsletter.urls)
    importlib.reload(cms.urls)
    clear_url_caches()


@contextlib.contextmanager
def mounted(provider: str):
    """Serve the site with INBOUND_EMAIL_PROVIDER=provider (the URLs are built from it at start-up)."""
    with override_settings(INBOUND_EMAIL_PROVIDER=provider):
        _reload_urls()
        try:
            yield
        finally:
            pass
    _reload_urls()


@pytest.fixture
def inbound_settings(settings):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": payloads.SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": payloads.MAILGUN_SIGNING_KEY,
    }
    settings.KVM_SUPPORTERS = {**getattr(settings, "KVM_SUPPORTERS", {}), "REPLY_DOMAIN": DOMAIN}
    return settings


@pytest.fixture
def postmark(inbound_settings):
    with mounted("postmark"):
        yield


@pytest.fixture
def mailgun(inbound_settings):
    with mounted("mailgun"):
        yield


@pytest.fixture
def amazon_ses(inbound_settings):
    with mounted("amazon_ses"):
        yield


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """deliver(post_function, *args) → the response; the background task runs as the worker would, by id."""

    def run(post, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, *args, **kwargs)

    return run


def read_eml(outbox, to: str):
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"].addresses[0].addr_spec == to:
            return message
    raise AssertionError(f"no mail to {to}")


def quoted_reply(new: str, original) -> str:
    """A reply as Gmail writes it: the new text, the attribution line, the original quoted with '> '."""
    body = original.get_body(preferencelist=("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in body.splitlines())
    return (
        f"{new}\n\nMet vriendelijke groet,\nAnna de Boer\n\n"
        f"On Tue, 1 Dec 2026 at 10:00, Kracht van Mokum <info@krachtvanmokum.nl> wrote:\n\n{quoted}\n"
    )


@pytest.fixture
def newsletter_sent(inbound_settings, make_document, make_subscriber, publish, outbox):
    """Version 1 sent to one confirmed subscriber as a real .eml; returns (document, version, the mail)."""
    make_subscriber("anna@example.org", name="Anna de Boer")
    document = make_document(calls=1, activities_per_call=1)
    version = publish(document, note="Eerste versie met de wijkbijeenkomsten.", audiences=["residents"])
    newsletter = read_eml(outbox, "anna@example.org")
    # From here on mail is kept in memory (django.core.mail.outbox), so tests see every mail that follows.
    inbound_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return document, version, newsletter


# --- Done when: a reply to a newsletter becomes one pending reaction linked to its version ---


def test_the_provider_gets_each_recipients_own_reply_to_in_one_bulk_call(
    inbound_settings, provider, make_document, make_subscriber, publish
):
    make_subscriber("anna@example.org")
    make_subscriber("bert@example.org")
    document = make_document(calls=1, activities_per_call=0)
    publish(document, note="Eerste versie.", audiences=["residents"])
    assert [call["path"] for call in provider.calls] == ["/email/bulk"]
    reply_tos = {m["to"]: m["headers"]["Reply-To"] for m in provider.messages}
    assert len(set(reply_tos.values())) == 2
    for to, reply_to in reply_tos.items():
        kind, pk = reply_reference(reply_to)
        assert kind == "d" and Delivery.objects.get(pk=pk).email == to


def test_a_reply_to_a_forged_reference_is_linked_to_the_document_only(postmark, deliver, newsletter_sent):
    document, _version, _newsletter = newsletter_sent
    forged = f"reactie+d1-0123456789abcdef@{DOMAIN}"
    deliver(payloads.post_postmark, payloads.postmark(from_email="anna@example.org", to=forged, text="Hoi"))
    reaction = Reaction.objects.get()
    assert reaction.version is None and reaction.contact is None
    assert reaction.target.pk == document.pk


def test_the_newsletter_carries_a_signed_reply_to_of_its_own(newsletter_sent):
    _document, version, message = newsletter_sent
    reply_to = message["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("reactie+d") and reply_to.endswith("@" + DOMAIN)
    assert len(reply_to.partition("@")[0]) <= 64  # RFC 5321 local part
    kind, pk = reply_reference(reply_to)
    assert kind == "d"
    delivery = Delivery.objects.get(pk=pk)
    assert delivery.email == "anna@example.org" and delivery.mailing.version == version
    assert reply_reference(reply_to.replace("-", "-0", 1)) is None  # tampered
    assert reply_reference(reply_to.upper()) == (kind, pk)  # mail systems may change case


def test_a_reply_to_a_newsletter_becomes_one_pending_reaction_linked_to_its_version(
    client, postmark, deliver, newsletter_sent, admin_user
):
    document, version, newsletter = newsletter_sent
    reply_to = newsletter["Reply-To"].addresses[0].addr_spec
    payload = payloads.postmark(
        from_email="anna@example.org",
        from_name="Anna de Boer",
        to=reply_to,
        subject="Re: " + newsletter["Subject"],
        text=quoted_reply(NEW_TEXT, newsletter),
    )
    response = deliver(payloads.post_postmark, payload)
    assert response.status_code == 200
    reaction = Reaction.objects.get()
    assert reaction.kind == ReactionKind.EMAIL
    assert reaction.status == ReactionStatus.NEW  # a confirmed subscriber: straight to moderation
    assert reaction.text == NEW_TEXT  # no quoted newsletter, no signature
    assert reaction.version == version and reaction.target.pk == document.pk
    assert reaction.name == "Anna de Boer" and reaction.email == "anna@example.org"
    assert reaction.subject == "Re: " + newsletter["Subject"]
    stored = InboundMessage.objects.get()
    assert stored.status == InboundStatus.REACTION and stored.reaction == reaction
    assert stored.body_text == "" and stored.body_html == ""  # the body lives on only as the reaction
    assert not mail.outbox  # no confirmation mail for a confirmed person

    client.force_login(admin_user)
    review = client.get(f"/admin/supporters/reacties/{reaction.pk}/").content.decode()
    assert f"versie {version.number}" in review
    assert "Re: " + newsletter["Subject"] in review
    inbox = client.get("/admin/supporters/reaction/").content.decode()
    assert "per e-mail" in inbox


def test_a_second_delivery_of_the_same_message_changes_nothing(postmark, deliver, newsletter_sent):
    _document, _version, newsletter = newsletter_sent
    payload = payloads.postmark(
        from_email="anna@example.org",
        to=newsletter["Reply-To"].addresses[0].addr_spec,
        text=quoted_reply(NEW_TEXT, newsletter),
    )
    assert deliver(payloads.post_postmark, payload).status_code == 200
    again = dict(payload, MessageID="another-postmark-id")  # the provider retries; Message-ID is the same
    assert deliver(payloads.post_postmark, again).status_code == 200
    assert deliver(payloads.post_postmark, payload).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Reaction.objects.count() == 1


def test_bad_or_missing_auth_is_refused_and_nothing_is_stored(postmark, deliver):
    payload = payloads.postmark(from_email="kees@example.org", to=PLAIN, text="Hallo")
    for auth in (None, "webhook:fout", "x"):
        assert deliver(payloads.post_postmark, payload, auth=auth).status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Reaction.objects.exists()


def test_only_the_configured_providers_inbound_url_is_mounted(client, postmark):
    assert client.post("/nieuwsbrief/provider/mailgun/inbound/", {}).status_code == 404
    assert client.post("/nieuwsbrief/provider/amazon_ses/inbound/", {}).status_code == 404
    assert client.post("/nieuwsbrief/provider/sendgrid/inbound/", {}).status_code == 404
    # the tracking webhooks are not this module's business and stay where they were
    assert client.post("/nieuwsbrief/provider/postmark/tracking/", {}).status_code == 400


def test_without_an_inbound_provider_no_inbound_url_exists(client, inbound_settings):
    with mounted(""):
        assert client.post("/nieuwsbrief/provider/postmark/inbound/", {}).status_code == 404


def test_malformed_json_is_a_bad_request_not_a_crash(client, postmark):
    response = client.post(
        "/nieuwsbrief/provider/postmark/inbound/",
        "{not json",
        content_type="application/json",
        **payloads.basic_auth(),
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


# --- Done when: an auto-reply, a bounce report and an oversized message become no reaction ---


@pytest.mark.parametrize(
    "headers",
    [
        [("Auto-Submitted", "auto-replied")],  # RFC 3834
        [("X-Autoreply", "yes")],
        [("Precedence", "auto_reply")],
        [("Precedence", "bulk")],
    ],
)
def test_an_auto_reply_becomes_no_reaction(postmark, deliver, headers):
    payload = payloads.postmark(
        from_email="kees@example.org",
        to=PLAIN,
        subject="Automatisch antwoord: Kracht van Mokum",
        text="Ik ben tot 4 januari afwezig en lees mijn mail niet.",
        headers=headers,
    )
    assert deliver(payloads.post_postmark, payload).status_code == 200
    stored = InboundMessage.objects.get()
    assert stored.status == InboundStatus.IGNORED
    assert stored.ignore_reason == InboundIgnoreReason.AUTO_REPLY
    assert not Reaction.objects.exists()
    assert not mail.outbox


def test_the_editor_sees_set_aside_mails_with_their_reason(client, postmark, deliver, admin_user):
    payload = payloads.postmark(
        from_email="kees@example.org",
        to=PLAIN,
        subject="Afwezig",
        text="Ik ben afwezig.",
        headers=[("Auto-Submitted", "auto-replied")],
    )
    deliver(payloads.post_postmark, payload)
    client.force_login(admin_user)
    listing = client.get("/admin/newsletter/inboundmessage/").content.decode()
    assert "Afwezig" in listing and "automatisch antwoord of afwezigheidsbericht" in listing
    assert "kees@example.org" not in listing


def test_a_bounce_report_becomes_no_reaction(mailgun, deliver):
    raw = payloads.delivery_report(to=PLAIN, failed="weg@example.org")
    fields = {"recipient": PLAIN, "sender": "", "body-mime": raw}
    assert deliver(payloads.post_mailgun, fields, mime=True).status_code == 200
    stored = InboundMessage.objects.get()
    assert stored.ignore_reason == InboundIgnoreReason.BOUNCE
    assert not Reaction.objects.exists()
    assert not mail.outbox


def test_our_own_mail_coming_back_becomes_no_reaction(postmark, deliver):
    payload = payloads.postmark(from_email="info@krachtvanmokum.nl", to=PLAIN, text="Een kopie van onszelf")
    deliver(payloads.post_postmark, payload)
    assert InboundMessage.objects.get().ignore_reason == InboundIgnoreReason.OWN_ADDRESS
    assert not Reaction.objects.exists()


def test_an_oversized_message_becomes_no_reaction_and_its_content_is_not_kept(
    postmark, deliver, inbound_settings, make_document
):
    make_document(calls=1, activities_per_call=0)
    inbound_settings.KVM_NEWSLETTER = {**inbound_settings.KVM_NEWSLETTER, "INBOUND_MAX_BYTES": 50_000}
    payload = payloads.postmark(
        from_email="kees@example.org",
        to=PLAIN,
        text="Zie de foto's",
        attachments=[("buurthuis.jpg", "image/jpeg", b"\xff\xd8\xff" + b"x" * 80_000)],
    )
    assert deliver(payloads.post_postmark, payload).status_code == 200
    stored = InboundMessage.objects.get()
    assert stored.ignore_reason == InboundIgnoreReason.TOO_LARGE
    assert stored.body_text == ""
    assert stored.attachments[0]["name"] == "buurthuis.jpg" and stored.attachments[0]["size"] > 80_000
    assert not Reaction.objects.exists()
    assert not mail.outbox


def test_attachments_are_not_stored_but_the_editor_sees_names_and_sizes(
    client, postmark, deliver, newsletter_sent, admin_user
):
    _document, _version, newsletter = newsletter_sent
    payload = payloads.postmark(
        from_email="anna@example.org",
        to=newsletter["Reply-To"].addresses[0].addr_spec,
        text="Hierbij het plan.",
        attachments=[("plan.pdf", "application/pdf", b"%PDF-1.4 " + b"0" * 2000)],
    )
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    assert reaction.attachments == [{"name": "plan.pdf", "type": "application/pdf", "size": 2009}]
    client.force_login(admin_user)
    review = client.get(f"/admin/supporters/reacties/{reaction.pk}/").content.decode()
    assert "plan.pdf" in review and "2,0\xa0KB" in review


def test_html_only_mail_is_reduced_to_safe_text_without_the_quote(postmark, deliver, newsletter_sent):
    _document, _version, newsletter = newsletter_sent
    html = (
        "<div dir='ltr'>Ik wil <b>graag</b> helpen<script>alert(1)</script> met de "
        "<a href='https://x.example/'>conferentie</a>.<br><br>Anna</div>"
        "<div class='gmail_quote'><div>Op di 1 dec 2026 schreef Kracht van Mokum:</div>"
        "<blockquote type='cite'>Versie 1 van het document …</blockquote></div>"
    )
    payload = payloads.postmark(
        from_email="anna@example.org", to=newsletter["Reply-To"].addresses[0].addr_spec, html=html
    )
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    assert reaction.text == "Ik wil graag helpen met de conferentie.\n\nAnna"
    assert "<" not in reaction.text and "alert" not in reaction.text


# --- Done when: an unknown sender gets one confirm mail; shown only after confirmation and approval ---


def test_an_unknown_sender_gets_one_confirm_mail_and_is_shown_only_after_confirmation_and_approval(
    client, postmark, deliver, make_document, admin_user
):
    document = make_document(calls=1, activities_per_call=0)
    first = payloads.postmark(
        from_email="Kees@Example.org",
        from_name="Kees Bakker",
        to="info@krachtvanmokum.nl",  # the address in the document itself
        subject="Reactie op het document",
        text="Ik mis een oproep over de buurtbegroting.",
    )
    second = payloads.postmark(
        from_email="kees@example.org", to="info@krachtvanmokum.nl", text="En nog iets over de wijkraad."
    )
    deliver(payloads.post_postmark, first)
    deliver(payloads.post_postmark, second)
    reactions = list(Reaction.objects.order_by("pk"))
    assert [r.status for r in reactions] == [ReactionStatus.UNCONFIRMED] * 2
    assert all(r.target.pk == document.pk for r in reactions)  # the plain address: the document
    assert len(mail.outbox) == 1  # one confirm mail, however often they write
    confirm = mail.outbox[0]
    assert confirm.to == ["kees@example.org"]
    consent = Consent.objects.get(pk=reactions[0].consent_id)
    assert consent.purpose == "reaction-email" and "e-mail" in consent.wording
    assert consent.wording in confirm.body  # the wording stored is the wording they were shown

    public = f"/steun/{document.pk}/reacties/"
    assert "buurtbegroting" not in client.get(public).content.decode()
    link = next(word for word in confirm.body.split() if "/steun/bevestigen/" in word)
    assert client.post(link).status_code == 200
    assert {r.status for r in Reaction.objects.all()} == {ReactionStatus.NEW}  # both confirmed at once
    assert "buurtbegroting" not in client.get(public).content.decode()  # confirmed, not yet approved

    client.force_login(admin_user)
    client.post(f"/admin/supporters/reacties/{reactions[0].pk}/", {"decision": "approve"})
    client.logout()
    page = client.get(public).content.decode()
    assert "buurtbegroting" in page
    assert "kees@example.org" not in page.lower()


def test_a_sender_over_the_rate_limit_gets_no_second_confirm_mail_and_no_reaction(
    postmark, deliver, inbound_settings, make_document
):
    make_document(calls=1, activities_per_call=0)
    inbound_settings.KVM_NEWSLETTER = {**inbound_settings.KVM_NEWSLETTER, "INBOUND_PER_SENDER_PER_HOUR": 3}
    for number in range(5):
        payload = payloads.postmark(from_email="spam@example.org", to=PLAIN, text=f"Bericht {number}")
        deliver(payloads.post_postmark, payload)
    assert Reaction.objects.count() == 3
    assert InboundMessage.objects.filter(ignore_reason=InboundIgnoreReason.RATE_LIMITED).count() == 2
    assert len(mail.outbox) == 1


# --- Done when: an emailed suggestion becomes a draft activity; publishing a version mails the sender once ---


def test_an_emailed_suggestion_turned_into_a_draft_activity_mails_the_sender_once_when_published(
    client, postmark, deliver, newsletter_sent, admin_user, publish
):
    document, _version, newsletter = newsletter_sent
    payload = payloads.postmark(
        from_email="anna@example.org",
        from_name="Anna de Boer",
        to=newsletter["Reply-To"].addresses[0].addr_spec,
        text=quoted_reply("Organiseer een buurtontbijt op het Mercatorplein.", newsletter),
    )
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    call = document.get_children().specific().first()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/supporters/reacties/{reaction.pk}/",
        {"decision": "activity", "call": call.pk, "title": "Buurtontbijt Mercatorplein"},
    )
    assert response.status_code == 302
    reaction.refresh_from_db()
    activity = reaction.activity.specific
    assert activity.title == "Buurtontbijt Mercatorplein" and not activity.live
    activity.save_revision().publish()
    mail.outbox.clear()
    version = publish(document, note="Het buurtontbijt is erbij.")
    notices = [m for m in mail.outbox if "onderdeel van versie" in m.subject]
    assert len(notices) == 1 and notices[0].to == ["anna@example.org"]
    assert str(version.number) in notices[0].subject
    mail.outbox.clear()
    publish(document, note="Nog een versie.")
    assert not [m for m in mail.outbox if "onderdeel van versie" in m.subject]


def test_an_emailed_offer_to_help_becomes_a_sign_up(client, postmark, deliver, newsletter_sent, admin_user):
    document, _version, newsletter = newsletter_sent
    payload = payloads.postmark(
        from_email="anna@example.org",
        to=newsletter["Reply-To"].addresses[0].addr_spec,
        text="Ik wil helpen bij de wijkbijeenkomst, op zaterdagen.",
    )
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    activity = ActivityPage.objects.descendant_of(document).first()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/supporters/reacties/{reaction.pk}/",
        {"decision": "signup", "activity": activity.pk, "role": "helper"},
    )
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert signup.email == "anna@example.org" and signup.activity_id == activity.pk
    assert signup.is_confirmed and signup.role == "helper"
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.PROCESSED


# --- links: change notices and candidate mails ---


@pytest.fixture
def change_notice_sent(inbound_settings, make_document, publish):
    """An endorser of an activity that the next version renames gets a change notice (locmem mail)."""
    from django.utils import timezone

    from supporters.models import Endorsement

    document = make_document(calls=1, activities_per_call=1)
    activity = document.get_descendants().live().last().specific
    publish(document, note="Eerste versie.")
    Endorsement.objects.create(
        email="bert@example.org", name="Bert", target=activity, confirmed_at=timezone.now()
    )
    activity.title = "Wijkbijeenkomst Oost (nieuwe naam)"
    activity.save_revision().publish()
    mail.outbox.clear()
    version = publish(document, note="Hernoemd.")
    notice = next(m for m in mail.outbox if m.to == ["bert@example.org"])
    return activity, version, notice


def test_a_change_notice_reply_is_linked_to_its_activity_and_version(postmark, deliver, change_notice_sent):
    activity, version, notice = change_notice_sent
    assert len(notice.reply_to) == 1
    reply_to = notice.reply_to[0]
    assert reply_reference(reply_to)[0] == "c"
    payload = payloads.postmark(from_email="bert@example.org", to=reply_to, text="Prima, ik blijf erbij.")
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    assert reaction.target.pk == activity.pk and reaction.version == version
    assert reaction.status == ReactionStatus.NEW  # Bert confirmed his endorsement: a confirmed person
    assert reaction.activity is None  # not "your suggestion became part of a version"


def test_a_candidate_reply_is_linked_to_the_candidate_and_party(
    client, postmark, deliver, inbound_settings, outreach_sent, admin_user
):
    _document, version, _mailing = outreach_sent
    from django.conf import settings as dj_settings

    candidate_mail = read_eml(dj_settings.EMAIL_OUTBOX_DIR, "bram@example.org")
    inbound_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    reply_to = candidate_mail["Reply-To"].addresses[0].addr_spec
    payload = payloads.postmark(
        from_email="bram@example.org",
        from_name="Bram Jansen",
        to=reply_to,
        text="Wij gaan graag in gesprek over de buurtbegroting.",
    )
    deliver(payloads.post_postmark, payload)
    reaction = Reaction.objects.get()
    assert reaction.version == version
    assert reaction.status == ReactionStatus.UNCONFIRMED and len(mail.outbox) == 1  # candidates confirm too
    assert reaction.contact.name == "Bram Jansen" and reaction.contact.organisation.name == "GroenLinks"
    client.force_login(admin_user)
    review = client.get(f"/admin/supporters/reacties/{reaction.pk}/").content.decode()
    assert "Bram Jansen" in review and "GroenLinks" in review


# --- Mailgun's and Amazon SES's payloads ---


def test_mailgun_forwarded_reply_becomes_a_reaction(mailgun, deliver, newsletter_sent):
    _document, version, newsletter = newsletter_sent
    fields = payloads.mailgun(
        from_email="anna@example.org",
        from_name="Anna de Boer",
        to=newsletter["Reply-To"].addresses[0].addr_spec,
        text=quoted_reply(NEW_TEXT, newsletter),
    )
    assert deliver(payloads.post_mailgun, fields).status_code == 200
    reaction = Reaction.objects.get()
    assert reaction.text == NEW_TEXT and reaction.version == version


def test_mailgun_with_a_bad_signature_is_refused(mailgun, deliver):
    fields = payloads.mailgun(from_email="kees@example.org", to=PLAIN, text="Hallo")
    signed = payloads.mailgun_sign(fields, key="wrong-key")
    assert deliver(payloads.post_mailgun, signed, sign=False).status_code == 400
    assert deliver(payloads.post_mailgun, fields, auth=None).status_code == 400
    assert not InboundMessage.objects.exists()


def test_amazon_ses_notification_becomes_a_reaction_in_dutch_gmail_style(
    amazon_ses, deliver, newsletter_sent
):
    _document, version, newsletter = newsletter_sent
    reply_to = newsletter["Reply-To"].addresses[0].addr_spec
    text = (
        "Ik kom naar de conferentie.\n\n"
        "Op di 1 dec 2026 om 10:00 schreef Kracht van Mokum <info@krachtvanmokum.nl>:\n\n"
        "> Versie 1 van het document\n> Eerste versie met de wijkbijeenkomsten.\n"
    )
    raw = payloads.mime(from_email="Anna de Boer <anna@example.org>", to=reply_to, text=text)
    body, headers = payloads.ses(raw, recipient=reply_to)
    assert deliver(payloads.post_ses, body, headers).status_code == 200
    reaction = Reaction.objects.get()
    assert reaction.text == "Ik kom naar de conferentie."
    assert reaction.version == version
    # the same mail delivered again (SNS retries with the same message): stored once
    assert deliver(payloads.post_ses, body, headers).status_code == 200
    assert Reaction.objects.count() == 1


def test_amazon_ses_without_credentials_gets_the_challenge_sns_needs(amazon_ses, deliver):
    raw = payloads.mime(from_email="kees@example.org", to=PLAIN, text="Hallo")
    body, headers = payloads.ses(raw, recipient=PLAIN)
    assert deliver(payloads.post_ses, body, headers, auth=None).status_code == 401
    assert deliver(payloads.post_ses, body, headers, auth="webhook:fout").status_code == 400
    assert not InboundMessage.objects.exists()


# --- privacy ---


def test_inbound_mail_is_in_the_export_and_erased_with_everything_else(postmark, deliver, make_document):
    from supporters.services import personal_data_collect, personal_data_erase

    make_document(calls=1, activities_per_call=0)
    payload = payloads.postmark(
        from_email="kees@example.org",
        to=PLAIN,
        subject="Over de wijkraad",
        text="Mijn idee over de wijkraad.",
    )
    deliver(payloads.post_postmark, payload)
    export = personal_data_collect(email="kees@example.org")
    assert export["ontvangen e-mails"][0]["onderwerp"] == "Over de wijkraad"
    assert export["reactions"][0]["text"] == "Mijn idee over de wijkraad."
    personal_data_erase(email="kees@example.org")
    assert not InboundMessage.objects.exists()
    reaction = Reaction.objects.get()
    assert reaction.email is None and "wijkraad" not in reaction.text


def test_reply_addresses_need_a_domain(settings):
    settings.KVM_SUPPORTERS = {}
    assert reply_address(kind="d", pk=1) == ""


def test_readers_on_the_site_cannot_choose_the_email_kind(client, make_document):
    document = make_document(calls=1, activities_per_call=0)
    page = client.get(document.url).content.decode()
    assert 'value="reaction"' in page
    assert 'value="email"' not in page


def test_a_body_far_beyond_the_limit_is_refused_before_it_is_read(postmark, deliver, inbound_settings):
    inbound_settings.KVM_NEWSLETTER = {**inbound_settings.KVM_NEWSLETTER, "INBOUND_MAX_BYTES": 1_000}
    payload = payloads.postmark(from_email="kees@example.org", to=PLAIN, text="x" * 5_000)
    assert deliver(payloads.post_postmark, payload).status_code == 413
    assert not InboundMessage.objects.exists()


def test_mailgun_attachments_are_listed_not_kept(mailgun, deliver, make_document):
    import io

    make_document(calls=1, activities_per_call=0)
    photo = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 3000)
    photo.name = "zaal.png"
    fields = payloads.mailgun(from_email="kees@example.org", to=PLAIN, text="Zo ziet de zaal eruit.")
    fields.update({"attachment-count": "1", "attachment-1": photo})
    assert deliver(payloads.post_mailgun, fields).status_code == 200
    reaction = Reaction.objects.get()
    assert reaction.attachments == [{"name": "zaal.png", "type": "image/png", "size": 3008}]
    assert reaction.text == "Zo ziet de zaal eruit."


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"text"',
        "null",
        '{"RecordType": "Bounce", "ID": 1}',
        '{"FromFull": 5, "Headers": "x"}',
        "\udcff",
    ],
)
def test_garbage_from_an_authenticated_poster_is_a_bad_request(client, postmark, body):
    response = client.post(
        "/nieuwsbrief/provider/postmark/inbound/",
        body.encode("utf-8", "surrogateescape"),
        content_type="application/json",
        **payloads.basic_auth(),
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Reaction.objects.exists()


def test_an_empty_postmark_message_is_stored_and_set_aside(postmark, deliver):
    assert deliver(payloads.post_postmark, {}).status_code == 200
    assert InboundMessage.objects.get().ignore_reason == InboundIgnoreReason.NO_SENDER
    assert not Reaction.objects.exists()


@pytest.mark.parametrize(
    "body", ["{}", "[]", '{"Type": "Notification", "MessageId": "m", "Message": "nope"}']
)
def test_garbage_sns_posts_are_bad_requests(client, amazon_ses, body):
    response = client.post(
        "/nieuwsbrief/provider/amazon_ses/inbound/",
        body,
        content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="m",
        **payloads.basic_auth(),
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_processing_a_message_again_changes_nothing(postmark, deliver, make_document):
    from newsletter.inbound import inbound_message_process

    make_document(calls=1, activities_per_call=0)
    deliver(
        payloads.post_postmark, payloads.postmark(from_email="kees@example.org", to=PLAIN, text="Eén keer")
    )
    stored = InboundMessage.objects.get()
    inbound_message_process(message_pk=stored.pk)  # the worker retries the task after a crash
    assert Reaction.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_inbound_provider_without_webhook_secret_fails_the_deploy_check(settings):
    from newsletter.inbound import inbound_webhook_check

    settings.INBOUND_EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {}
    assert {error.id for error in inbound_webhook_check(None)} == {"newsletter.E018", "newsletter.E019"}
    settings.ANYMAIL = {"WEBHOOK_SECRET": "a:b", "MAILGUN_WEBHOOK_SIGNING_KEY": "k"}
    assert inbound_webhook_check(None) == []
    settings.INBOUND_EMAIL_PROVIDER = "sendgrid"
    assert [error.id for error in inbound_webhook_check(None)] == ["newsletter.E017"]


def test_a_candidates_reminder_carries_the_same_reply_to_as_the_first_mail(inbound_settings, outreach_sent):
    from django.conf import settings as dj_settings

    from newsletter.outreach.services import reminders_send

    _document, _version, mailing = outreach_sent
    first = read_eml(dj_settings.EMAIL_OUTBOX_DIR, "bram@example.org")["Reply-To"]
    inbound_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert reminders_send(mailing_id=mailing.pk, days=0) >= 1
    reminder = next(m for m in mail.outbox if m.to[0].endswith("<bram@example.org>"))
    assert reminder.message()["Reply-To"] == str(first)
