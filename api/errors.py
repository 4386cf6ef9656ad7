"""Errors in Zendesk's shapes.

- 401 ``{"error": "Couldn't authenticate you"}``
- 403 ``{"error": "Forbidden", "description": ...}`` (role, never existence)
- 404 ``{"error": "RecordNotFound", "description": "Not found"}`` — the same for another
  account's record, one that does not exist and one the caller may not see
- 422 ``{"error": "RecordInvalid", "description": "Record validation errors",
  "details": {field: [{"description": ...}]}}``
- 400 for malformed input, 411 for a streamed body the server cannot read (no
  Content-Length, not dechunked), 413 for a body over the limit, 429 with ``Retry-After``.
- 503 ``{"error": "ServiceUnavailable", ...}`` with ``Retry-After`` when what a call
  needs (the cache holding job statuses) is down for now.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class RecordInvalid(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, details: dict):
        self.details = details
        super().__init__("Record validation errors")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This is unavailable for now. Try again in a minute."
    retry_after = 60


class LengthRequired(exceptions.APIException):
    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = (
        "This server cannot read a body sent without Content-Length (chunked); "
        "send the Content-Length header."
    )


def not_found() -> Response:
    return Response(
        {"error": "RecordNotFound", "description": "Not found"}, status=status.HTTP_404_NOT_FOUND
    )


def update_conflict() -> Response:
    """409 for a safe update (``safe_update`` with ``updated_stamp``) of a ticket that
    changed after the stamp."""
    return Response(
        {
            "error": "UpdateConflict",
            "description": "The ticket was updated since updated_stamp: read it again.",
        },
        status=status.HTTP_409_CONFLICT,
    )


def _details_from_django(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            field if field != "__all__" else "base": [{"description": m} for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"base": [{"description": m} for m in error.messages]}


def _details_from_drf(detail, prefix: str = "") -> dict:
    out: dict = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "base" if key == "non_field_errors" else f"{prefix}{key}"
            if isinstance(value, dict):
                out.update(_details_from_drf(value, prefix=f"{name}."))
            else:
                items = value if isinstance(value, list) else [value]
                flat = []
                for item in items:
                    if isinstance(item, dict):
                        out.update(_details_from_drf(item, prefix=f"{name}."))
                    else:
                        flat.append({"description": str(item)})
                if flat:
                    out[name] = flat
    elif isinstance(detail, list):
        out["base"] = [{"description": str(item)} for item in detail]
    else:
        out["base"] = [{"description": str(detail)}]
    return out


def record_invalid(details: dict) -> Response:
    return Response(
        {"error": "RecordInvalid", "description": "Record validation errors", "details": details},
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def exception_handler(exc, context):
    if isinstance(exc, Http404 | exceptions.NotFound):
        return not_found()
    if isinstance(exc, DjangoValidationError) and isinstance(exc, PermissionDenied):
        # A role's refusal (tickets.services.RoleRefused): Forbidden, with its reason.
        exc = exceptions.PermissionDenied(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        return record_invalid(_details_from_django(exc))
    if isinstance(exc, RecordInvalid):
        return record_invalid(exc.details)
    if isinstance(exc, exceptions.ValidationError):
        return record_invalid(_details_from_drf(exc.detail))
    if isinstance(exc, PermissionDenied):  # the domain's refusal, its reason kept
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.data = {"error": "Couldn't authenticate you"}
    elif isinstance(exc, exceptions.PermissionDenied):
        response.data = {"error": "Forbidden", "description": str(exc.detail)}
    elif isinstance(exc, exceptions.Throttled):
        response.data = {
            "error": "TooManyRequests",
            "description": "Rate limit exceeded for this account.",
        }
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"error": "InvalidJSON", "description": str(exc.detail)}
    elif isinstance(exc, ServiceUnavailable):
        response.data = {"error": "ServiceUnavailable", "description": str(exc.detail)}
        response["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, PayloadTooLarge):
        response.data = {"error": "PayloadTooLarge", "description": str(exc.detail)}
    else:
        response.data = {"error": type(exc).__name__, "description": str(exc.detail)}
    return response
