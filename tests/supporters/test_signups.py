"""Signing up to organise or help with an activity: double opt-in, capacity per role, waiting list."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from supporters.models import SignUp

from .conftest import last_link, signup_data

pytestmark = pytest.mark.django_db


def places(client, activity) -> dict[str, int]:
    html = BeautifulSoup(client.get(activity.url).content, "html.parser")
    return {li["data-role"]: int(li["data-confirmed"]) for li in html.select(".signup-places li")}


def _sign_up(client, post, activity, **data):
    response = post(f"/steun/{activity.pk}/aanmelden/", signup_data(**data))
    assert response.status_code == 200
    return client.post(last_link())


def test_sign_up_confirm_and_count_per_role(client, post, small_document):
    _document, _call, activity = small_document
    assert places(client, activity) == {"organiser": 0, "helper": 0}
    post(f"/steun/{activity.pk}/aanmelden/", signup_data(role="organiser"))
    assert "Bevestig uw aanmelding" in mail.outbox[-1].subject
    assert places(client, activity) == {"organiser": 0, "helper": 0}
    assert client.post(last_link()).status_code == 200
    assert places(client, activity) == {"organiser": 1, "helper": 0}
    client.post(last_link())
    post(f"/steun/{activity.pk}/aanmelden/", signup_data(role="helper"))  # resubmission: no second sign-up
    assert SignUp.objects.count() == 1
    assert places(client, activity) == {"organiser": 1, "helper": 0}


def test_sign_up_only_for_activities(post, small_document):
    document, call, _activity = small_document
    assert post(f"/steun/{document.pk}/aanmelden/", signup_data()).status_code == 404
    assert post(f"/steun/{call.pk}/aanmelden/", signup_data()).status_code == 404


def test_beyond_capacity_sign_ups_go_on_the_waiting_list_and_move_up(client, post, small_document):
    _document, _call, activity = small_document
    activity.helper_capacity = 1
    activity.save_revision().publish()

    _sign_up(client, post, activity, email="een@example.org")
    second = _sign_up(client, post, activity, email="twee@example.org")
    assert "wachtlijst" in second.content.decode()
    assert SignUp.objects.get(email="twee@example.org").waitlisted
    page = client.get(activity.url).content.decode()
    assert "vol; nieuwe aanmeldingen komen op de wachtlijst" in page
    assert places(client, activity)["helper"] == 1

    from supporters.services.submissions import ChangeAnswer, change_answer_apply

    change_answer_apply(
        answers=[ChangeAnswer(submission=SignUp.objects.get(email="een@example.org"), action="withdraw")]
    )
    assert not SignUp.objects.get(email="twee@example.org").waitlisted
    assert places(client, activity)["helper"] == 1


def test_the_person_moved_up_from_the_waiting_list_is_emailed_once(
    client, post, small_document, django_capture_on_commit_callbacks
):
    from supporters.services.submissions import ChangeAnswer, change_answer_apply

    _document, _call, activity = small_document
    activity.helper_capacity = 1
    activity.save_revision().publish()
    _sign_up(client, post, activity, email="een@example.org")
    _sign_up(client, post, activity, email="twee@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        change_answer_apply(
            answers=[ChangeAnswer(submission=SignUp.objects.get(email="een@example.org"), action="withdraw")]
        )
    promoted = [m for m in mail.outbox if m.subject.startswith("Er is plaats voor u")]
    assert len(promoted) == 1 and promoted[0].to == ["twee@example.org"]
    assert "niet meer op de wachtlijst" in promoted[0].body and activity.title in promoted[0].body
