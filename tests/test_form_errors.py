"""helpdesk/form_errors.py: a service's error lands on the field it names, else at the top
of the form, never as an exception of its own."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from helpdesk.form_errors import add_domain_error


class _Form(forms.Form):
    body = forms.CharField(required=False)
    attachments = forms.CharField(required=False)


def _posted() -> _Form:
    form = _Form(data={})
    form.is_valid()
    return form


def test_error_on_a_field_the_form_has_lands_on_it():
    form = _posted()
    add_domain_error(form, ValidationError({"body": "Too long."}))
    assert form.errors == {"body": ["Too long."]}


def test_error_on_a_field_the_form_lacks_lands_at_the_top():
    form = _posted()
    add_domain_error(form, ValidationError({"status": "Not that one."}))
    assert form.non_field_errors() == ["Not that one."]


def test_service_key_is_mapped_to_the_forms_field():
    form = _posted()
    add_domain_error(form, ValidationError({"html_body": "Bad."}), aliases={"html_body": "body"})
    assert form.errors == {"body": ["Bad."]}


def test_field_less_error_goes_where_the_caller_says_else_to_the_top():
    form = _posted()
    add_domain_error(form, ValidationError("Too big."), unkeyed_field="attachments")
    add_domain_error(form, ValidationError("Not allowed."))
    assert form.errors["attachments"] == ["Too big."]
    assert form.non_field_errors() == ["Not allowed."]
