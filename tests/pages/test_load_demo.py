"""`load_demo` builds the Calls to Action from the 22 October 2021 text, at `/`, and is idempotent."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from pages.demo import parse_source
from pages.management.commands.load_demo import DEFAULT_SOURCE
from pages.models import ActivityPage, CallPage, DocumentPage, DocumentVersion

pytestmark = pytest.mark.django_db


def test_parser_finds_intro_five_calls_activities_closing_and_contact():
    demo = parse_source(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    assert [c.number for c in demo.calls] == [1, 2, 3, 4, 5]
    assert demo.calls[0].title == "De politiek spreekt zich uit: het moet anders"
    assert [len(c.activities) for c in demo.calls] == [6, 4, 0, 0, 2]
    assert demo.calls[2].paragraphs[0].startswith("Het introduceren van overlegsituaties")
    assert len(demo.calls[3].paragraphs) == 6
    assert demo.calls[0].paragraphs[-1].startswith("In al deze activiteiten")
    assert demo.version_date.isoformat() == "2021-10-22"
    assert demo.contact_email == "info@krachtvanmokum.nl"
    assert demo.closing[0].startswith("De coördinatiegroep")
    assert demo.notes and "dubbele" in demo.notes[0]
    assert demo.calls[0].activities[5].when_text == "rond begin maart 2022"


def _state():
    pages = [
        (p.pk, p.path, p.title, p.slug, p.live, p.latest_revision_id, p.last_published_at)
        for p in Page.objects.order_by("path")
    ]
    versions = list(DocumentVersion.objects.values_list("pk", "number", "published_at", "note"))
    return pages, Revision.objects.count(), versions, list(Site.objects.values_list("pk", "root_page_id"))


def test_load_demo_builds_the_home_page_and_changes_nothing_the_second_time(client):
    call_command("load_demo", stdout=io.StringIO())
    first = _state()
    call_command("load_demo", stdout=io.StringIO())
    assert _state() == first

    document = DocumentPage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == document.pk
    assert CallPage.objects.count() == 5
    assert ActivityPage.objects.count() == 12

    response = client.get("/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("section.call")) == 5
    assert len(page.select("article.activity")) == 12
    assert "Diabat met de fractieleiders" in page.get_text()
    assert "Versie 1 — 22 oktober 2021" in page.get_text()


def test_load_demo_creates_version_one_dated_22_october_2021():
    call_command("load_demo", stdout=io.StringIO())
    version = DocumentVersion.objects.get()
    assert version.number == 1
    assert version.published_at.date().isoformat() == "2021-10-22"
    assert "6 en 8 oktober" in version.note
    assert len(version.snapshot["calls"]) == 5
