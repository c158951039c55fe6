"""Builders shared by every test: documents of any size, editors with and without publish rights."""

import itertools

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Site

from pages.models import ActivityPage, CallPage, DocumentPage

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths (and the rate limits live in the cache): no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def site_root() -> Page:
    return Site.objects.get(is_default_site=True).root_page


def add_page(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def make_document(db):
    """make_document(calls=5, activities_per_call=2, **fields) → a live DocumentPage with live calls/activities."""

    def build(
        *, calls: int = 5, activities_per_call: int = 2, parent: Page | None = None, **fields
    ) -> DocumentPage:
        n = next(_counter)
        fields.setdefault("title", f"Document {n}")
        fields.setdefault("slug", f"document-{n}")
        fields.setdefault("intro", "<p>Dit artikel is een dynamisch geheel.</p>")
        fields.setdefault("closing", "<p>De coördinatiegroep is klein.</p>")
        fields.setdefault("contact_email", "info@krachtvanmokum.nl")
        document = add_page(parent or site_root(), DocumentPage(**fields))
        for number in range(1, calls + 1):
            call = add_page(
                document,
                CallPage(
                    title=f"Call {number}",
                    slug=f"call-{number}",
                    number=number,
                    body=[{"type": "paragraph", "value": f"<p>Tekst van call {number}.</p>"}],
                ),
            )
            for index in range(1, activities_per_call + 1):
                activity = ActivityPage(
                    title=f"Activiteit {number}.{index}",
                    slug=f"activiteit-{number}-{index}",
                    description=f"<p>Beschrijving van activiteit {number}.{index}.</p>",
                    when_text="maandelijks",
                    district="Oost",
                )
                call.add_child(instance=activity)
        return document

    return build


@pytest.fixture
def make_editor(db, django_user_model):
    """make_editor(can_publish=True) → a Wagtail editor with edit (and optionally publish) rights on the tree."""

    def build(*, can_publish: bool = True, username: str | None = None):
        username = username or f"redacteur{next(_counter)}"
        user = django_user_model.objects.create_user(username=username, password="geheim-wachtwoord-123")
        group = Group.objects.create(name=f"groep-{username}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        root = Page.get_first_root_node()
        codenames = ["add_page", "change_page"] + (["publish_page"] if can_publish else [])
        for codename in codenames:
            GroupPagePermission.objects.create(
                group=group, page=root, permission=Permission.objects.get(codename=codename)
            )
        user.groups.add(group)
        return user

    return build


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("beheer", "beheer@example.org", "geheim-wachtwoord-123")


@pytest.fixture
def make_event(db):
    """make_event(activity, parts=[("dialoogsessie", "19:30", "20:30", 2)], days=7, **fields) → a published Event.

    Added as an editor does: to the activity's cluster, then a published revision (which records its state).
    """
    import datetime as dt

    from django.utils import timezone

    from pages.models import District, Event, EventPart

    def build(
        activity: ActivityPage, *, parts=(), days: int = 7, hour: int = 19, minutes: int = 30, **fields
    ):
        activity = ActivityPage.objects.get(pk=activity.pk)
        if parts and not activity.event_parts.exists():
            for name, starts, ends, capacity in parts:
                activity.event_parts.add(
                    EventPart(
                        name=name,
                        starts=dt.time.fromisoformat(starts),
                        ends=dt.time.fromisoformat(ends) if ends else None,
                        capacity=capacity,
                    )
                )
        day = timezone.localdate() + dt.timedelta(days=days)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minutes)))
        fields.setdefault("starts_at", start)
        fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=2))
        fields.setdefault("place_name", "Buurthuis De Meeuw")
        fields.setdefault("address", "Meeuwenlaan 1, Amsterdam")
        if "district" not in fields:
            fields["district"] = District.objects.get(slug="noord")
        event = Event(**fields)
        activity.events.add(event)
        activity.save()  # gives the new event its id, so the revision (and every later one) carries it
        activity.save_revision().publish()
        return Event.objects.select_related("activity", "district").get(pk=event.pk)

    return build


def edit_event(event, **changes):
    """Change an event as an editor does in the activity's inline panel, then publish the revision."""
    from pages.models import Event

    activity = ActivityPage.objects.get(pk=event.activity_id)
    events = list(activity.events.all())
    for item in events:
        if item.pk == event.pk:
            for name, value in changes.items():
                setattr(item, name, value)
    activity.events = events
    activity.save_revision().publish()
    return Event.objects.select_related("activity", "district", "state").get(pk=event.pk)
