"""What each recipient reads: greeting, what changed since *their* last copy (or an introduction), the document,
the web version of exactly that version, and their own links — with every link absolute."""

from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from newsletter import sending
from newsletter.models import Audience, Frequency
from pages.models import ActivityPage

pytestmark = pytest.mark.django_db

BASE = "https://kvm.example.org"


def emails_by_address() -> dict:
    found = {}
    for message in mail.outbox:
        html = dict((mime, content) for content, mime in message.alternatives)["text/html"]
        found[message.to[0].split("<")[-1].rstrip(">")] = (message, BeautifulSoup(html, "html.parser"))
    return found


def change_activity(current_title: str, **fields) -> None:
    activity = ActivityPage.objects.get(title=current_title)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save_revision().publish()


def test_each_recipient_reads_what_changed_since_their_own_last_copy(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=2)
    make_subscriber("oud@example.org", name="Olga")
    make_subscriber("alleen-groot@example.org", frequency=Frequency.MAJOR)
    publish(document, note="Eerste versie.", audiences=["residents"], is_major=True)

    make_subscriber("nieuw@example.org")
    mail.outbox.clear()
    change_activity("Activiteit 1.1", status="running")
    publish(document, note="Activiteit 1.1 is begonnen.", audiences=["residents"])
    second = emails_by_address()
    assert set(second) == {"oud@example.org", "nieuw@example.org"}  # the major-only reader skips version 2

    old_message, old_html = second["oud@example.org"]
    assert "Beste Olga," in old_message.body
    changes = old_html.select_one(".changes").get_text(" ", strip=True)
    assert "sinds versie 1" in changes
    assert "Activiteit 1.1 is begonnen." in changes
    assert "Status van “Activiteit 1.1”: gepland → loopt." in changes
    assert "voor het eerst" not in old_message.body

    new_message, new_html = second["nieuw@example.org"]
    assert "Beste lezer," in new_message.body
    assert "voor het eerst" in new_html.select_one(".intro-box").get_text()
    assert not new_html.select(".changes")

    mail.outbox.clear()
    change_activity("Activiteit 1.2", title="Activiteit 1.2 hernoemd")
    publish(document, note="Grote herziening.", audiences=["residents"], is_major=True)
    third = emails_by_address()
    _message, major_html = third["alleen-groot@example.org"]
    changes = major_html.select_one(".changes").get_text(" ", strip=True)
    assert "sinds versie 1" in changes  # their last copy was version 1: versions 2 and 3 both listed
    assert "Activiteit 1.1 is begonnen." in changes and "Grote herziening." in changes
    _message, old_html = third["oud@example.org"]
    changes = old_html.select_one(".changes").get_text(" ", strip=True)
    assert "sinds versie 2" in changes
    assert "Activiteit 1.1 is begonnen." not in changes


def test_the_email_links_to_exactly_this_version_and_every_link_is_absolute(
    make_document, make_subscriber, publish
):
    document = make_document(
        calls=2, activities_per_call=1, intro='<p>Zie <a href="/over-ons/">over ons</a>.</p>'
    )
    make_subscriber("lezer@example.org")
    version = publish(document, audiences=["residents"])
    message, html = emails_by_address()["lezer@example.org"]
    links = [a["href"] for a in html.select("a[href]")]
    assert version.full_url in links
    assert f"{BASE}/over-ons/" in links
    assert all(link.startswith((BASE + "/", "mailto:")) for link in links), links
    assert any("/nieuwsbrief/afmelden/" in link for link in links)
    assert any("/nieuwsbrief/voorkeuren/" in link for link in links)
    for link in links:
        if link.startswith(BASE):
            assert link in message.body  # the text part carries every link too


def test_html_has_inlined_css_and_a_text_alternative(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=1)
    make_subscriber("lezer@example.org")
    publish(document, audiences=["residents"])
    message, html = emails_by_address()["lezer@example.org"]
    assert not html.select("style") and not html.select("link")
    assert "background" in html.select_one(".masthead")["style"]
    assert "1. Call 1\n---------" in message.body
    assert "<" not in message.body.replace("<https", "")


def test_names_are_escaped_in_html(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("lezer@example.org", name='<script>alert("x")</script> & Zn')
    publish(document, audiences=["residents"])
    message, html = emails_by_address()["lezer@example.org"]
    assert not html.select("script")
    assert '<script>alert("x")</script> & Zn' in html.get_text()
    assert 'Beste <script>alert("x")</script> & Zn,' in message.body


def test_summary_template_lists_calls_with_links_instead_of_the_full_text(
    make_document, make_subscriber, publish
):
    Audience.objects.filter(key="allies").update(template="summary")
    document = make_document(calls=2, activities_per_call=1)
    make_subscriber("bondgenoot@example.org", audiences=("allies",))
    make_subscriber("bewoner@example.org", audiences=("residents",))
    version = publish(document, audiences=["residents", "allies"])
    found = emails_by_address()
    _message, summary = found["bondgenoot@example.org"]
    _message, full = found["bewoner@example.org"]
    assert f"{version.full_url}#call-2" in [a["href"] for a in summary.select("a[href]")]
    assert "Beschrijving van activiteit 1.1." not in summary.get_text()
    assert "Beschrijving van activiteit 1.1." in full.get_text()
    assert "Bondgenoten" in summary.select_one(".footer").get_text()


def test_rendering_is_once_per_variant_not_per_recipient(make_document, make_subscriber, publish):
    document = make_document(calls=1, activities_per_call=1)
    for n in range(20):
        make_subscriber(f"bewoner{n}@example.org", audiences=("residents",))
    for n in range(10):
        make_subscriber(f"bondgenoot{n}@example.org", audiences=("allies",))
    with mock.patch.object(sending, "render_variant", wraps=sending.render_variant) as render:
        publish(document, audiences=["residents", "allies"])
    assert len(mail.outbox) == 30
    assert render.call_count == 2  # two audiences × first-timers
    assert len({message.to[0] for message in mail.outbox}) == 30
    assert len({message.extra_headers["List-Unsubscribe"] for message in mail.outbox}) == 30
