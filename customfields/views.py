"""Admin settings → Fields (/agent/settings/fields/): list, create, edit, delete."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import require_admin
from customfields import services
from customfields.access import ticket_field_for_admin
from customfields.forms import TicketFieldForm
from customfields.selectors import ticket_fields_for_account
from helpdesk.form_errors import add_domain_error, flash_domain_error

TEMPLATE = "agent/settings/field_form.html"


def admin_view(view):
    """Settings pages: admins only (403 for agents, 404 for end users), as every other
    settings page (tickets.views.common.admin_view, which this layer cannot import)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_admin(request.user)
        return view(request, *args, **kwargs)

    return wrapped


@admin_view
def field_list(request):
    fields = ticket_fields_for_account(account=request.account)
    return render(request, "agent/settings/fields.html", {"fields": fields, "section": "fields"})


@admin_view
def field_new(request):
    form = TicketFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attrs = form.attributes()
        try:
            field = services.ticket_field_create(
                account=request.account,
                kind=form.cleaned_data["kind"],
                title=attrs.pop("title"),
                options=form.options(),
                **attrs,
            )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"custom_field_options": "options_text"})
        else:
            messages.success(request, _("Field created."))
            return redirect("customfields:field_edit", field.number)
    return render(request, TEMPLATE, {"form": form, "section": "fields"})


@admin_view
def field_edit(request, number: int):
    field = ticket_field_for_admin(account=request.account, viewer=request.user, number=number)
    form = TicketFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_field_update(field=field, options=form.options(), **form.attributes())
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"custom_field_options": "options_text"})  # type: ignore[arg-type]  # a ModelForm: a BaseForm, as add_domain_error needs
        else:
            messages.success(request, _("Field saved."))
            return redirect("customfields:field_edit", field.number)
    return render(request, TEMPLATE, {"form": form, "field": field, "section": "fields"})


@admin_view
@require_POST
def field_delete(request, number: int):
    field = ticket_field_for_admin(account=request.account, viewer=request.user, number=number)
    try:
        services.ticket_field_delete(field=field)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Field deleted."))
    return redirect("customfields:field_list")
