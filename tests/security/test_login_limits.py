"""The admin login refuses a username after repeated wrong passwords, until the cool-off has passed."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.db.models import F

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "geheim-wachtwoord-123"


@pytest.fixture(autouse=True)
def login_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    return settings


def fail(client, username="beheer", times=1):
    return [client.post(LOGIN, {"username": username, "password": "fout"}).status_code for _ in range(times)]


def log_in(client, username="beheer"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def let_cool_off_pass(settings):
    """Move every recorded attempt back past the cool-off, as if that much time had gone by."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )


def test_wrong_passwords_show_the_form_again_until_the_limit(client, admin_user):
    assert fail(client, times=2) == [200, 200]
    response = client.post(LOGIN, {"username": "beheer", "password": "fout"})
    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.content.decode()


def test_after_the_limit_even_the_right_password_is_refused(client, admin_user):
    fail(client, times=3)
    response = log_in(client)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still sent to the login page
    assert "_auth_user_id" not in client.session


def test_after_the_cool_off_the_right_password_works_again(client, admin_user, login_limits):
    fail(client, times=3)
    assert log_in(client).status_code == 429
    let_cool_off_pass(login_limits)
    response = log_in(client)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_locked_username_does_not_lock_out_another_editor(client, admin_user, django_user_model):
    django_user_model.objects.create_superuser("tweede", "tweede@example.org", PASSWORD)
    fail(client, times=3)
    assert log_in(client, "tweede").status_code == 302


def test_a_manager_can_lift_the_lock_before_the_cool_off(client, admin_user):
    fail(client, times=3)
    assert reset(username="beheer") >= 1
    assert log_in(client).status_code == 302


def test_a_successful_login_clears_earlier_failures(client, admin_user):
    fail(client, times=2)
    assert log_in(client).status_code == 302
    client.logout()
    assert fail(client, times=2) == [200, 200]  # counting starts again
