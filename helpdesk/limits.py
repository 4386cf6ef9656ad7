"""Request size limits, enforced before and while a body is read, never after.

- ``RequestSizeLimitMiddleware`` refuses a body whose declared length is over the limit
  with 413 before a byte of it is read: for an account's API, the account's attachments
  per message × attachment size plus room for the form's fields; for its pages and
  elsewhere (inbound email webhooks on the base domain) ``REQUEST_MAX_BYTES`` at least,
  so that a page's oversized file is refused by the form, which keeps the text typed.
- A body sent without Content-Length (``Transfer-Encoding: chunked``) is refused with
  411 where the server has not dechunked it (Django's runserver): Django reads a body
  only as far as Content-Length says, so it would be taken as empty and, for an upload,
  stored empty. Where the server has (gunicorn: ``wsgi.input_terminated``), the API
  reads it (api.views.base).
- ``AttachmentSizeUploadHandler`` (first in FILE_UPLOAD_HANDLERS) counts each file's
  bytes as they stream in and stops passing them on once the file is over the account's
  size limit: the file reaches the form as an empty ``OversizedUpload`` that reports the
  bytes seen, and the attachment rules refuse it with their usual message.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.loader import render_to_string

# Room for a form's own fields (text, CSRF token, multipart boundaries) next to its files.
FORM_FIELDS_ALLOWANCE = 1024 * 1024


def request_max_bytes(request: HttpRequest) -> int:
    account = getattr(request, "account", None)
    if account is None:
        return settings.REQUEST_MAX_BYTES
    files = account.max_attachments_per_message * account.max_attachment_size_kb * 1024
    own = files + max(FORM_FIELDS_ALLOWANCE, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if request.path.startswith("/api/"):
        return own
    # A page's form: AttachmentSizeUploadHandler drops the bytes of a file over the
    # account's limit as they stream in, so the form comes back naming the file, with
    # the text typed kept. Only a body past the platform's ceiling is refused unread
    # (413), and that page cannot hand the text back.
    return max(own, settings.REQUEST_MAX_BYTES)


def bulk_upload(view):
    """Mark a view whose file is data to import (a CSV of users), not an attachment: it
    may be as large as the request (REQUEST_MAX_BYTES), and the view streams it."""
    view.bulk_upload = True
    return view


def attachment_max_bytes(request: HttpRequest | None) -> int:
    if getattr(getattr(request, "resolver_match", None), "func", None) is not None and getattr(
        request.resolver_match.func,  # type: ignore[union-attr]  # checked just above
        "bulk_upload",
        False,
    ):
        return settings.REQUEST_MAX_BYTES
    account = getattr(request, "account", None)
    if account is None:
        return settings.REQUEST_MAX_BYTES
    return account.max_attachment_size_kb * 1024


def body_unreadable(request: HttpRequest) -> bool:
    """A chunked body, no Content-Length, and a server that has not dechunked it."""
    meta = request.META
    return (
        "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
        and not meta.get("CONTENT_LENGTH")
        and not meta.get("wsgi.input_terminated")
    )


def length_required(request: HttpRequest) -> StreamingHttpResponse:
    """411. Streamed, so without a Content-Length of its own: that is what makes the
    development server close the connection after it (an application may not set
    ``Connection`` under wsgiref), instead of reading the unread chunks that follow as
    the next request."""
    if request.path.startswith("/api/"):
        body = json.dumps(
            {
                "error": "LengthRequired",
                "description": "This server cannot read a body sent without Content-Length "
                "(chunked); send the Content-Length header.",
            }
        )
        content_type = "application/json"
    else:
        body, content_type = render_to_string("request_length_required.html", request=request), None
    return StreamingHttpResponse(iter([body]), status=411, content_type=content_type)


class RequestSizeLimitMiddleware:
    """After TenantMiddleware (the limit depends on the account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if body_unreadable(request):
            return length_required(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = -1
        if declared < 0:
            return HttpResponse(
                render_to_string("request_invalid.html", request=request), status=400
            )
        limit = request_max_bytes(request)
        if declared > limit and request.path.startswith("/api/"):
            return JsonResponse(  # the API answers in JSON, as Zendesk's does
                {
                    "error": "RequestTooLarge",
                    "description": f"The request body is larger than {limit} bytes.",
                },
                status=413,
            )
        if declared > limit:
            response = HttpResponse(
                render_to_string(
                    "request_too_large.html",
                    {"limit_mb": max(1, round(limit / (1024 * 1024)))},
                    request=request,
                ),
                status=413,
            )
            # The body is not read; ask the client not to reuse the connection for it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class OversizedUpload(UploadedFile):
    """A file cut off while streaming: no content, and the size that was seen."""

    def __init__(self, *, name: str, content_type: str, size: int):
        from io import BytesIO

        super().__init__(BytesIO(b""), name=name, content_type=content_type, size=size)


class AttachmentSizeUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = attachment_max_bytes(self.request)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the next handlers get nothing more: the file is never kept whole
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedUpload(
                name=self.file_name, content_type=self.content_type, size=self.received
            )
        return None  # within the limit: the next handler (memory or disk) has the file
