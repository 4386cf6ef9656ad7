"""Where a webhook may point (the SSRF guard): HTTPS only, and never into the private
network the application runs in.

- ``endpoint_clean`` (on save): an absolute ``https://`` URL with a host, no user info.
  ``http://`` only to this machine (localhost, 127.0.0.0/8, ::1), and only while
  ``WEBHOOKS_ALLOW_LOCALHOST`` is on (default: ``DEBUG``; tests turn it on). An address
  written as a literal IP is checked as below at once.
- ``target_resolve`` (on every send): the host's addresses, each of which must be a
  public one (``ipaddress``'s ``is_global``): loopback, private ranges (10/8,
  172.16/12, 192.168/16, fc00::/7), link-local (169.254/16: the cloud's metadata
  service), carrier-grade NAT, multicast and reserved ranges are refused. The request
  then goes to the address that was checked (webhooks.http), so a DNS answer that
  changes between the check and the connection (DNS rebinding) cannot redirect it;
  redirects are never followed. Self-hosters whose receivers live on their own network
  set ``WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true``.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_NAMES = ("localhost", "localhost.localdomain")


class TargetRefused(Exception):
    """The endpoint may not be called (now): its message says why, for the log."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (the Host header, TLS's server name)
    port: int
    path: str  # path and query
    address: str  # the checked IP the request connects to


def _allow_localhost() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOCALHOST", settings.DEBUG))


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False))


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_local(host: str) -> bool:
    ip = _literal_ip(host)
    return host.lower().rstrip(".") in LOCAL_NAMES if ip is None else ip.is_loopback


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Multicast is "global" to ipaddress: ruled out before that question.
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return False
    if ip.is_loopback:
        return _allow_localhost() or _allow_private()
    if ip.is_global:
        return True
    return _allow_private()


def endpoint_clean(endpoint: str) -> str:
    """The endpoint as stored, or a ValidationError saying what is wrong with it."""
    endpoint = (endpoint or "").strip()
    if not endpoint:
        raise ValidationError({"endpoint": _("A webhook needs an endpoint URL.")})
    if len(endpoint) > 2000:
        raise ValidationError({"endpoint": _("The endpoint URL is too long.")})
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - a port out of range raises ValueError here
    except ValueError as exc:
        raise ValidationError(
            {"endpoint": _("“%(url)s” is not a URL.") % {"url": endpoint[:80]}}
        ) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError({"endpoint": _("The endpoint must be an https:// URL.")})
    if parts.username or parts.password:
        raise ValidationError(
            {"endpoint": _("Put credentials in the authentication fields, not in the URL.")}
        )
    local = _is_local(host)
    if parts.scheme == "http" and not (local and _allow_localhost()):
        raise ValidationError({"endpoint": _("The endpoint must be an https:// URL.")})
    if local and not (_allow_localhost() or _allow_private()):
        raise ValidationError({"endpoint": _("A webhook cannot call this server itself.")})
    ip = _literal_ip(host)
    if ip is not None and not address_allowed(ip):
        raise ValidationError(
            {"endpoint": _("A webhook cannot call a private or reserved network address.")}
        )
    return endpoint


def target_resolve(endpoint: str) -> Target:
    """The endpoint's checked target, or TargetRefused (every send checks again: the
    settings, or the name's addresses, may have changed since it was saved)."""
    try:
        endpoint_clean(endpoint)
    except ValidationError as exc:
        raise TargetRefused(" ".join(exc.messages)) from exc
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"Could not resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise TargetRefused(f"Could not resolve {host}")
    for address in addresses:
        if not address_allowed(ipaddress.ip_address(address.split("%")[0])):
            raise TargetRefused(f"{host} resolves to a private or reserved address ({address})")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, addresses[0])


def host_header(target: Target) -> str:
    """The Host header for the target: its name, with the port when not the scheme's."""
    default_port = 443 if target.scheme == "https" else 80
    return target.host if target.port == default_port else f"{target.host}:{target.port}"


def connection_pool(target: Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    """One connection to the checked address (never a fresh lookup of the name), no
    retries; HTTPS verifies the certificate against the name as written."""
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(
        target.address, target.port, timeout=timeout, retries=False, maxsize=1
    )
