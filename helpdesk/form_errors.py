"""The one way a view shows a domain error (a service's ValidationError, NotAllowed
included): on the form that was posted, or as a flash message where no form holds it.
Never a 500: an error naming a field the form lacks goes to the top of the form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_domain_error(
    form: forms.Form,
    error: ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
    unkeyed_field: str | None = None,
) -> None:
    """On the field the error names (``aliases`` maps a service's key to the form's field)
    when the form has that field, else at the top of the form. A field-less error goes on
    ``unkeyed_field`` when the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            field = (aliases or {}).get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    elif unkeyed_field is not None and unkeyed_field in form.fields:
        form.add_error(unkeyed_field, error.messages)
    else:
        form.add_error(None, error.messages)


def flash_domain_error(request: HttpRequest, error: ValidationError) -> None:
    """For an action without a form (a button): the error's messages as one flash."""
    messages.error(request, " ".join(error.messages))
