"""Admin settings → Organizations: list, create, edit, delete. The rules live in
accounts.organization_services; these views parse, call one, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import organization_for_agent
from accounts.organization_services import (
    organization_admin_create,
    organization_admin_update,
    organization_delete,
)
from accounts.selectors import organizations_for_admin
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.counts import TicketPaginator
from tickets.people_forms import OrganizationFilterForm, OrganizationForm
from tickets.views.common import admin_view

PER_PAGE = 50


@admin_view
def organizations_list(request):
    filters = OrganizationFilterForm(request.GET)
    orgs = organizations_for_admin(account=request.account, query=filters.query())
    page = TicketPaginator(orgs, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "agent/settings/organizations.html",
        {"filters": filters, "page": page, "section": "organizations"},
    )


@admin_view
def organization_new(request):
    form = OrganizationForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            org = organization_admin_create(
                account=request.account, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"domain_names": "domains"})
        else:
            messages.success(request, _("Organization created."))
            return redirect("tickets:settings_organization", number=org.number)
    return render(
        request,
        "agent/settings/organization_form.html",
        {"form": form, "organization": None, "section": "organizations"},
    )


@admin_view
def organization_edit(request, number: int):
    org = organization_for_agent(account=request.account, number=number)
    form = OrganizationForm(
        request.POST or None, account=request.account, initial=OrganizationForm.initial_for(org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            organization_admin_update(organization=org, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"domain_names": "domains"})
            org.refresh_from_db()
        else:
            messages.success(request, _("Organization saved."))
            return redirect("tickets:settings_organization", number=org.number)
    return render(
        request,
        "agent/settings/organization_form.html",
        {"form": form, "organization": org, "section": "organizations"},
    )


@admin_view
@require_POST
def organization_deletion(request, number: int):
    org = organization_for_agent(account=request.account, number=number)
    try:
        organization_delete(organization=org, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
        return redirect("tickets:settings_organization", number=org.number)
    messages.success(request, _("%(name)s was deleted.") % {"name": org.name})
    return redirect("tickets:settings_organizations")
