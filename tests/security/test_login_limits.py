"""The admin login refuses after repeated wrong passwords, until the cool-off has passed: for a username from one
address, for a username from any address (and the editor is told by mail), and for one address trying any names."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.core import mail
from django.db.models import F

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "geheim-wachtwoord-123"


@pytest.fixture(autouse=True)
def login_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_LIMIT_PER_USERNAME = 6
    settings.LOGIN_LIMIT_PER_ADDRESS = 8
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    return settings


def fail(client, username="beheer", times=1, address="127.0.0.1"):
    return [
        client.post(LOGIN, {"username": username, "password": "fout"}, REMOTE_ADDR=address).status_code
        for _ in range(times)
    ]


def log_in(client, username="beheer", address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


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


def test_a_guesser_spreading_over_addresses_locks_the_username_and_the_editor_is_told(client, admin_user):
    for address, tries in (("198.51.100.1", 2), ("198.51.100.2", 2), ("198.51.100.3", 1)):
        assert fail(client, address=address, times=tries) == [200] * tries  # under 3 per address every time
    assert mail.outbox == []
    assert fail(client, address="198.51.100.9") == [429]  # the sixth failure for "beheer"
    response = log_in(client, address="192.0.2.1")  # the editor, from home, with the right password
    assert response.status_code == 429 and "_auth_user_id" not in client.session

    assert len(mail.outbox) == 1, "one notice, however many tries the lock refuses"
    fail(client, address="198.51.100.10", times=3)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["beheer@example.org"]
    assert notice.subject == "Inloggen op uw account is tijdelijk geblokkeerd"
    assert '6 keer met een verkeerd wachtwoord geprobeerd in te loggen als "beheer"' in notice.body
    assert "tweestapsverificatie" in notice.body and "198.51.100" not in notice.body


def test_a_username_nobody_has_is_locked_too_but_nobody_is_mailed(client, admin_user):
    for n in range(6):
        fail(client, "bestaat-niet", address=f"198.51.100.{n}")
    assert fail(client, "bestaat-niet", address="198.51.100.99") == [429]
    assert mail.outbox == []
    assert log_in(client).status_code == 302  # another username is not affected


def test_one_address_trying_many_usernames_is_refused_for_every_username(client, admin_user):
    for n in range(3):
        assert fail(client, f"gok{n}", times=2, address="203.0.113.5") == [200, 200]
    assert fail(client, "gok3", times=2, address="203.0.113.5") == [200, 429]  # the eighth failure from here
    assert log_in(client, address="203.0.113.5").status_code == 429
    assert log_in(client, address="192.0.2.1").status_code == 302  # the editor elsewhere is not affected
    assert mail.outbox == []


def test_a_successful_login_does_not_wipe_the_count_of_its_address(client, admin_user, django_user_model):
    django_user_model.objects.create_user("gast", "gast@example.org", PASSWORD)
    for n in range(3):
        fail(client, f"gok{n}", times=2, address="203.0.113.5")
    assert log_in(client, "gast", address="203.0.113.5").status_code == 302  # an account the guesser owns
    client.logout()
    assert fail(client, "gok9", times=2, address="203.0.113.5") == [200, 429]  # still the 8th from here
