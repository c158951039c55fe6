"""The public world the security tests probe: a small live document with two versions, and its URLs."""

from dataclasses import dataclass, field

import pytest

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, CallPage, DocumentPage

from .endpoints import PUBLIC_ROUTES, WORLD_EXTENSIONS


@dataclass
class PublicWorld:
    """What a stranger can reach: a document, a call, an activity and two versions, plus what other apps add."""

    document: DocumentPage
    call: CallPage
    activity: ActivityPage
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def placeholders(self) -> dict[str, str]:
        return {
            "document": self.document.url,
            "call": self.call.url,
            "activity": self.activity.url,
            "call_slug": self.call.slug,
            "activity_slug": self.activity.slug,
            "first": "1",
            "second": "2",
            **self.extra,
        }

    def public_urls(self) -> list[str]:
        return [route.url(self.placeholders) for route in PUBLIC_ROUTES]

    def html_urls(self) -> list[str]:
        return [route.url(self.placeholders) for route in PUBLIC_ROUTES if route.html]


@pytest.fixture
def public_world(make_document) -> PublicWorld:
    document = make_document(calls=2, activities_per_call=2)
    PublishVersionAction(document, note="Eerste versie.", skip_permission_check=True).execute()
    call = CallPage.objects.child_of(document).order_by("number").first()
    activity = ActivityPage.objects.child_of(call).order_by("path").first()
    activity.title = "Hernoemde activiteit"
    activity.save_revision().publish()
    PublishVersionAction(document, note="Tweede versie.", skip_permission_check=True).execute()
    world = PublicWorld(document=document, call=call, activity=activity)
    for extend in WORLD_EXTENSIONS:
        world.extra.update(extend(world))
    return world
