"""The id of the request (or task) being worked on, for logs, task headers and emails.

A request's id is the ``X-Request-ID`` our own proxy set, trusted exactly as far as the
client's address is (``helpdesk.client_address``): only with ``TRUSTED_PROXY_COUNT``
proxies in front, which must set or overwrite the header (nginx: ``proxy_set_header
X-Request-ID $request_id``). Otherwise the client wrote it, and a fresh one is made, so
nobody can make their requests' log lines look like someone else's. Celery tasks carry
the id of the request that queued them in a message header (``helpdesk.celery``), and
the emails they send carry it too (``notifications.emails.message_for``).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

HEADER = "X-Request-ID"
# What we accept from a proxy: nginx's $request_id (32 hex), a UUID, and the like.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_of(request: HttpRequest) -> str:
    """The proxy's id when a trusted proxy stands in front and it is well formed, else new."""
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "").strip()
        if _WELL_FORMED.fullmatch(incoming):
            return incoming
    return new_request_id()


def current_request_id() -> str:
    """The id of the request or task this code runs for; "" outside both."""
    return _current.get()


def set_request_id(value: str):
    """Set the current id; returns the token ``reset_request_id`` takes."""
    return _current.set(value)


def reset_request_id(token) -> None:
    _current.reset(token)


def well_formed(value: object) -> bool:
    return isinstance(value, str) and bool(_WELL_FORMED.fullmatch(value))
