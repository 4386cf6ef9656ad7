"""Admin settings → Fields → User fields and Organization fields
(/agent/settings/fields/user/, …/organization/): list, create, edit, delete; and the
profile pages' card of values (posted to …/<target>/values/<number>/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import organization_for_agent, require_admin, user_for_agent
from customfields import services
from customfields.access import people_field_for_agent
from customfields.forms import CustomFieldsForm, TicketFieldForm
from customfields.models import OrganizationField, UserField
from customfields.people import TARGETS, people_fields, people_values_set
from customfields.views import admin_view
from helpdesk.form_errors import add_domain_error, flash_domain_error

PEOPLE_FORM_FIELDS = ["kind", "title", "description", "regexp", "lookup_target", "active"]


class UserFieldForm(TicketFieldForm):
    class Meta:
        model = UserField
        fields = PEOPLE_FORM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["required_for_problem_only"]

    def attributes(self) -> dict[str, Any]:
        data = super().attributes()
        data.pop("required_for_types", None)
        return data


class OrganizationFieldForm(UserFieldForm):
    class Meta:
        model = OrganizationField
        fields = PEOPLE_FORM_FIELDS


FORMS = {"user": UserFieldForm, "organization": OrganizationFieldForm}


def _target(target: str) -> str:
    if target not in TARGETS:
        raise Http404
    return target


def _field(request, target: str, number: int):
    require_admin(request.user)
    return people_field_for_agent(account=request.account, target=target, number=number)


def _render(request, target, form, field=None):
    context = {"form": form, "field": field, "target": target, "section": "fields"}
    return render(request, "agent/settings/people_field_form.html", context)


@admin_view
def people_field_list(request, target: str):
    target = _target(target)
    fields = people_fields(account=request.account, target=target)
    context = {"fields": fields, "target": target, "section": "fields"}
    return render(request, "agent/settings/people_fields.html", context)


@admin_view
def people_field_new(request, target: str):
    target = _target(target)
    form = FORMS[target](request.POST or None)
    if request.method == "POST" and form.is_valid():
        attrs = form.attributes()
        try:
            field = services.field_create(
                model=TARGETS[target][0],
                account=request.account,
                kind=form.cleaned_data["kind"],
                title=attrs.pop("title"),
                options=form.options(),
                **attrs,
            )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"custom_field_options": "options_text"})  # type: ignore[arg-type]  # a ModelForm: a BaseForm, as add_domain_error needs
        else:
            messages.success(request, _("Field created."))
            return redirect("customfields:people_field_edit", target, field.number)
    return _render(request, target, form)


@admin_view
def people_field_edit(request, target: str, number: int):
    target = _target(target)
    field = _field(request, target, number)
    form = FORMS[target](request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_field_update(field=field, options=form.options(), **form.attributes())
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"custom_field_options": "options_text"})  # type: ignore[arg-type]
        else:
            messages.success(request, _("Field saved."))
            return redirect("customfields:people_field_edit", target, field.number)
    return _render(request, target, form, field)


@admin_view
@require_POST
def people_field_delete(request, target: str, number: int):
    target = _target(target)
    field = _field(request, target, number)
    services.ticket_field_delete(field=field)
    messages.success(request, _("Field deleted."))
    return redirect("customfields:people_field_list", target)


def values_form(row, target: str, data=None) -> CustomFieldsForm:
    fields = people_fields(account=row.account, target=target, active_only=True)
    values = getattr(row, TARGETS[target][2]) or {}
    return CustomFieldsForm(data, fields=fields, values=values, prefix="pf")


@admin_view
@require_POST
def people_values(request, target: str, number: int):
    """The profile page's card: its values saved, back to the profile (a bad value's
    message flashed there; the values stored stay)."""
    target = _target(target)
    if target == "user":
        row: Any = user_for_agent(account=request.account, number=number)
        back = ("tickets:settings_user", row.number)
    else:
        row = organization_for_agent(account=request.account, number=number)
        back = ("tickets:settings_organization", row.number)
    form = values_form(row, target, data=request.POST)
    if form.is_valid():
        try:
            people_values_set(row=row, actor=request.user, raw=form.raw_values())
        except ValidationError as exc:
            flash_domain_error(request, exc)
        else:
            messages.success(request, _("Fields saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(*back)
