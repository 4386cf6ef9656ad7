"""Admin settings → Fields → Ticket forms (/agent/settings/fields/forms/): list, create,
edit (fields, conditions, help-center name, per-language names), delete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from customfields import form_services
from customfields.access import ticket_form_for_admin
from customfields.form_selectors import ticket_forms_for_account
from customfields.models import FieldKind, TicketField, TicketForm
from customfields.selectors import ticket_fields_for_account
from customfields.translations_form import (
    add_translation_inputs,
    translation_inputs,
    translations_from,
)
from customfields.views import admin_view
from helpdesk.form_errors import add_domain_error, flash_domain_error

TEMPLATE = "agent/settings/ticket_form_form.html"
EMPTY_CONDITION_ROWS = 3


def parent_choices(fields: list[TicketField]) -> list[tuple[str, str]]:
    """ "When" choices: each option of a drop-down or multi-select, checked or not for a
    checkbox (``number:value``)."""
    choices = [("", "—")]
    checked, unchecked = _("checked"), _("not checked")
    for field in fields:
        if field.kind in (FieldKind.DROPDOWN, FieldKind.MULTISELECT):
            choices += [
                (f"{field.number}:{o.value}", f"{field.label}: {o.label}")
                for o in field.options.all()
            ]
        elif field.kind == FieldKind.CHECKBOX:
            choices += [
                (f"{field.number}:true", f"{field.label}: {checked}"),
                (f"{field.number}:false", f"{field.label}: {unchecked}"),
            ]
    return choices


class TicketFormForm(forms.ModelForm):
    field_numbers = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Fields on this form"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TicketForm
        fields = ["name", "name_in_portal", "visible_in_portal", "active", "default"]

    def __init__(self, *args: Any, fields: list[TicketField], **kwargs: Any):
        super().__init__(*args, **kwargs)
        form = self.instance
        on_form = form.field_numbers if form.pk else []
        ordered = sorted(
            fields,
            key=lambda f: (
                f.number not in on_form,
                on_form.index(f.number) if f.number in on_form else 0,
            ),
        )
        choice = self.fields["field_numbers"]
        assert isinstance(choice, forms.TypedMultipleChoiceField)  # noqa: S101
        choice.choices = [(f.number, f.label) for f in ordered]
        self.initial["field_numbers"] = on_form
        add_translation_inputs(self, form.translations, label=gettext_lazy("Name"))

    def translation_inputs(self) -> list:
        return translation_inputs(self)

    def attributes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["field_numbers"] = self.cleaned_data["field_numbers"]
        data["translations"] = translations_from(self, self.instance.translations)
        return data


def condition_rows(form: TicketForm | None, data=None) -> list[dict]:
    """The conditions as one row per child ("when … show … required"), and a few empty
    rows; from ``data`` (a POST) when given, so a refused form keeps what was chosen."""
    rows = []
    if data is not None:
        index = 0
        while f"cond-{index}-when" in data:
            rows.append(
                {
                    "when": data.get(f"cond-{index}-when", ""),
                    "show": data.get(f"cond-{index}-show", ""),
                    "required": bool(data.get(f"cond-{index}-required")),
                }
            )
            index += 1
        return rows
    for condition in form.conditions if form is not None else []:
        value = condition["value"]
        value = ("true" if value else "false") if isinstance(value, bool) else value
        for child in condition["child_fields"]:
            rows.append(
                {
                    "when": f"{condition['parent_field_id']}:{value}",
                    "show": str(child["id"]),
                    "required": child["is_required"],
                }
            )
    return rows + [{"when": "", "show": "", "required": False}] * EMPTY_CONDITION_ROWS


def conditions_from_rows(rows: list[dict], fields: dict[int, TicketField]) -> list[dict]:
    """Rows grouped back into conditions (the services check them)."""
    grouped: dict[tuple[int, str], list[dict]] = {}
    for row in rows:
        if not row["when"] and not row["show"]:
            continue
        number, _sep, value = row["when"].partition(":")
        if not number.isdigit() or not row["show"].isdigit():
            raise ValidationError(
                {"conditions": _("Each condition needs a field's value and a field to show.")}
            )
        grouped.setdefault((int(number), value), []).append(
            {"id": int(row["show"]), "is_required": row["required"]}
        )
    result = []
    for (number, value), children in grouped.items():
        parent = fields.get(number)
        stored: Any = value == "true" if parent and parent.kind == FieldKind.CHECKBOX else value
        result.append({"parent_field_id": number, "value": stored, "child_fields": children})
    return result


def _order(ticket_form: TicketForm | None, fields: list[TicketField]) -> list[TicketField]:
    """The form's fields in its order (what the order list shows)."""
    if ticket_form is None:
        return []
    by_number = {f.number: f for f in fields}
    return [by_number[n] for n in ticket_form.field_numbers if n in by_number]


def _render(request, form, ticket_form, fields, rows, status=200):
    context = {
        "form": form,
        "ticket_form": ticket_form,
        "order": _order(ticket_form, fields),
        "rows": rows,
        "when_choices": parent_choices(fields),
        "show_choices": [("", "—")] + [(str(f.number), f.label) for f in fields],
        "section": "fields",
    }
    return render(request, TEMPLATE, context, status=status)


def _save(request, ticket_form: TicketForm | None):
    fields = [f for f in ticket_fields_for_account(account=request.account)]
    form = TicketFormForm(request.POST or None, instance=ticket_form, fields=fields)
    rows = condition_rows(ticket_form, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            attrs = form.attributes()
            attrs["conditions"] = conditions_from_rows(rows, {f.number: f for f in fields})
            if ticket_form is None:
                ticket_form = form_services.ticket_form_create(
                    account=request.account, name=attrs.pop("name"), **attrs
                )
                messages.success(request, _("Form created."))
            else:
                form_services.ticket_form_update(form=ticket_form, **attrs)
                messages.success(request, _("Form saved."))
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"ticket_field_ids": "field_numbers"})  # type: ignore[arg-type]
        else:
            return redirect("customfields:form_edit", ticket_form.number)
    return _render(request, form, ticket_form, fields, rows)


@admin_view
def form_list(request):
    forms_ = ticket_forms_for_account(account=request.account)
    return render(
        request, "agent/settings/ticket_forms.html", {"forms": forms_, "section": "fields"}
    )


@admin_view
def form_new(request):
    return _save(request, None)


@admin_view
def form_edit(request, number: int):
    return _save(
        request,
        ticket_form_for_admin(account=request.account, viewer=request.user, number=number),
    )


@admin_view
@require_POST
def form_delete(request, number: int):
    ticket_form = ticket_form_for_admin(account=request.account, viewer=request.user, number=number)
    try:
        form_services.ticket_form_delete(form=ticket_form)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Form deleted."))
    return redirect("customfields:form_list")


@admin_view
@require_POST
def form_move_field(request, number: int, field_number: int):
    """Move one of the form's fields up or down; htmx gets the order list back (focus
    stays on the moved field's button), a plain POST the form's page."""
    ticket_form = ticket_form_for_admin(account=request.account, viewer=request.user, number=number)
    ticket_form = form_services.ticket_form_move_field(
        form=ticket_form, field_number=field_number, direction=request.POST.get("direction", "")
    )
    if not request.htmx:
        return redirect("customfields:form_edit", ticket_form.number)
    fields = list(ticket_fields_for_account(account=request.account))
    context = {
        "ticket_form": ticket_form,
        "order": _order(ticket_form, fields),
        "moved": field_number,
        "direction": request.POST.get("direction", ""),
    }
    return render(request, "agent/settings/_form_field_order.html", context)
