"""The visitor's address for rate limits and login limits: the peer, or what the site's own reverse proxies report.

Without `TRUSTED_PROXIES` (the default) it is `REMOTE_ADDR`, and `X-Forwarded-For` is ignored: anyone can send that
header. Behind a reverse proxy every visitor would then share the proxy's address (one bucket for the whole city),
so a deployment names its proxies, in order from the outermost to the one that connects to gunicorn (an address, a
network like `10.0.0.0/8`, or a prefix). Only when the peer and the end of the `X-Forwarded-For` chain are exactly
those proxies is the address before them believed; otherwise the peer's own address counts. django-ipware (python-
ipware) does the header parsing and the trusted-proxy matching.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http import HttpRequest
from ipware import get_client_ip
from python_ipware import IpWare

FORWARDED = "HTTP_X_FORWARDED_FOR"


def client_ip(request: HttpRequest) -> str:
    """The address rate limits count for `request` (see the module docstring)."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = list(getattr(settings, "TRUSTED_PROXIES", ()))
    forwarded = request.META.get(FORWARDED, "")
    if not proxies or not forwarded or not peer:
        return peer
    # The peer is the last hop of the chain: it must be the last trusted proxy.
    chain = SimpleNamespace(META={FORWARDED: f"{forwarded}, {peer}"})
    ip, _routable = get_client_ip(
        chain, proxy_trusted_ips=proxies, request_header_order=(FORWARDED,), strict=False
    )
    return ip or peer


@register(Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """A `TRUSTED_PROXIES` entry python-ipware cannot read would fail every request: refuse it at start-up."""
    try:
        IpWare(proxy_list=list(getattr(settings, "TRUSTED_PROXIES", ())))
    except ValueError as error:
        return [
            Error(
                f"TRUSTED_PROXIES cannot be used: {error}",
                hint="Give addresses, networks (10.0.0.0/8) or prefixes, comma-separated, outermost proxy first.",
                id="cms.E001",
            )
        ]
    return []
