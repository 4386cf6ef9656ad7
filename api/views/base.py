"""What every API view shares: token authentication only (no session, so no CSRF),
the per-account throttle, JSON with size and depth limits, and Zendesk's error shapes."""

from __future__ import annotations

from io import BytesIO

from django.core.handlers.wsgi import LimitedStream
from django.db import DataError, IntegrityError
from rest_framework.exceptions import ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api import errors
from api.authentication import BearerTokenAuthentication, ZendeskTokenAuthentication
from api.errors import LengthRequired, PayloadTooLarge, RecordInvalid
from api.parsers import SafeJSONParser, max_body_bytes
from api.permissions import IsAgent
from api.throttling import AccountRateThrottle
from helpdesk.read_your_writes import ReplicaReadsMixin

MAX_IDS = 100


class ApiView(ReplicaReadsMixin, APIView):
    # GET and HEAD read from the replica, when one is configured (helpdesk.db_router).
    authentication_classes = [ZendeskTokenAuthentication, BearerTokenAuthentication]
    permission_classes = [IsAgent]
    throttle_classes = [AccountRateThrottle]
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    # The size limit of a JSON body; uploads set their own (the account's file limit).
    body_limit = None

    def get_exception_handler(self):
        return errors.exception_handler

    def initial(self, request, *args, **kwargs):
        limit = self.body_limit or max_body_bytes()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise PayloadTooLarge(f"Request body is larger than {limit} bytes.")
        # PostgreSQL refuses NUL in text: say so clearly instead of failing later.
        for key, values in request._request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise ParseError("Query parameters cannot contain NUL characters.")
        super().initial(request, *args, **kwargs)
        # After authentication: a stranger's streamed body is not read.
        _read_streamed_body(request._request, limit)
        # A JSON body is parsed (and refused when malformed or holding NUL characters)
        # before any view runs, also where the view needs none of it (a POST that only
        # acts: a webhook's test call, a new signing secret).
        if request.method in ("POST", "PUT", "PATCH") and request.content_type.startswith(
            "application/json"
        ):
            request.data  # noqa: B018 - parsed for its refusals

    def handle_exception(self, exc):
        if isinstance(exc, DataError):  # a value the database cannot hold: client input
            exc = ParseError("A value in the request is out of range.")
        elif isinstance(exc, IntegrityError):
            # A uniqueness the services do not pre-check (an organization's domain) or a
            # concurrent create: the client's record clashes with an existing one.
            exc = RecordInvalid({"base": [{"description": "A record with these values exists."}]})
        return super().handle_exception(exc)


def _read_streamed_body(request, limit: int) -> None:
    """A body sent without Content-Length (``Transfer-Encoding: chunked``: node-zendesk
    streams every upload so). Django reads a body only as far as Content-Length says, so
    it would read nothing, and an upload would be stored empty and answered 201. Where
    the server has dechunked the body and marks its end (``wsgi.input_terminated``:
    gunicorn), it is read here, up to the limit, and handed on with its length. Where it
    has not (Django's runserver), helpdesk.limits answers 411 before any view runs; the
    same answer here should a request get past it."""
    meta = request.META
    if (
        meta.get("CONTENT_LENGTH")
        or "chunked" not in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
    ):
        return
    if not meta.get("wsgi.input_terminated"):
        raise LengthRequired()
    stream, chunks, size = meta["wsgi.input"], [], 0
    while size <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes.")
    body = b"".join(chunks)
    meta["CONTENT_LENGTH"] = str(len(body))
    request._stream = LimitedStream(BytesIO(body), len(body))


def ids_param(request, name: str = "ids") -> list[int]:
    """``?ids=1,2,3`` → up to 100 per-account numbers; anything else is ignored."""
    raw = str(request.query_params.get(name) or "")
    numbers = []
    for part in raw.split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) <= 18:
            numbers.append(int(part))
    if len(numbers) > MAX_IDS:
        raise ParseError(f"At most {MAX_IDS} ids at a time.")
    return list(dict.fromkeys(numbers))


def query_param(request, name: str) -> str:
    """A query parameter as text; zenpy sends the string ``None`` for unset ones."""
    value = request.query_params.get(name)
    return "" if value in (None, "None", "null") else str(value)
