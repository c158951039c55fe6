"""The public site around the document: the PDF per version, the activities overview, navigation, search,
meta tags and sitemap, and the Dutch 404/410 pages under DEBUG."""

import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.test import override_settings

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus, CallPage, InfoPage
from pages.pdf import version_pdf_name

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def published(document, note="Eerste versie."):
    return PublishVersionAction(document, note=note, skip_permission_check=True).execute()


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing: `make system-deps` installs it")
    path = tmp_path / "version.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_pdf_of_a_version_has_title_version_calls_activities_and_changes(
    client, make_document, media, tmp_path
):
    document = make_document(calls=5, activities_per_call=2, title="Calls to Action")
    published(document)
    activity = ActivityPage.objects.get(title="Activiteit 2.1")
    activity.status = ActivityStatus.RUNNING
    activity.save_revision().publish()
    published(document, note="Activiteit 2.1 loopt nu.")

    response = client.get(document.url + "versies/2/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    assert "Calls to Action" in text
    assert "Versie 2" in text
    for number in range(1, 6):
        assert f"Call {number}" in text
    assert "Activiteit 5.2" in text
    assert "Activiteit 2.1 loopt nu." in text  # the version's note
    assert "van gepland naar loopt" in text.replace("\n", " ") or "loopt" in text
    # title and version in the running head of every page
    pages = text.split("\f")
    printed = [page for page in pages if page.strip()]
    assert len(printed) >= 5
    assert all("Calls to Action" in page and "Versie 2" in page for page in printed)


def test_the_pdf_is_generated_once_and_kept(client, make_document, media):
    document = make_document(calls=1, activities_per_call=1)
    version = published(document)
    url = document.url + "versies/1/pdf/"
    assert not default_storage.exists(version_pdf_name(version=version))
    first = b"".join(client.get(url).streaming_content)
    assert default_storage.exists(version_pdf_name(version=version))
    # A later request reads what was stored: the stored file is what readers get, it is not rendered again.
    with default_storage.open(version_pdf_name(version=version), "wb") as stored:
        stored.write(first + b"%kept")
    assert b"".join(client.get(url).streaming_content).endswith(b"%kept")


def test_an_unknown_version_has_no_pdf(client, make_document, media):
    document = make_document(calls=1, activities_per_call=1)
    published(document)
    assert client.get(document.url + "versies/9/pdf/").status_code == 404


def test_the_activities_overview_filters_by_call_and_status_with_counts(client, make_document):
    document = make_document(calls=3, activities_per_call=2)
    running = ActivityPage.objects.get(title="Activiteit 2.2")
    running.status = ActivityStatus.RUNNING
    running.save_revision().publish()
    url = document.url + "activiteiten/"

    page = soup(client.get(url))
    assert len(page.select("article.activity")) == 6
    assert "6 activiteiten getoond" in page.select_one(".results-count").get_text()

    page = soup(client.get(url, {"status": "running"}))
    assert [a.get_text(strip=True) for a in page.select("article.activity .activity-title")] == [
        "Activiteit 2.2"
    ]
    status_links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".filter-list a")}
    assert status_links["Loopt 1"] == "?status=running"

    page = soup(client.get(url, {"call": "3"}))
    assert [a.get_text(strip=True) for a in page.select("article.activity .activity-title")] == [
        "Activiteit 3.1",
        "Activiteit 3.2",
    ]
    # garbage in the filters is ignored, never an error
    assert client.get(url, {"call": "<x>", "status": "'; drop"}).status_code == 200


def test_cards_show_status_when_where_needs_counts_and_what_changed(client, make_document):
    document = make_document(calls=1, activities_per_call=2)
    published(document)
    changed = ActivityPage.objects.get(title="Activiteit 1.2")
    changed.needs_people = "Twee gespreksleiders"
    changed.status = ActivityStatus.PREPARING
    changed.save_revision().publish()
    published(document, note="Activiteit 1.2 wordt voorbereid.")

    page = soup(client.get(document.url))
    card = page.select_one(f"#activiteit-{changed.pk}")
    assert "in voorbereiding" in card.select_one(".status-badge").get_text()
    assert "Twee gespreksleiders" in card.select_one(".needs").get_text()
    assert "Oost" in card.select_one(".where").get_text()
    assert card.select_one("[data-endorsement-count]").get_text() == "0"
    assert card.select_one("[data-signup-count]").get_text() == "0"
    assert card.select_one(".changed-marker").get_text(strip=True) == "Gewijzigd in versie 2"
    other = page.select_one(f"#activiteit-{ActivityPage.objects.get(title='Activiteit 1.1').pk}")
    assert other.select_one(".changed-marker") is None
    toc = [a["href"] for a in page.select(".toc ol a")]
    assert toc == ["#call-1"]
    assert page.select_one("section.call .call-summary").get_text() == "Tekst van call 1."


def test_navigation_footer_info_pages_and_meta(client, make_document, settings):
    document = make_document(calls=1, activities_per_call=1)
    about = InfoPage(title="Over ons", slug="over-ons", body="<p>Wij zijn een coalitie. Meer tekst.</p>")
    about.show_in_menus = True
    document.add_child(instance=about)
    document.add_child(instance=InfoPage(title="Privacyverklaring", slug="privacy", body="<p>Privacy.</p>"))
    page = soup(client.get(document.url))
    nav = [a.get_text(strip=True) for a in page.select(".site-nav a")]
    assert nav == ["Document", "Activiteiten", "Agenda", "Versies", "Nieuwsbrief", "Over ons"]
    assert [a.get_text(strip=True) for a in page.select(".footer-links a")] == [
        "Over ons",
        "Privacyverklaring",
    ]
    assert page.select_one('meta[name="description"]')["content"] == "Dit artikel is een dynamisch geheel."
    assert page.select_one('meta[property="og:title"]')["content"] == document.title
    assert page.select_one('meta[property="og:image"]')["content"].endswith(".png")

    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    meta = soup(client.get(activity.url)).select_one('meta[name="description"]')["content"]
    assert meta == "Beschrijving van activiteit 1.1."
    about_page = soup(client.get(about.url))
    assert about_page.select_one('meta[name="description"]')["content"] == "Wij zijn een coalitie."
    assert about_page.select_one('.site-nav a[aria-current="page"]').get_text() == "Over ons"


def test_site_search_finds_activities_and_calls(client, make_document):
    document = make_document(calls=2, activities_per_call=2)
    response = client.get(document.url + "zoeken/", {"q": "Activiteit 2.1"})
    assert response.status_code == 200
    titles = [a.get_text(strip=True) for a in soup(response).select(".search-results a")]
    assert "Activiteit 2.1" in titles
    assert client.get(document.url + "zoeken/", {"q": "<script>" * 50}).status_code == 200


def test_sitemap_and_robots(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    site_doc = document  # served under its own path below the root
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert CallPage.objects.get(slug="call-1").url in body or "call-1" in body
    assert site_doc.slug in body
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots


@override_settings(DEBUG=True)
def test_dutch_404_and_410_pages_under_debug(client, make_document):
    document = make_document(calls=1, activities_per_call=2)
    published(document)
    response = client.get(document.url + "bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    removed = ActivityPage.objects.get(title="Activiteit 1.2")
    removed_url = removed.url
    removed.unpublish()
    published(document, note="Activiteit 1.2 gaat niet door.")
    response = client.get(removed_url)
    assert response.status_code == 410
    assert "niet meer in het document" in response.content.decode()
