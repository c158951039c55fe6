"""English next to Dutch: readers and editors can switch, the catalogues are complete, and Dutch stays the default."""

import gettext as gnu_gettext
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation
from wagtail.users.models import UserProfile

from cms.catalogues import catalogue_paths, read_po
from pages.actions import PublishVersionAction
from pages.models import ActivityPage, CallPage

from .supporters.conftest import endorse_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(html: BeautifulSoup, selector: str) -> str:
    return " ".join(html.select_one(selector).get_text(" ").split())


@pytest.fixture
def document(make_document):
    """A document with one call and one activity, and its first version."""
    document = make_document(calls=1, activities_per_call=1)
    PublishVersionAction(
        document, note="Eerste versie, zoals besproken.", skip_permission_check=True
    ).execute()
    return document


@pytest.fixture
def activity(document):
    call = CallPage.objects.child_of(document).first()
    return ActivityPage.objects.child_of(call).first()


# Readers


@pytest.mark.django_db
def test_the_document_in_english_translates_the_interface_not_the_content(client, document):
    response = client.get(document.url, **EN)
    html = soup(response)

    assert response["Content-Language"] == "en"
    assert html.html["lang"] == "en"
    assert text_of(html, ".activities-heading") == "Activities"
    assert text_of(html, "#toc-title") == "The calls to action"
    assert text_of(html, ".status-badge") == "Status: planned"
    assert text_of(html, ".version-line strong").startswith("Version 1 — ")
    assert html.select_one(".version-line a").get_text() == "All versions and what changed"
    assert html.select_one(".skip-link").get_text() == "Skip to content"
    endorse_form = html.select_one("form#endorse-form")
    assert endorse_form.select_one(".field-email label").get_text(strip=True).startswith("Email address")
    assert "Ik steun" not in endorse_form.get_text()
    # The content stays as the editors wrote it.
    assert html.h1.get_text() == document.title
    assert "Activiteit 1.1" in html.get_text()
    assert "Beschrijving van activiteit 1.1." in html.get_text()
    assert "Eerste versie, zoals besproken." in text_of(html, ".version-note")


@pytest.mark.django_db
def test_dutch_stays_the_default(client, document):
    html = soup(client.get(document.url))

    assert html.html["lang"] == "nl"
    assert text_of(html, ".activities-heading") == "Activiteiten"
    assert text_of(html, ".status-badge") == "Status: gepland"
    assert text_of(html, ".version-line strong").startswith("Versie 1 — ")
    assert (
        html.select_one("form#endorse-form .field-email label").get_text(strip=True).startswith("E-mailadres")
    )
    # A language the site does not offer falls back to Dutch, not to English.
    assert soup(client.get(document.url, HTTP_ACCEPT_LANGUAGE="de")).html["lang"] == "nl"


@pytest.mark.django_db
def test_the_footer_switch_keeps_the_readers_choice_in_the_language_cookie(client, document):
    switch = soup(client.get(document.url)).select_one("footer form.language-switch")
    assert switch["method"] == "post"
    assert switch.select_one("input[name=next]")["value"] == document.url
    assert switch.select_one("[aria-current]").get_text() == "Nederlands"
    button = switch.select_one("button[name=language]")
    assert (button["value"], button["lang"], button.get_text()) == ("en", "en", "English")

    response = client.post(switch["action"], {"language": "en", "next": document.url})
    assert response.status_code == 302
    assert response["Location"] == document.url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = soup(client.get(document.url))
    assert text_of(english, ".activities-heading") == "Activities"
    assert english.select_one("footer [aria-current]").get_text() == "English"
    # Every public page carries the switch; the reader's choice follows them there.
    history = soup(client.get(document.url + "versies/"))
    assert history.h1.get_text(strip=True) == "Versions and what changed"
    assert history.select_one("footer form.language-switch")

    client.post(switch["action"], {"language": "nl", "next": document.url})
    assert text_of(soup(client.get(document.url)), ".activities-heading") == "Activiteiten"


@pytest.mark.django_db
def test_the_page_cache_keeps_each_language_apart(client, settings, document):
    settings.KVM_PAGES = {**settings.KVM_PAGES, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    for _round in range(2):  # the second round is served from the cache
        assert text_of(soup(client.get(document.url)), ".activities-heading") == "Activiteiten"
        english = soup(client.get(document.url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
        assert text_of(english, ".activities-heading") == "Activities"


@pytest.mark.django_db
def test_error_pages_follow_the_readers_language(client, document):
    response = client.get("/bestaat-niet/", **EN)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Pagina niet gevonden" in client.get("/bestaat-niet/").content.decode()


# Emails


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url, data, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **headers)

    return send


def _confirmation_for(post, activity, **headers):
    """Submit an endorsement; run its queued email task as the worker would, outside the request."""
    with mock.patch("supporters.services.submissions.async_task") as enqueue:
        assert post(f"/steun/{activity.pk}/steunen/", endorse_data(), **headers).status_code == 200
    (task, *args), _kwargs = enqueue.call_args
    from supporters import tasks

    assert task == "supporters.tasks.submission_mail_send"
    with translation.override(settings.LANGUAGE_CODE):  # the worker knows no reader
        tasks.submission_mail_send(*args)
    return mail.outbox[-1]


@pytest.mark.django_db
def test_a_reader_who_endorses_in_english_gets_an_english_confirmation(post, activity):
    message = _confirmation_for(post, activity, **EN)

    assert message.subject == "Confirm your support for “Activiteit 1.1”"
    assert "Dear Jan Jansen," in message.body
    assert "(or someone using your email address) would like to endorse" in message.body
    assert "Confirm" in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_reader_who_endorses_in_dutch_gets_a_dutch_confirmation(post, activity):
    message = _confirmation_for(post, activity)

    assert message.subject == "Bevestig uw steun voor “Activiteit 1.1”"
    assert "Beste Jan Jansen," in message.body


# Editors


@pytest.mark.django_db
def test_the_admin_follows_each_editors_language_preference(client, admin_user):
    client.force_login(admin_user)
    dutch = client.get("/admin/nieuwsbrief/").content.decode()
    assert "Verzendingen" in dutch and "Mailings" not in dutch

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    english = client.get("/admin/nieuwsbrief/").content.decode()
    assert "Mailings" in english and "Verzendingen" not in english
    # Wagtail's own interface follows the same preference.
    assert '<html lang="en"' in english


# Catalogues


def _catalogues() -> list[Path]:
    languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return [path for language in languages for path in catalogue_paths(language)]


def _messages(po: Path):
    return [entry for entry in read_po(po) if entry.msgid and not entry.obsolete]


@pytest.mark.parametrize("po", _catalogues(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_catalogue_is_complete_and_compiled(po):
    header = next(entry for entry in read_po(po) if not entry.msgid).msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert "charset=UTF-8" in header
    entries = _messages(po)
    assert entries
    assert [e.msgid for e in entries if e.fuzzy] == [], "fuzzy entries: check them and remove the flag"
    assert [e.msgid for e in entries if not e.translated] == [], "untranslated entries: run `make messages`"
    for entry in entries:
        for translated in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )

    # The committed .mo says exactly what the .po says (compiled after the last edit).
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    for entry in entries:
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr[1]
        elif entry.msgctxt is not None:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], entry.msgid


@pytest.mark.parametrize("po", _catalogues(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_other_catalogue_reads_our_dutch_strings_differently(po):
    """Our msgids are Dutch: in Dutch no catalogue (Django's, Wagtail's) may translate them; in English ours wins."""
    for entry in _messages(po):
        if entry.msgid_plural or entry.msgctxt is not None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            assert translation.gettext(entry.msgid) == entry.msgid
        with translation.override("en"):
            assert translation.gettext(entry.msgid) == entry.msgstr[0]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_the_catalogues_hold_every_string_in_the_source(tmp_path):
    """A string marked for translation but missing from the catalogues would show in Dutch to English readers."""
    base = Path(settings.BASE_DIR)
    for name in ["cms", "pages", "supporters", "newsletter", "templates", "locale"]:
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    with override_settings(BASE_DIR=tmp_path, LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("update_translations", no_compile=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for committed in _catalogues():
        extracted = tmp_path / committed.relative_to(base)
        want = {(e.msgctxt, e.msgid) for e in _messages(extracted)}
        have = {(e.msgctxt, e.msgid) for e in _messages(committed)}
        assert sorted(want - have) == [], f"{committed}: new strings, run `make messages` and translate them"
        assert sorted(have - want) == [], f"{committed}: strings no longer used, run `make messages`"
