"""Admin settings → SLA policies: list (in the order they are tried), create, edit,
move up or down, activate or deactivate, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from servicelevels.access import sla_policy_for_admin
from servicelevels.policies import (
    sla_policies_reorder,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_set_active,
    sla_policy_update,
)
from servicelevels.selectors import sla_policies_for_account
from servicelevels.sla_forms import SlaPolicyForm
from tickets.conditions import public_conditions
from tickets.views.common import admin_view


@admin_view
def policy_list(request):
    policies = list(sla_policies_for_account(account=request.account))
    return render(
        request, "agent/settings/sla_policies.html", {"policies": policies, "section": "sla"}
    )


def _form_page(request, form, policy=None):
    return render(
        request,
        "agent/settings/sla_policy_form.html",
        {"form": form, "policy": policy, "section": "sla"},
    )


@admin_view
def policy_new(request):
    form = SlaPolicyForm(request.POST or None, account=request.account, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sla_policy_create(account=request.account, **form.policy_fields(request.account))
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("SLA policy created."))
            return redirect("sla:policy_list")
    return _form_page(request, form)


@admin_view
def policy_edit(request, number: int):
    policy = sla_policy_for_admin(account=request.account, number=number)
    public = public_conditions(account=request.account, conditions=policy.conditions)
    form = SlaPolicyForm(
        request.POST or None,
        account=request.account,
        actor=request.user,
        initial=SlaPolicyForm.initial_for(policy, public),
    )
    if request.method == "POST" and form.is_valid():
        try:
            sla_policy_update(policy=policy, **form.policy_fields(request.account))
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("SLA policy saved."))
            return redirect("sla:policy_list")
    return _form_page(request, form, policy)


@admin_view
@require_POST
def policy_active(request, number: int):
    policy = sla_policy_for_admin(account=request.account, number=number)
    active = request.POST.get("active") == "1"
    sla_policy_set_active(policy=policy, active=active)
    if active:
        messages.success(request, _("“%(title)s” is active.") % {"title": policy.title})
    else:
        messages.success(request, _("“%(title)s” is deactivated.") % {"title": policy.title})
    return redirect("sla:policy_list")


@admin_view
@require_POST
def policy_move(request, number: int):
    policy = sla_policy_for_admin(account=request.account, number=number)
    numbers = [p.number for p in sla_policies_for_account(account=request.account)]
    at = numbers.index(policy.number)
    to = at - 1 if request.POST.get("direction") == "up" else at + 1
    if 0 <= to < len(numbers):
        numbers[at], numbers[to] = numbers[to], numbers[at]
        try:
            sla_policies_reorder(account=request.account, numbers=numbers)
        except ValidationError as exc:  # a policy added or deleted meanwhile
            flash_domain_error(request, exc)
    return redirect("sla:policy_list")


@admin_view
@require_POST
def policy_remove(request, number: int):
    policy = sla_policy_for_admin(account=request.account, number=number)
    sla_policy_delete(policy=policy)
    messages.success(request, _("“%(title)s” was deleted.") % {"title": policy.title})
    return redirect("sla:policy_list")
