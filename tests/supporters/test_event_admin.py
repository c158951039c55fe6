"""Organisers: registrations per event by part (places, waiting list), a formula-safe CSV, an attendance list,
and the totals on the activities dashboard."""

import csv
import io

import pytest
from django.utils import timezone

from supporters.models import EventRegistration, RegistrationPart

from .test_event_registrations import MEETUP_PARTS


@pytest.fixture
def meetup(small_document, make_event):
    _document, _call, activity = small_document
    return make_event(activity, parts=MEETUP_PARTS)


def register(event, name, email, *, parts, waitlisted=False, confirmed=True, cancelled=False, guests=0):
    registration = EventRegistration.objects.create(
        event=event,
        name=name,
        email=email,
        guests=guests,
        confirmed_at=timezone.now() if confirmed else None,
        cancelled_at=timezone.now() if cancelled else None,
    )
    for part in parts:
        RegistrationPart.objects.create(registration=registration, part=part, waitlisted=waitlisted)
    return registration


HOSTILE_NAMES = ['=HYPERLINK("http://x")', "+31 6", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture
def registrations(meetup):
    dialogue, drinks = list(meetup.activity.event_parts.all())
    register(meetup, "Anna", "anna@example.org", parts=[dialogue, drinks], guests=1)
    register(meetup, "Bram", "bram@example.org", parts=[dialogue], waitlisted=True)
    register(meetup, "Cor", "cor@example.org", parts=[drinks], confirmed=False)
    register(meetup, "Dewi", "dewi@example.org", parts=[drinks], cancelled=True)
    for index, name in enumerate(HOSTILE_NAMES):
        register(meetup, name, f"h{index}@example.org", parts=[drinks])
    return meetup


def test_registrations_per_event_by_part(client, admin_user, registrations):
    client.force_login(admin_user)
    html = client.get(f"/admin/supporters/bijeenkomsten/{registrations.pk}/").content.decode()
    dialogue_section = html.split('data-part="dialoogsessie 19.30–20.30"')[1].split("</section>")[0]
    assert 'data-taken="2"' in dialogue_section  # Anna and her guest
    assert 'data-waiting="1"' in dialogue_section and "Bram" in dialogue_section
    drinks_section = html.split('data-part="borrel vanaf 20.30"')[1].split("</section>")[0]
    assert 'data-taken="8"' in drinks_section
    assert "Nog niet bevestigd" in drinks_section and "Afgemeld" in drinks_section
    assert "anna@example.org" in html  # a superuser may see addresses
    index = client.get("/admin/supporters/bijeenkomsten/").content.decode()
    assert f'data-event-id="{registrations.pk}"' in index and 'data-confirmed="8"' in index


def test_the_csv_export_is_formula_safe(client, admin_user, registrations):
    client.force_login(admin_user)
    response = client.get(f"/admin/supporters/bijeenkomsten/{registrations.pk}/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[2] for row in rows[1:]]
    for name in HOSTILE_NAMES:
        assert "'" + name in names
    assert "Anna" in names
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_the_attendance_list_shows_only_people_with_a_place(client, admin_user, registrations):
    client.force_login(admin_user)
    html = client.get(f"/admin/supporters/bijeenkomsten/{registrations.pk}/presentielijst/").content.decode()
    assert "Presentielijst" in html and "Anna" in html
    assert "Bram" not in html and "Cor" not in html and "Dewi" not in html
    assert "anna@example.org" not in html


def test_the_dashboard_shows_registration_totals_per_activity(client, admin_user, registrations):
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    row = html.split(f'data-activity-id="{registrations.activity_id}"')[1].split("</tr>")[0]
    assert 'data-events="1"' in row and 'data-registered="8"' in row and "+1" in row


def test_editors_without_the_permission_see_no_registrations(client, make_editor, registrations):
    client.force_login(make_editor())
    for url in ("", "csv/", "presentielijst/"):
        response = client.get(f"/admin/supporters/bijeenkomsten/{registrations.pk}/{url}")
        # Wagtail's admin answers a PermissionDenied by sending the editor back to the dashboard.
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert b"Anna" not in response.content
