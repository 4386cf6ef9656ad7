"""The SSRF guard: https only, nothing on the private network, localhost only while
developing; checked on save and again, after resolving the name, on every send. No test
here connects anywhere: literal addresses are judged without a request."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from webhooks.targets import TargetRefused, endpoint_clean, target_resolve

REFUSED_EVERYWHERE = [
    "http://hooks.example.com/x",  # not https
    "ftp://hooks.example.com/x",
    "https:///nohost",
    "https://user:pw@hooks.example.com/x",
    "https://0.0.0.0/x",
    "https://224.0.0.1/x",
    "https://[::ffff:10.0.0.1]/x",  # IPv4-mapped: in ::/8, reserved
    "https://240.0.0.1/x",
    "https://hooks.example.com:99999/x",
    "",
]
PRIVATE = [
    "https://10.0.0.1/x",
    "https://172.16.5.4/x",
    "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/x",
    "https://[fd00::1]/x",
    "https://[fe80::1]/x",
]
LOCAL = [
    "https://localhost/x",
    "https://127.0.0.1:8443/x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
]


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST = False
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize("url", REFUSED_EVERYWHERE + PRIVATE + LOCAL)
def test_production_refuses(url, production):
    with pytest.raises(ValidationError):
        endpoint_clean(url)
    with pytest.raises(TargetRefused):
        target_resolve(url)


def test_public_https_addresses_are_accepted(production):
    assert endpoint_clean(" https://hooks.example.com/x?a=1 ") == "https://hooks.example.com/x?a=1"
    target = target_resolve("https://93.184.215.14:8443/p?q=1")  # a literal: no DNS
    assert (target.address, target.port, target.path) == ("93.184.215.14", 8443, "/p?q=1")


def test_a_name_that_resolves_into_this_machine_is_refused_at_send_time(production):
    """Not a local name, so accepted on save; its address is checked when it is called."""
    name = socket.gethostname()
    url = f"https://{name}/x"
    endpoint_clean(url)
    with pytest.raises(TargetRefused):
        target_resolve(url)


def test_self_hosters_allow_their_private_network(settings, production):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    for url in PRIVATE:
        assert endpoint_clean(url) == url
    with pytest.raises(ValidationError):  # still https only
        endpoint_clean("http://10.0.0.1/x")
    with pytest.raises(ValidationError):  # multicast and reserved ranges never
        endpoint_clean("https://224.0.0.1/x")


def test_localhost_over_http_only_while_developing(settings, production):
    with pytest.raises(ValidationError):
        endpoint_clean("http://127.0.0.1:8000/hook")
    settings.WEBHOOKS_ALLOW_LOCALHOST = True
    assert endpoint_clean("http://127.0.0.1:8000/hook") == "http://127.0.0.1:8000/hook"
    assert target_resolve("http://localhost:8000/hook").address in ("127.0.0.1", "::1")
    with pytest.raises(ValidationError):  # the private network stays closed
        endpoint_clean("https://10.0.0.1/x")
