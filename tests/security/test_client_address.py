"""Rate limits count the visitor, not the reverse proxy; a forged X-Forwarded-For counts for nothing; a stranger's
posts in someone's name never get that person a 429."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from cms.client_ip import client_ip
from pages.models import DocumentPage
from supporters.models import Endorsement

PROXY = "127.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def address(settings, *, peer: str, forwarded: str | None = None, proxies=()) -> str:
    settings.TRUSTED_PROXIES = list(proxies)
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert address(settings, peer="198.51.100.7", forwarded="203.0.113.9") == "198.51.100.7"


def test_behind_the_trusted_proxy_the_visitor_counts_and_a_forged_entry_does_not(settings):
    trusted = {"peer": PROXY, "proxies": [PROXY]}
    assert address(settings, forwarded="203.0.113.9", **trusted) == "203.0.113.9"
    # The visitor sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it really saw.
    assert address(settings, forwarded="6.6.6.6, 203.0.113.9", **trusted) == "203.0.113.9"
    # Two proxies, outermost first: the address before both is the visitor's.
    two = {"peer": PROXY, "proxies": ["10.0.0.0/8", PROXY]}
    assert address(settings, forwarded="6.6.6.6, 203.0.113.9, 10.1.2.3", **two) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", ["garbage", "", "not-an-ip, ::zz", "1.2.3.4" * 200])
def test_an_unreadable_header_counts_the_peer(settings, forwarded):
    assert address(settings, peer=PROXY, forwarded=forwarded, proxies=[PROXY]) == PROXY


def test_a_peer_that_is_not_a_trusted_proxy_is_counted_itself(settings):
    assert address(settings, peer="198.51.100.7", forwarded="203.0.113.9", proxies=[PROXY]) == "198.51.100.7"


def test_an_unusable_trusted_proxies_setting_stops_the_start(settings):
    settings.TRUSTED_PROXIES = ["not a proxy"]
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXIES"):
        call_command("check")


def endorse(client, page, email: str, visitor: str):
    body = {"name": "Iemand", "email": email, "visibility": "name", "consent": True}
    return client.post(
        f"/api/v3/supporters/pages/{page.pk}/endorsements/",
        body,
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=visitor,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_visitor_has_their_own_limit_and_forging_does_not_escape_it(
    client, settings, make_document, django_capture_on_commit_callbacks
):
    document = make_document(calls=1, activities_per_call=1)
    settings.TRUSTED_PROXIES = [PROXY]
    settings.KVM_SUPPORTERS = {"RATE_PER_IP": "3/h"}
    # Five residents behind the same proxy: nobody shares a bucket.
    for n in range(5):
        assert endorse(client, document, f"buur{n}@example.org", f"203.0.113.{n + 1}").status_code == 202
    # One visitor varies a forged first entry; the proxy's own entry still names them.
    statuses = [
        endorse(client, document, f"vals{n}@example.org", f"6.6.6.{n}, 198.51.100.9").status_code
        for n in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


@pytest.mark.django_db
def test_posts_in_a_victims_name_from_many_addresses_never_get_the_victim_a_429(
    client, settings, make_document, django_capture_on_commit_callbacks
):
    document = DocumentPage.objects.get(pk=make_document(calls=1, activities_per_call=1).pk)
    settings.TRUSTED_PROXIES = [PROXY]
    settings.KVM_SUPPORTERS = {"RATE_PER_EMAIL": "5/h", "RATE_PER_IP": "20/h"}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert endorse(client, document, "victim@example.org", f"192.0.2.{n + 1}").status_code == 202
        own = endorse(client, document, "victim@example.org", "203.0.113.50")
    assert own.status_code == 202
    assert own.json() == endorse(client, document, "ander@example.org", "203.0.113.51").json()
    # The inbox got the address's share of mails and not one more; the entry is still the victim's to confirm.
    assert sum(message.to == ["victim@example.org"] for message in mail.outbox) == 5
    assert Endorsement.objects.filter(email="victim@example.org", confirmed_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_apis_429_says_when_to_try_again(client, settings, make_document):
    document = make_document(calls=1, activities_per_call=1)
    settings.KVM_SUPPORTERS = {"RATE_PER_IP": "1/m"}
    assert endorse(client, document, "a@example.org", "203.0.113.1").status_code == 202
    limited = endorse(client, document, "b@example.org", "203.0.113.1")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited["Content-Type"].startswith("application/problem+json")
