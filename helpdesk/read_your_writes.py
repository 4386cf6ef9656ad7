"""Read your own writes: a user who has just written reads the primary for a few seconds.

A replica replays the primary's changes a moment later. An agent who posts a reply and
opens the list straight after must see it, so after a request that wrote (the router saw
an ORM write, or a POST/PUT/PATCH/DELETE that succeeded) the user is *pinned* to the
primary for ``REPLICA_PIN_SECONDS``: a signed cookie for the browser (no shared state
needed), and a key in the shared cache for the user, which also covers the API's token
clients (they keep no cookies) and the user's other devices. While the cache is
unreachable every user counts as pinned: the primary is always correct, only busier.

``replica_reads`` (a view decorator) and ``ReplicaReadsMixin`` (for the API's views) are
the opt-in of the pages whose reads may come from the replica, GET and HEAD only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from helpdesk.db_router import noting_writes, reading_from_replica, replica_configured
from helpdesk.shared_cache import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

COOKIE_NAME = "primary_pin"
_SALT = "helpdesk.read_your_writes"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_READ_METHODS = frozenset({"GET", "HEAD"})


def _pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 5))


def _cache_key(user_pk: object) -> str:
    return f"replica-pin:{user_pk}"


def _user_pk(request: HttpRequest) -> object | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def is_pinned(request: HttpRequest) -> bool:
    """The request's user wrote within the last ``REPLICA_PIN_SECONDS``."""
    user_pk = _user_pk(request)
    try:
        cookie = request.get_signed_cookie(
            COOKIE_NAME, default=None, salt=_SALT, max_age=_pin_seconds()
        )
    except signing.BadSignature:  # also raised for a pin that has expired
        cookie = None
    if cookie is not None and cookie == str(user_pk):
        return True
    if user_pk is None:
        return False
    try:
        return cache.get(_cache_key(user_pk)) is not None
    except CACHE_UNAVAILABLE:
        logger.warning("Shared cache unreachable: reading from the primary.")
        return True


def _pin(request: HttpRequest, response: HttpResponseBase) -> None:
    user_pk = _user_pk(request)
    seconds = _pin_seconds()
    response.set_signed_cookie(
        COOKIE_NAME,
        str(user_pk),
        salt=_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    if user_pk is not None:
        try:
            cache.set(_cache_key(user_pk), 1, timeout=seconds)
        except CACHE_UNAVAILABLE:
            logger.warning("Shared cache unreachable: the pin lives in the cookie only.")


class ReadYourWritesMiddleware:
    """Pins the user to the primary after a request that wrote (after the
    authentication middleware, so the user is known; inside the session middleware, so
    saving the session is not counted as the user's write)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with noting_writes() as writes:
            response = self.get_response(request)
        succeeded_change = request.method not in _SAFE_METHODS and response.status_code < 400
        if (writes.wrote or succeeded_change) and replica_configured():
            _pin(request, response)
        return response


@contextmanager
def replica_reads_for(request: HttpRequest) -> Iterator[bool]:
    """The replica for this request's reads, if it is a GET or HEAD of a user not
    pinned to the primary (and a replica is configured)."""
    if request.method not in _READ_METHODS or not replica_configured():
        yield False
        return
    with reading_from_replica(pinned=is_pinned(request)) as used:
        yield used


def replica_reads[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """A page whose reads may come from the replica: lists, counts, searches. Put it
    inside the sign-in check, so the user is known; the template is rendered inside."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads_for(request):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]  # wraps: called as the view is


class ReplicaReadsMixin:
    """For DRF views: GET and HEAD read from the replica once the client is
    authenticated (the token is looked up on the primary: a new one is found at once)."""

    _replica_stack: ExitStack | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with ExitStack() as stack:
            self._replica_stack = stack
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of APIView

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of APIView
        if self._replica_stack is not None:
            self._replica_stack.enter_context(replica_reads_for(request._request))
