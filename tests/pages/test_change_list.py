"""The change list names every field a reader sees: short fields old → new, long texts as edited, moves, order."""

import datetime as dt
from dataclasses import replace

import pytest

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus, CallPage
from pages.snapshots import take_snapshot
from pages.versioning import ACTIVITY, CALL, DOCUMENT, Field, ItemType, compare, compute_changes

pytestmark = pytest.mark.django_db


def publish(document, note="Wijziging", **kwargs):
    return PublishVersionAction(document, note=note, skip_permission_check=True, **kwargs).execute()


def republish(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def texts(version) -> list[str]:
    return [change["text"] for change in version.changes]


ACTIVITY_EDITS = [
    ({"title": "Buurtgesprek"}, "Activiteit “Activiteit 1.1” heet nu “Buurtgesprek”."),
    ({"status": ActivityStatus.DONE}, "Status van “Activiteit 1.1”: gepland → afgerond."),
    ({"when_text": "begin maart 2022"}, "“Activiteit 1.1” — Wanneer: maandelijks → begin maart 2022."),
    (
        {"when_text": "", "starts_on": dt.date(2022, 3, 3)},
        "“Activiteit 1.1” — Wanneer: maandelijks → 3 maart 2022.",
    ),
    (
        {"district": "", "location": "De Balie, Kleine-Gartmanplantsoen 10"},
        "“Activiteit 1.1” — Waar: Oost → De Balie, Kleine-Gartmanplantsoen 10.",
    ),
    (
        {"needs_people": "Twee gespreksleiders"},
        "“Activiteit 1.1” — Nodig aan mensen: — → Twee gespreksleiders.",
    ),
    (
        {"needs_means": "Een zaal voor 80 mensen"},
        "“Activiteit 1.1” — Nodig aan middelen: — → Een zaal voor 80 mensen.",
    ),
    ({"organiser_capacity": 3}, "“Activiteit 1.1” — Maximum aantal organisatoren: — → 3."),
    ({"helper_capacity": 12}, "“Activiteit 1.1” — Maximum aantal helpers: — → 12."),
    (
        {"description": "<p>Een heel andere beschrijving.</p>"},
        "“Activiteit 1.1” — Beschrijving: tekst aangepast.",
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"), ACTIVITY_EDITS, ids=[str(list(f)) for f, _e in ACTIVITY_EDITS]
)
def test_each_activity_field_is_named_with_old_and_new(make_document, fields, expected):
    document = make_document(calls=1, activities_per_call=2)
    publish(document, note="Eerste")
    republish(ActivityPage.objects.get(title="Activiteit 1.1"), **fields)
    assert texts(publish(document)) == [expected]


def test_place_and_description_changed_together_are_two_lines(make_document):
    """The reported bug: a new place only showed up inside the word diff."""
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    activity = ActivityPage.objects.get(title="Activiteit 1.1")
    republish(
        activity,
        title="Diabat met de fractieleiders",
        district="",
        description="<p>Het diabat vindt plaats in De Balie.</p>",
    )
    publish(document, note="Tussenversie")
    republish(
        activity,
        location="De Balie, Kleine-Gartmanplantsoen 10",
        description="<p>Het diabat is op 3 maart.</p>",
    )
    version = publish(document)
    assert texts(version) == [
        "“Diabat met de fractieleiders” — Waar: — → De Balie, Kleine-Gartmanplantsoen 10.",
        "“Diabat met de fractieleiders” — Beschrijving: tekst aangepast.",
    ]
    where = version.changes[0]
    assert (where["kind"], where["field"], where["old"], where["new"]) == (
        "edited",
        "where",
        "—",
        "De Balie, Kleine-Gartmanplantsoen 10",
    )
    assert where["anchor"] == f"activity-{activity.pk}-where"


DOCUMENT_EDITS = [
    ({"title": "Oproep aan Amsterdam"}, "Document “Document {n}” heet nu “Oproep aan Amsterdam”."),
    ({"intro": "<p>Een nieuwe inleiding.</p>"}, "Document — Inleiding: tekst aangepast."),
    ({"closing_title": "Ten slotte"}, "Document — Titel slotstuk: Tot slot → Ten slotte."),
    ({"closing": "<p>Een ander slot.</p>"}, "Document — Slotstuk: tekst aangepast."),
    (
        {"contact_email": "post@example.org"},
        "Document — Contactadres: info@krachtvanmokum.nl → post@example.org.",
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"), DOCUMENT_EDITS, ids=[str(list(f)) for f, _e in DOCUMENT_EDITS]
)
def test_each_document_field_is_named(make_document, fields, expected):
    document = make_document(calls=1, activities_per_call=0)
    n = document.title.split()[-1]
    publish(document, note="Eerste")
    republish(document, **fields)
    assert texts(publish(document)) == [expected.format(n=n)]


def test_call_title_number_and_text_are_named(make_document):
    document = make_document(calls=2, activities_per_call=0)
    publish(document, note="Eerste")
    republish(CallPage.objects.get(title="Call 2"), title="Samen beslissen", number=7)
    republish(
        CallPage.objects.get(title="Call 1"),
        body=[{"type": "paragraph", "value": "<p>Nieuwe tekst van call 1.</p>"}],
    )
    assert texts(publish(document)) == [
        "Call 1. Call 1 — Tekst: tekst aangepast.",
        "Call to action 7. Call 2 heet nu 7. Samen beslissen.",
        "Call 7. Samen beslissen — Nummer: 2 → 7.",
    ]


def test_moved_and_reordered_activities_are_one_change_each(make_document):
    document = make_document(calls=2, activities_per_call=3)
    publish(document, note="Eerste")
    second_call = CallPage.objects.get(title="Call 2")
    ActivityPage.objects.get(title="Activiteit 1.2").move(second_call, pos="last-child")
    last = ActivityPage.objects.get(title="Activiteit 1.3")
    last.move(ActivityPage.objects.get(title="Activiteit 1.1"), pos="left")
    version = publish(document)
    assert texts(version) == [
        "Activiteit “Activiteit 1.3” staat nu op een andere plaats in call 1.",
        "Activiteit “Activiteit 1.2” verplaatst van call 1 naar call 2.",
    ]
    assert [c["kind"] for c in version.changes] == ["reordered", "moved"]


def test_additions_and_removals_are_named_in_reading_order(make_document):
    document = make_document(calls=2, activities_per_call=1)
    publish(document, note="Eerste")
    ActivityPage.objects.get(title="Activiteit 1.1").delete()
    CallPage.objects.get(title="Call 2").add_child(
        instance=ActivityPage(title="Debat met de fractieleiders", slug="debat", status="planned")
    )
    assert texts(publish(document)) == [
        "Activiteit verwijderd uit call 1: “Activiteit 1.1”.",
        "Nieuwe activiteit bij call 2: “Debat met de fractieleiders”.",
    ]


def test_a_long_needs_text_reads_as_edited_not_as_a_wall_of_text(make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(
        ActivityPage.objects.get(title="Activiteit 1.1"), needs_people="Mensen die willen helpen. " * 10
    )
    assert texts(publish(document)) == ["“Activiteit 1.1” — Nodig aan mensen: tekst aangepast."]


def test_markup_only_changes_are_not_a_change(make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(
        ActivityPage.objects.get(title="Activiteit 1.1"),
        description="<p>Beschrijving van  activiteit 1.1.</p>",
    )
    assert publish(document).changes == []


def test_an_older_snapshot_without_a_field_reports_nothing_for_it(make_document):
    """Versions cut before the capacities were recorded must not show them as changed forever after."""
    document = make_document(calls=1, activities_per_call=1)
    old = take_snapshot(document=document)
    for call in old["calls"]:
        for activity in call["activities"]:
            del activity["organiser_capacity"], activity["helper_capacity"]
    assert compute_changes(old, take_snapshot(document=document)) == []


def test_every_field_on_the_public_pages_is_in_the_table():
    """A field added to a page type must be one row in its table (this lists those that readers see)."""
    assert [f.key for f in ACTIVITY.fields] == [
        "title",
        "status",
        "when",
        "where",
        "needs_people",
        "needs_means",
        "organiser_capacity",
        "helper_capacity",
        "description",
    ]
    assert [f.key for f in CALL.fields] == ["title", "number", "body"]
    assert [f.key for f in DOCUMENT.fields] == [
        "title",
        "intro",
        "closing_title",
        "closing",
        "contact_text",
        "contact_email",
    ]
    assert DOCUMENT.children == (CALL,) and CALL.children == (ACTIVITY,)


def test_a_child_collection_is_compared_through_the_same_walk():
    """A new item type under activities (say, events) is one ItemType in ACTIVITY.children: no new code."""
    event = ItemType(name="event", label="bijeenkomst", key="events", fields=(Field("when", "Wanneer"),))
    activity_type = replace(ACTIVITY, children=(event,))
    root = replace(DOCUMENT, children=(replace(CALL, children=(activity_type,)),))

    def snapshot(events):
        activity = {"id": 3, "title": "Wijkavond", "status": "planned", "events": events}
        return {
            "document": {"id": 1, "title": "D"},
            "calls": [{"id": 2, "number": 1, "title": "C", "activities": [activity]}],
        }

    result = compare(
        snapshot([{"id": 9, "title": "Oost", "when": "3 maart"}]),
        snapshot([{"id": 9, "title": "Oost", "when": "10 maart"}]),
        root=root,
    )
    assert [c["text"] for c in result["changes"]] == ["“Oost” — Wanneer: 3 maart → 10 maart."]
    added = compare(snapshot([]), snapshot([{"id": 9, "title": "Oost", "when": ""}]), root=root)
    assert [c["text"] for c in added["changes"]] == ["Nieuwe bijeenkomst bij activiteit “Wijkavond”: “Oost”."]
