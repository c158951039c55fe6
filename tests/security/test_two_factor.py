"""Two-step login (django-otp): an editor turns it on with an authenticator app, is asked for a code after every
new sign-in, can use each backup code once, and can turn it off again; repeated wrong codes are slowed down."""

import base64
import re
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord-123"
SETTINGS = "/admin/tweestaps/"
CODE_PAGE = "/admin/tweestaps/code/"


def sign_in(client, username="beheer"):
    client.logout()
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def app_code(secret: str, at: float) -> str:
    """What the editor's authenticator app shows at `at`, from the key the set-up page typed out."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = at
    return f"{totp.token():06d}"


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled(client, admin_user, clock):
    """The editor turned two-step login on, as on the page; returns (secret, backup codes)."""
    sign_in(client)
    assert "Tweestapsverificatie instellen" in html(client.get(SETTINGS))
    client.post(SETTINGS, {"action": "start"})
    page = html(client.get(SETTINGS))
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r"sleutel over:\s*<code>([A-Z2-7 ]+)</code>", page).group(1)
    response = client.post(SETTINGS, {"action": "confirm", "code": app_code(secret, time.time())})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", html(response))
    assert "Tweestapsverificatie staat aan." in html(response)
    clock.shift(60)  # the next code the app shows
    return secret, codes


def test_the_account_page_offers_two_step_login(client, admin_user):
    sign_in(client)
    response = client.get("/admin/account/")
    assert SETTINGS in html(response) and "Tweestapsverificatie" in html(response)


def test_a_wrong_code_does_not_turn_it_on(client, admin_user):
    sign_in(client)
    client.post(SETTINGS, {"action": "start"})
    response = client.post(SETTINGS, {"action": "confirm", "code": "000000"})
    assert "Deze code klopt niet" in html(response)
    sign_in(client)
    assert client.get("/admin/").status_code == 200  # still off: no code asked


def test_after_turning_it_on_every_new_sign_in_asks_for_the_app_code(client, admin_user, enrolled, clock):
    secret, codes = enrolled
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200  # the session that turned it on counts as verified

    sign_in(client)
    for path in ("/admin/", "/admin/pages/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE + "?next=")
    assert "Voer de code in" in html(client.get(CODE_PAGE))

    response = client.post(CODE_PAGE, {"code": "123456", "next": "/admin/pages/"})
    assert response.status_code == 200 and "Deze code klopt niet" in html(response)
    clock.shift(5)  # a wrong code costs a second's wait before the next try counts
    response = client.post(CODE_PAGE, {"code": app_code(secret, time.time()), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_each_backup_code_works_once(client, admin_user, enrolled):
    _secret, codes = enrolled
    sign_in(client)
    assert client.post(CODE_PAGE, {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert "nog 9 reservecodes" in html(client.get(SETTINGS))

    sign_in(client)
    assert "Deze code klopt niet" in html(client.post(CODE_PAGE, {"code": codes[0]}))
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_in_a_row_are_slowed_down(client, admin_user, enrolled, clock):
    secret, _codes = enrolled
    sign_in(client)
    client.post(CODE_PAGE, {"code": "000000"})
    client.post(CODE_PAGE, {"code": "111111"})
    response = client.post(CODE_PAGE, {"code": app_code(secret, time.time())})
    assert "Deze code klopt niet" in html(response), "right code, but too soon after two wrong ones"
    clock.shift(10)
    assert client.post(CODE_PAGE, {"code": app_code(secret, time.time())}).status_code == 302


def test_the_code_page_never_sends_the_editor_to_another_site(client, admin_user, enrolled):
    _secret, codes = enrolled
    sign_in(client)
    response = client.post(CODE_PAGE, {"code": codes[1], "next": "https://aanvaller.example/"})
    assert response["Location"] == "/admin/"


def test_turning_it_off_needs_a_code(client, admin_user, enrolled, clock):
    secret, _codes = enrolled
    assert "Deze code klopt niet" in html(client.post(SETTINGS, {"action": "disable", "code": "000000"}))
    clock.shift(10)
    response = client.post(SETTINGS, {"action": "disable", "code": app_code(secret, time.time())})
    assert response.status_code == 302
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_an_editor_without_it_is_never_asked(client, admin_user, django_user_model, enrolled):
    django_user_model.objects.create_superuser("tweede", "tweede@example.org", PASSWORD)
    sign_in(client, "tweede")
    assert client.get("/admin/").status_code == 200


def test_a_manager_turns_it_off_for_an_editor_who_lost_the_phone(client, admin_user, enrolled):
    out = StringIO()
    call_command("two_factor_reset", "beheer", stdout=out)
    assert "uit" in out.getvalue()
    sign_in(client)
    assert client.get("/admin/").status_code == 200
