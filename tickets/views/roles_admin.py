"""Settings › Roles (issue 21): the account's agent roles; add one, change its permission
set, delete one nobody has. The rules (admins only, built-in roles stay) are the
services' (accounts.roles); what a role allows is enforced by the tickets' selectors and
services, never by these pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.access import role_for_admin
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.role_forms import AgentRoleForm
from tickets.views.common import admin_view


@admin_view
def roles_list(request):
    rows = roles.roles_for_account(account=request.account).annotate(
        agent_count=Count("agents", filter=Q(agents__is_active=True))
    )
    return render(
        request,
        "agent/settings/roles.html",
        {
            "roles": [(role, roles.display_name(role)) for role in rows],
            "section": "roles",
        },
    )


@admin_view
def role_new(request):
    form = AgentRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = roles.role_create(
                account=request.account, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Role “%(name)s” added.") % {"name": role.name})
            return redirect("tickets:settings_roles")
    return render(
        request,
        "agent/settings/role_form.html",
        {"form": form, "role": None, "section": "roles"},
        status=400 if form.is_bound else 200,
    )


@admin_view
def role_edit(request, number: int):
    role = role_for_admin(viewer=request.user, number=number)
    form = AgentRoleForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            roles.role_update(role=role, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Role “%(name)s” saved.") % {"name": role.name})
            return redirect("tickets:settings_roles")
    return render(
        request,
        "agent/settings/role_form.html",
        {"form": form, "role": role, "role_name": roles.display_name(role), "section": "roles"},
        status=400 if form.is_bound else 200,
    )


@admin_view
@require_POST
def role_delete(request, number: int):
    role = role_for_admin(viewer=request.user, number=number)
    name = roles.display_name(role)
    try:
        roles.role_delete(role=role, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Role “%(name)s” deleted.") % {"name": name})
    return redirect("tickets:settings_roles")
