"""No email address in any URL we send, and the data-request form never waits for the mail server."""

import base64
import contextlib
import re
import zlib

import pytest
import time_machine
from django.core import mail
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from supporters import tasks
from supporters.tokens import InvalidToken, TokenMaker, make_token, read_token, seal, unseal

from .conftest import shown_long_ago

pytestmark = pytest.mark.django_db

ADDRESS = "geheim.adres@example.org"


def readable_parts(url: str) -> str:
    """Everything a reader of an access log could decode from a URL: the text, and each token's base64 payload."""
    parts = [url]
    for segment in re.split(r"[/:]", url):
        raw = segment.lstrip(".")
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            continue
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        parts.append(data.decode("latin-1"))
    return "\n".join(parts)


def urls_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_export_and_erase_links_carry_no_readable_address(post, client):
    response = post("/steun/gegevens/", {"email": ADDRESS, "website": "", "shown_at": shown_long_ago()})
    assert response.status_code == 200
    links = [url for url in urls_in(mail.outbox[-1]) if "/gegevens/" in url]
    assert len(links) == 2
    for url in links:
        assert ADDRESS not in readable_parts(url)
        assert "geheim" not in readable_parts(url)
    # and the links still work
    assert client.get(links[0]).status_code == 200


def test_sealed_values_are_bound_to_their_purpose():
    sealed = seal("export", ADDRESS)
    assert ADDRESS not in sealed
    assert unseal("export", sealed) == ADDRESS
    with pytest.raises(InvalidToken):
        unseal("erase", sealed)
    with pytest.raises(InvalidToken):
        unseal("export", sealed[:-4] + "AAAA")


def test_the_data_request_is_queued_and_answers_while_the_mail_server_is_down(post, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    monkeypatch.setattr(Conf, "SYNC", False)  # a real queue (the ORM broker), as in production
    response = post("/steun/gegevens/", {"email": ADDRESS, "website": "", "shown_at": shown_long_ago()})
    assert response.status_code == 200
    queued = [SignedPackage.loads(row.payload) for row in OrmQ.objects.all()]
    assert [task["func"] for task in queued] == ["supporters.tasks.data_links_send"]
    assert ADDRESS not in repr(queued)  # the queue holds the address sealed
    # The worker sends it once the mail server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.data_links_send(*queued[0]["args"])
    assert mail.outbox[-1].to == [ADDRESS]


@pytest.mark.parametrize(
    "payload",
    [{"s": 1, "l": ""}, {"s": 123456789, "l": "allies"}, {"k": "é ü", "n": "x" * 300}],  # the last compresses
)
def test_tokens_made_in_bulk_are_the_tokens_django_signs(payload, settings):
    settings.SECRET_KEY = "een-ander-geheim-" + "x" * 40
    with time_machine.travel("2026-12-07 10:00:00+01:00", tick=False) as clock:
        maker = TokenMaker("newsletter.recipient")
        assert maker.make(payload) == make_token("newsletter.recipient", payload)
        clock.shift(61)  # the timestamp follows the clock
        token = maker.make(payload)
        assert token == make_token("newsletter.recipient", payload)
        assert read_token("newsletter.recipient", token) == payload
    with pytest.raises(InvalidToken):
        read_token("newsletter.confirm", token)
