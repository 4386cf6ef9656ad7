"""Admin settings: the account's ticket settings, the team of agents, and groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import group_for_agent, user_for_agent
from accounts.selectors import groups_with_members, team_for_account
from accounts.services import (
    account_settings_update,
    agent_set_role,
    group_add_agent,
    group_create,
    group_remove_agent,
)
from accounts.user_services import user_invite
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.selectors import retention_policy_for
from tickets.services.offboarding import LISTED, agent_deactivate_and_reassign, open_tickets_of
from tickets.services.retention import retention_policy_update
from tickets.settings_forms import (
    AccountSettingsForm,
    AgentAddForm,
    AgentDeactivateForm,
    AgentRoleForm,
    GroupAddAgentForm,
    GroupCreateForm,
    RetentionForm,
)
from tickets.views.common import admin_view


@admin_view
def settings_general(request):
    form = AccountSettingsForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            account_settings_update(account=request.account, actor=request.user, **form.settings())
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("tickets:settings")
    return render(request, "agent/settings/general.html", {"form": form, "section": "general"})


@admin_view
def settings_agents(request):
    form = AgentAddForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_invite(
                account=request.account,
                actor=request.user,
                name=data["name"],
                email=data["email"],
                role=data["role"],
                groups=data["groups"],
                default_group=data["default_group"],
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s joined the team. An invitation to choose a password was sent.")
                % {"name": data["name"]},
            )
            return redirect("tickets:settings_agents")
    return render(
        request,
        "agent/settings/agents.html",
        {"form": form, "team": team_for_account(account=request.account), "section": "agents"},
    )


@admin_view
@require_POST
def settings_agent_role(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    form = AgentRoleForm(request.POST)
    if form.is_valid():
        try:
            agent_set_role(user=person, role=form.cleaned_data["role"], actor=request.user)
        except ValidationError as exc:
            flash_domain_error(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": person.name, "role": person.get_role_display().lower()},
            )
    return redirect("tickets:settings_agents")


@admin_view
def settings_agent_deactivate(request, number: int):
    """The leaving agent's open tickets are listed, and whoever takes them is chosen, in
    the same step as the deactivation."""
    person = user_for_agent(account=request.account, number=number)
    if not person.is_agent or not person.is_active:
        raise Http404
    posted = request.POST if request.method == "POST" else None  # an empty choice is a choice
    form = AgentDeactivateForm(posted, account=request.account, leaving=person)
    if request.method == "POST" and form.is_valid():
        try:
            moved = agent_deactivate_and_reassign(
                agent=person,
                actor=request.user,
                to_agent=form.cleaned_data["to_agent"],
                to_group=form.cleaned_data["to_group"],
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(name)s was deactivated; %(count)d ticket was reassigned.",
                    "%(name)s was deactivated; %(count)d tickets were reassigned.",
                    moved,
                )
                % {"name": person.name, "count": moved},
            )
            return redirect("tickets:settings_agents")
    open_tickets = open_tickets_of(person)
    return render(
        request,
        "agent/settings/agent_deactivate.html",
        {
            "form": form,
            "person": person,
            "open_count": open_tickets.count(),
            "open_tickets": open_tickets.select_related("group")[:LISTED],
            "section": "agents",
        },
    )


@admin_view
def settings_groups(request):
    form = GroupCreateForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            group_create(account=request.account, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Group created."))
            return redirect("tickets:settings_groups")
    groups = groups_with_members(account=request.account)
    return render(
        request,
        "agent/settings/groups.html",
        {
            "form": form,
            "groups": groups,
            "add_form": GroupAddAgentForm(account=request.account),
            "section": "groups",
        },
    )


@admin_view
@require_POST
def settings_group_add(request, number: int):
    group = group_for_agent(account=request.account, number=number)
    form = GroupAddAgentForm(request.POST, account=request.account)
    if not form.is_valid():
        messages.error(request, _("Choose an agent to add."))
        return redirect("tickets:settings_groups")
    try:
        group_add_agent(group=group, agent=form.cleaned_data["agent"])
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("%(agent)s added to %(group)s.")
            % {"agent": form.cleaned_data["agent"].name, "group": group.name},
        )
    return redirect("tickets:settings_groups")


@admin_view
@require_POST
def settings_group_remove(request, number: int, user_number: int):
    group = group_for_agent(account=request.account, number=number)
    agent = user_for_agent(account=request.account, number=user_number)
    group_remove_agent(group=group, agent=agent)
    messages.success(
        request, _("%(agent)s removed from %(group)s.") % {"agent": agent.name, "group": group.name}
    )
    return redirect("tickets:settings_groups")


@admin_view
def settings_retention(request):
    policy = retention_policy_for(account=request.account)
    initial = {
        "closed_ticket_months": policy.closed_ticket_months,
        "attachment_months": policy.attachment_months,
    }
    form = RetentionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            retention_policy_update(
                account=request.account, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Retention saved. Nothing is deleted before a dry run."))
            return redirect("tickets:settings_retention")
    return render(
        request,
        "agent/settings/retention.html",
        {"form": form, "policy": policy, "section": "retention"},
    )
