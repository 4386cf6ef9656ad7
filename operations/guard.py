"""Who may see the operations endpoints: the operators' network, or whoever holds the token.

A request qualifies when its client address (``helpdesk.client_address``: ``REMOTE_ADDR``,
or through ``TRUSTED_PROXY_COUNT`` proxies the entry of ``X-Forwarded-For`` the outermost
wrote) is in ``OPERATIONS_ALLOWED_CIDRS`` (default: loopback only), or when it carries
``Authorization: Bearer <OPERATIONS_TOKEN>`` (never, while the token is empty). Anyone
else is answered as if the paths did not exist.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.conf import settings

from helpdesk.client_address import client_address

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr)


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    networks = _networks(tuple(settings.OPERATIONS_ALLOWED_CIDRS))
    return any(ip.version == net.version and ip in net for net in networks)


def _token_matches(authorization: str) -> bool:
    token = settings.OPERATIONS_TOKEN
    scheme, _, given = authorization.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def operator_allowed(meta: Mapping[str, Any]) -> bool:
    """``meta``: a request's META, or a WSGI environ (the Celery worker's exporter)."""
    if _token_matches(str(meta.get("HTTP_AUTHORIZATION", ""))):
        return True
    return _address_allowed(client_address(SimpleNamespace(META=meta)))  # type: ignore[arg-type]  # reads .META only
