"""Builders for the supporters tests: valid form data, submitting with on-commit work run, links from emails."""

import re
import time

import pytest
from django.core import mail, signing

from pages.models import ActivityPage, CallPage


def shown_long_ago() -> str:
    return signing.dumps(time.time() - 60, salt="kvm.form-shown-at")


def endorse_data(**overrides) -> dict:
    data = {
        "name": "Jan Jansen",
        "email": "jan@example.org",
        "organisation_name": "",
        "message": "",
        "visibility": "name",
        "consent": "on",
        "website": "",
        "shown_at": shown_long_ago(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def signup_data(**overrides) -> dict:
    data = {
        "name": "Fatima El Amrani",
        "email": "fatima@example.org",
        "role": "helper",
        "availability": "zaterdagen",
        "consent": "on",
        "website": "",
        "shown_at": shown_long_ago(),
    }
    data.update(overrides)
    return data


def reaction_data(**overrides) -> dict:
    data = {
        "kind": "reaction",
        "text": "Goed plan, ik denk graag mee.",
        "name": "Piet de Vries",
        "email": "piet@example.org",
        "visibility": "name",
        "consent": "on",
        "website": "",
        "shown_at": shown_long_ago(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """post(url, data) through the test client, running on-commit work (queued emails) as a real commit would."""

    def send(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return send


def link_in(message, pattern: str = r"https://kvm\.example\.org/steun/\S+") -> str:
    """The first link in an email's text matching `pattern`, made relative for the test client."""
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0).removeprefix("https://kvm.example.org")


_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*')


def page_body(response) -> bytes:
    """A response's HTML without its CSRF token (every page has the language switch; Django masks it afresh)."""
    return _CSRF_VALUE.sub(rb"\1", response.content)


def last_link(pattern: str = r"https://kvm\.example\.org/steun/\S+") -> str:
    return link_in(mail.outbox[-1], pattern)


@pytest.fixture
def small_document(make_document):
    """A document with 2 calls of 2 activities; returns (document, first call, first activity)."""
    document = make_document(calls=2, activities_per_call=2)
    call = CallPage.objects.child_of(document).order_by("path").first()
    activity = ActivityPage.objects.child_of(call).order_by("path").first()
    return document, call, activity
