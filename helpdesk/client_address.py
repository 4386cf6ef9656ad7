"""The address a request came from, as far as it can be trusted.

``REMOTE_ADDR`` is the peer that opened the connection: behind the TLS proxy the README
asks for, that is the proxy, the same for every visitor. Each proxy appends the address
it was connected from to ``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT`` = N proxies
of our own in front, the client is the N-th entry from the right. Everything left of it
was written by the client and is ignored: trusting it would let anyone pick the address
a sign-in throttle counts them under.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client usually holds a whole /64: counting single addresses there would give
# one attacker 2**64 fresh ones.
IPV6_NETWORK_PREFIX = 64


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:443"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address: ``REMOTE_ADDR`` without trusted proxies, else the entry
    ``X-Forwarded-For`` got from the outermost trusted proxy. "" when unknown."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(forwarded) < hops:
        # Fewer hops than proxies: a request that bypassed them, or a misconfiguration.
        # The peer is all we know.
        return remote
    address = _parsed(forwarded[-hops])
    return str(address) if address is not None else remote


def client_network(request: HttpRequest | None) -> str:
    """What throttles count a client under: its IPv4 address, or its IPv6 /64."""
    address = _parsed(client_address(request))
    if address is None:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_NETWORK_PREFIX}", strict=False))
    return str(address)
