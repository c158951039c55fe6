"""Every admin listing and form of the project's models, as an editor sees it: in good Dutch, and in English
without Dutch left over.

The words below are the English an editor met in the Dutch admin (issue 14). A new listing or form is walked
without being added here: the test finds every modeladmin URL, snippet, page type and admin view the project's
code registers (`admin_urls`); a view with a URL parameter it cannot fill fails the walk until `view_arguments`
says which object to show.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from cms.catalogues import catalogue_paths, read_po
from newsletter.models import Audience, Mailing, Subscriber, Subscription, Suppression
from newsletter.outreach.models import OutreachActivity
from pages.actions import PublishVersionAction
from pages.models import ActivityPage, CallPage, InfoPage
from supporters.models import Contact, Endorsement, Organisation, Reaction, SignUp

pytestmark = pytest.mark.django_db

ENGLISH_WORDS = [
    "About",
    "Excerpt",
    "Confirmed",
    "Message review",
    "True",
    "False",
    "Download XLSX",
    "Download CSV",
    "Nieuw Activiteit",
    "Nieuw: Activiteit",
    "Nieuw: Call to action",
    "Nieuw: Informatiepagina",
    "Nieuw Doelgroep",
    "Nieuw Organisatie",
    "Nieuw Contactpersoon",
    "Waitlisted",
    "Created at",
    "Legal basis",
]
PROJECT_APPS = ("pages", "supporters", "newsletter")
PROJECT_PACKAGES = (*PROJECT_APPS, "cms")
# Admin views that only take a POST (a GET answers 405) or send a file, not a page.
NOT_PAGES = {
    "newsletter_admin:mailing_action",
    "outreach_admin:outreach_csv",
    "supporters_event_csv",
}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def _views(resolver, route="", namespace=""):
    """(url name, route, module of the view) of every named URL."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _views(entry, route + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            view = getattr(entry.callback, "view_class", entry.callback)
            yield namespace + entry.name, route + str(entry.pattern), view.__module__


def project_admin_views() -> dict[str, list[str]]:
    """url name → its parameters, for every view under /admin/ that the project's own code defines."""
    views = {}
    for name, route, module in _views(get_resolver()):
        if route.startswith("admin/") and module.split(".")[0] in PROJECT_PACKAGES and name not in NOT_PAGES:
            views[name] = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return views


def view_arguments(world) -> dict[str, dict]:
    """The object each project admin view with parameters shows in the walk."""
    return {
        "pages_publish_version": {"page_id": world["document"].pk},
        "supporters_reaction_review": {"pk": Reaction.objects.order_by("pk").first().pk},
        "supporters_event_registrations": {"event_id": world["event"].pk},
        "supporters_event_attendance": {"event_id": world["event"].pk},
        "newsletter_admin:mailing": {"pk": world["mailing"].pk},
        "newsletter_admin:version_mailing": {"version_id": world["mailing"].version_id},
        "outreach_admin:outreach_person": {"pk": world["candidate"].pk},
    }


@pytest.fixture
def world(make_document, make_event, admin_user, django_capture_on_commit_callbacks):
    document = make_document(calls=2, activities_per_call=2)
    document.add_child(instance=InfoPage(title="Over ons", slug="over-ons", body="<p>Wij.</p>"))
    call = CallPage.objects.child_of(document).first()
    activity = ActivityPage.objects.child_of(call).first()
    event = make_event(activity, parts=[("dialoogsessie", "19:30", "20:30", 2)])
    now = timezone.now()
    reader = Subscriber.objects.create(email="abonnee@example.org", confirmed_at=now)
    Subscription.objects.create(subscriber=reader, audience=Audience.objects.get(key="residents"))
    with django_capture_on_commit_callbacks(execute=True):
        PublishVersionAction(
            document, note="Eerste versie.", audiences=["residents"], skip_permission_check=True
        ).execute()
    organisation = Organisation.objects.create(name="Buurtnetwerk Oost", kind="residents")
    contact = Contact.objects.create(
        name="Anna de Vries", email="anna@example.org", organisation=organisation
    )
    Endorsement.objects.create(
        target=activity, name="Jan", email="jan@example.org", message="Goed plan", confirmed_at=now
    )
    SignUp.objects.create(activity=activity, name="Sem", email="sem@example.org", confirmed_at=now)
    Reaction.objects.create(
        target=call, kind="suggestion", text="Een buurtdebat in Noord " * 8, email="p@example.org"
    )
    subscriber = Subscriber.objects.create(email="lezer@example.org", confirmed_at=now)
    Subscription.objects.create(subscriber=subscriber, audience=Audience.objects.first())
    Suppression.objects.create(email="weg@example.org", reason="bounce")
    OutreachActivity.objects.create(page=activity, kind="debate")
    party = Organisation.objects.create(name="Mokumse Partij", kind="political_party")
    candidate = Contact.objects.create(
        name="Fatima el Amrani", email="fatima@example.org", organisation=party, role="candidate", position=1
    )
    return {
        "document": document,
        "call": call,
        "activity": activity,
        "event": event,
        "contact": contact,
        "candidate": candidate,
        "mailing": Mailing.objects.get(version__document=document),
    }


def admin_urls(world) -> list[str]:
    """Every modeladmin index/create/edit/inspect and snippet list/add/edit of the project's models, add and edit
    of each of its page types, the dashboard and explorer, and every admin view of its own."""
    from django.apps import apps
    from wagtail.models import get_page_models
    from wagtail.snippets.models import get_snippet_models

    urls: list[str] = []
    for name in sorted(set(_patterns(get_resolver()))):
        match = re.fullmatch(r"(\w+?)_(\w+)_modeladmin_(index|create|edit|inspect)", name)
        if match and match.group(1) in PROJECT_APPS:
            model = apps.get_model(match.group(1), match.group(2))
            if match.group(3) in ("index", "create"):
                urls.append(reverse(name))
            elif (obj := model.objects.order_by("pk").first()) is not None:
                urls.append(reverse(name, args=[obj.pk]))
    for model in get_snippet_models():
        if model._meta.app_label in PROJECT_APPS:
            viewset = model.snippet_viewset
            urls += [reverse(viewset.get_url_name("list")), reverse(viewset.get_url_name("add"))]
            if (obj := model.objects.order_by("pk").first()) is not None:
                urls.append(reverse(viewset.get_url_name("edit"), args=[obj.pk]))
    for page_model in get_page_models():
        meta = page_model._meta
        if meta.app_label not in PROJECT_APPS:
            continue
        if (page := page_model.objects.order_by("path").first()) is not None:
            urls.append(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        parent = next(
            (
                candidate
                for parent_model in page_model.allowed_parent_page_models()
                if (candidate := parent_model.objects.order_by("path").first()) is not None
                and page_model.can_create_at(candidate)
            ),
            None,
        )
        if parent is not None:
            urls.append(reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent.pk]))
    document = world["document"]
    urls.append(reverse("wagtailadmin_pages:add_subpage", args=[document.pk]))
    urls.append(reverse("wagtailadmin_explore", args=[document.pk]))
    urls.append(reverse("wagtailadmin_home"))
    arguments = view_arguments(world)
    for name, parameters in sorted(project_admin_views().items()):
        if parameters:
            assert name in arguments, (
                f"the admin walk does not know what {name} shows: add it to view_arguments"
            )
            urls.append(reverse(name, kwargs=arguments[name]))
        else:
            urls.append(reverse(name))
    return urls


def test_the_walk_covers_every_admin_view_of_the_project(world):
    walked = admin_urls(world)
    for name in (
        "pages_publish_version",
        "supporters_events",
        "newsletter_candidates:import",
        "kvm_two_factor",
    ):
        assert name in project_admin_views()
    assert reverse("pages_publish_version", kwargs={"page_id": world["document"].pk}) in walked
    assert any("/snippets/pages/district/" in url for url in walked)
    assert any(url.startswith("/admin/pages/add/pages/infopage/") for url in walked)


def visible_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup(["script", "style", "template", "noscript"]):
        hidden.decompose()
    main = soup.select_one("main") or soup
    return " ".join(main.get_text(" ").split())


def _as(client, user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)


def test_the_dutch_admin_has_no_english_words(client, admin_user, world):
    _as(client, admin_user, "nl")
    found = {}
    urls = admin_urls(world)
    assert len(urls) > 30
    for url in urls:
        response = client.get(url, follow=not url.endswith("/create/"))
        if response.status_code == 302 and url.endswith("/create/"):
            continue  # submissions come from the public: editors cannot make them up
        assert response.status_code == 200, url
        text = visible_text(response)
        words = [word for word in ENGLISH_WORDS if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
        if words:
            found[url] = words
    assert not found, "\n".join(f"{url}: {words}" for url, words in found.items())


def _project_msgids() -> dict[str, str]:
    """Dutch msgids of the project's catalogues with their English translation (only those that differ)."""
    msgids = {}
    for path in catalogue_paths("en"):
        for entry in read_po(path):
            english = entry.msgstr.get(0, "")
            # Sentences and phrases only: a single word may be content (an audience called "Bewoners").
            plain = "%" not in entry.msgid and "{" not in entry.msgid and "<" not in entry.msgid
            if (
                not entry.obsolete
                and english
                and entry.msgid != english
                and " " in entry.msgid.strip()
                and plain
            ):
                msgids[entry.msgid] = english
    return msgids


def test_the_english_admin_shows_no_untranslated_dutch(client, admin_user, world):
    _as(client, admin_user, "en")
    msgids = _project_msgids()
    found = {}
    for url in admin_urls(world):
        response = client.get(url, follow=not url.endswith("/create/"))
        if response.status_code == 302 and url.endswith("/create/"):
            continue  # submissions come from the public: editors cannot make them up
        assert response.status_code == 200, url
        text = visible_text(response)
        dutch = [msgid for msgid in msgids if msgid in text and msgids[msgid] not in text]
        if dutch:
            found[url] = dutch[:5]
    assert not found, "\n".join(f"{url}: {words}" for url, words in found.items())


def test_import_errors_name_the_dutch_columns():
    import io

    from supporters.imports import RowError, read_contact_rows

    rows = list(
        read_contact_rows(io.StringIO("naam,email,positie\n,anna@example.org,2\nBram,geen-adres,nul\n"))
    )
    errors = [row for row in rows if isinstance(row, RowError)]
    assert [error.line for error in errors] == [2, 3]
    assert errors[0].message.startswith("naam: ")
    assert "email: " in errors[1].message and "positie: " in errors[1].message
    assert not any(key in error.message for error in errors for key in ("name:", "position:"))


def test_a_suggestion_becomes_an_activity_with_its_full_title_under_its_call(client, admin_user, world):
    _as(client, admin_user, "nl")
    activity = world["activity"]
    text = (
        "Een buurtdebat in Noord over de omgevingsvisie, met bewoners en ambtenaren. Graag in het voorjaar."
    )
    reaction = Reaction.objects.create(
        target=activity,
        kind="suggestion",
        text=text,
        email="s@example.org",
        status="new",
        confirmed_at=timezone.now(),
    )
    page = BeautifulSoup(
        client.get(reverse("supporters_reaction_review", args=[reaction.pk])).content, "html.parser"
    )
    assert page.select_one('input[name="title"]')["value"] == (
        "Een buurtdebat in Noord over de omgevingsvisie, met bewoners en ambtenaren"
    )
    selected = page.select_one('select[name="call"] option[selected]')
    assert selected is not None and selected["value"] == str(world["call"].pk)
