"""The editors' side: listings with filters and CSV export, emails only with permission, the dashboard."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.models import ActivityPage
from supporters.models import Contact, Endorsement, Organisation, Reaction, ReactionStatus, SignUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_editor):
    """An editor who may work the supporters' listings, without the email permissions."""
    user = make_editor()
    group = user.groups.get()
    for codename in (
        "view_reaction",
        "change_reaction",
        "view_endorsement",
        "change_endorsement",
        "view_signup",
        "view_contact",
        "change_contact",
        "add_contact",
        "view_organisation",
    ):
        group.permissions.add(Permission.objects.get(codename=codename, content_type__app_label="supporters"))
    return user


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _grant(user, codename):
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="supporters"))
    return type(user).objects.get(pk=user.pk)


def test_emails_only_with_permission_in_listings_exports_and_forms(client, moderator, small_document):
    document, _call, _activity = small_document
    now = timezone.now()
    Endorsement.objects.create(target=document, name="Anna", email="anna@example.org", confirmed_at=now)
    reaction = Reaction.objects.create(
        target=document, name="Piet", email="piet@example.org", text="Hallo", status=ReactionStatus.NEW
    )
    Contact.objects.create(name="Els", email="els@example.org")
    client.force_login(moderator)
    urls = [
        "/admin/supporters/endorsement/",
        "/admin/supporters/endorsement/?export=csv",
        "/admin/supporters/reaction/",
        f"/admin/supporters/reaction/edit/{reaction.pk}/",
        f"/admin/supporters/reacties/{reaction.pk}/",
        "/admin/supporters/contact/",
        "/admin/supporters/contact/?export=csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "@example.org" not in body(response), url
    assert "Anna" in body(client.get("/admin/supporters/endorsement/?export=csv"))

    moderator = _grant(moderator, "view_supporter_email")
    moderator = _grant(moderator, "view_contact_email")
    client.force_login(moderator)
    assert "anna@example.org" in body(client.get("/admin/supporters/endorsement/?export=csv"))
    assert "piet@example.org" in client.get(f"/admin/supporters/reacties/{reaction.pk}/").content.decode()
    assert "els@example.org" in body(client.get("/admin/supporters/contact/?export=csv"))


def test_partner_network_listings_search_and_filter(client, admin_user):
    buurt = Organisation.objects.create(name="Buurtcentrum Oost", kind="civil_society")
    Organisation.objects.create(name="Partij X", kind="political_party")
    Contact.objects.create(name="Els", email="els@example.org", organisation=buurt, role="candidate")
    Contact.objects.create(name="Kees", email="kees@example.org", role="press")
    client.force_login(admin_user)

    assert "Els" in client.get("/admin/supporters/contact/?q=Buurtcentrum").content.decode()
    assert "Kees" not in client.get("/admin/supporters/contact/?role=candidate").content.decode()
    organisations = client.get("/admin/supporters/organisation/?kind=political_party").content.decode()
    assert "Partij X" in organisations and "Buurtcentrum Oost" not in organisations
    export = client.get("/admin/supporters/organisation/?export=csv")
    assert export.status_code == 200 and "Buurtcentrum Oost" in body(export)


def test_dashboard_shows_per_activity_endorsements_and_sign_ups_per_role(client, admin_user, small_document):
    _document, _call, activity = small_document
    activity.organiser_capacity = 2
    activity.save_revision().publish()
    now = timezone.now()
    for i in range(3):
        Endorsement.objects.create(target=activity, name=f"E{i}", email=f"e{i}@example.org", confirmed_at=now)
    Endorsement.objects.create(target=activity, name="Onbevestigd", email="x@example.org")
    SignUp.objects.create(activity=activity, email="o1@example.org", role="organiser", confirmed_at=now)
    SignUp.objects.create(activity=activity, email="h1@example.org", role="helper", confirmed_at=now)
    SignUp.objects.create(activity=activity, email="h2@example.org", role="helper", confirmed_at=now)
    SignUp.objects.create(activity=activity, email="h3@example.org", role="helper")
    client.force_login(admin_user)
    html = BeautifulSoup(client.get("/admin/").content, "html.parser")
    row = html.select_one(f'#supporters-dashboard tr[data-activity-id="{activity.pk}"]')
    assert row is not None
    assert row.select_one("[data-endorsements]")["data-endorsements"] == "3"
    assert row.select_one("[data-organisers]")["data-organisers"] == "1"
    assert "1 / 2" in row.get_text()
    assert row.select_one("[data-helpers]")["data-helpers"] == "2"
    assert len(html.select("#supporters-dashboard tbody tr")) == ActivityPage.objects.count()


def _queries_for(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_supporters_add_a_constant_number_of_queries_to_the_article(client, make_document):
    now = timezone.now()
    counts = []
    for per_call in (1, 20):
        document = make_document(calls=5, activities_per_call=per_call)
        for n, activity in enumerate(ActivityPage.objects.descendant_of(document)):
            Endorsement.objects.create(target=activity, email=f"a{n}@example.org", confirmed_at=now)
        Endorsement.objects.create(
            target=document,
            name="Zichtbaar",
            email=f"z{per_call}@example.org",
            visibility="name",
            confirmed_at=now,
        )
        counts.append(_queries_for(client, document.url))
    assert counts[0] == counts[1]
