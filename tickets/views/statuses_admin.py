"""Settings › Statuses (issue 19): the account's custom statuses by category; add one,
rename or describe one, reorder them within their category, deactivate the added ones.
The rules (admins only, built-in statuses stay active) are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.access import custom_status_for_admin
from tickets.models import CustomStatus, StatusCategory
from tickets.services import statuses as services
from tickets.status_forms import CustomStatusForm
from tickets.status_selectors import by_category, custom_statuses_for_account
from tickets.views.common import admin_view


def _categories(statuses: list[CustomStatus]) -> list[dict]:
    return [
        {"value": value, "label": label, "statuses": [s for s in statuses if s.category == value]}
        for value, label in StatusCategory.choices
    ]


@admin_view
def statuses_list(request):
    form = CustomStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.custom_status_create(
                account=request.account,
                actor=request.user,
                category=data["category"],
                agent_label=data["agent_label"],
                end_user_label=data["end_user_label"],
                description=data["description"],
                end_user_description=data["end_user_description"],
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Status “%(label)s” added.") % {"label": created.agent_name}
            )
            return redirect("tickets:settings_statuses")
    statuses = by_category(custom_statuses_for_account(account=request.account))
    return render(
        request,
        "agent/settings/statuses.html",
        {"categories": _categories(statuses), "form": form, "section": "statuses"},
        status=400 if form.is_bound else 200,
    )


@admin_view
def status_edit(request, number: int):
    custom_status = custom_status_for_admin(viewer=request.user, number=number)
    form = CustomStatusForm(request.POST or None, custom_status=custom_status)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_status_update(
                custom_status=custom_status, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Status “%(label)s” saved.") % {"label": custom_status.agent_name}
            )
            return redirect("tickets:settings_statuses")
    return render(
        request,
        "agent/settings/status_form.html",
        {"custom_status": custom_status, "form": form, "section": "statuses"},
        status=400 if form.is_bound else 200,
    )


@admin_view
@require_POST
def status_toggle(request, number: int):
    custom_status = custom_status_for_admin(viewer=request.user, number=number)
    try:
        services.custom_status_update(
            custom_status=custom_status, actor=request.user, is_active=not custom_status.is_active
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        message = (
            _("“%(label)s” is active.")
            if custom_status.is_active
            else _("“%(label)s” is inactive.")
        )
        messages.success(request, message % {"label": custom_status.agent_name})
    return redirect("tickets:settings_statuses")


@admin_view
@require_POST
def status_move(request, number: int):
    """One step up or down among its category's statuses."""
    custom_status = custom_status_for_admin(viewer=request.user, number=number)
    statuses = by_category(custom_statuses_for_account(account=request.account))
    siblings = [s.number for s in statuses if s.category == custom_status.category]
    at = siblings.index(custom_status.number)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    if step and 0 <= at + step < len(siblings):
        siblings[at], siblings[at + step] = siblings[at + step], siblings[at]
        order = [s.number for s in statuses if s.category != custom_status.category]
        services.custom_statuses_reorder(
            account=request.account, actor=request.user, numbers=siblings + order
        )
    return redirect("tickets:settings_statuses")
