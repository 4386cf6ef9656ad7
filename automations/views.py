"""Admin settings › Automations (list, create, edit, clone, reorder, (de)activate,
delete) and a ticket's Snooze form. Views parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from automations import services, snooze
from automations.access import automation_for_admin
from automations.forms import AutomationForm, actions_editor, initial_for
from automations.models import Automation
from automations.selectors import automations_for_account
from helpdesk.form_errors import add_domain_error, flash_domain_error
from notifications.forms import vocabulary
from notifications.rendering import PLACEHOLDER_HELP
from notifications.selectors import trigger_reference
from tickets.access import ticket_for_agent
from tickets.conditions import FIELDS, OPERATORS
from tickets.views.common import admin_view, agent_view


@admin_view
def automation_list(request):
    return render(
        request,
        "agent/settings/automations.html",
        {
            "automations": list(automations_for_account(account=request.account)),
            "section": "automations",
        },
    )


def _editor(request, *, automation: Automation | None, form, editor, status: int = 200):
    context = {
        "section": "automations",
        "automation": automation,
        "form": form,
        "editor": editor,
        "fields_help": [(name, f.label, f.operators) for name, f in FIELDS.items()],
        "operators_help": OPERATORS,
        "placeholders": PLACEHOLDER_HELP,
        **vocabulary(request.account),
        **trigger_reference(account=request.account),
    }
    return render(request, "agent/settings/automation_form.html", context, status=status)


def _save(request, automation: Automation | None):
    form = AutomationForm(request.POST, account=request.account, actor=request.user)
    editor = actions_editor(data=request.POST)
    if form.is_valid():
        try:
            if automation is None:
                automation = services.automation_create(
                    account=request.account, **form.automation_fields(editor.actions)
                )
            else:
                services.automation_update(
                    automation=automation, **form.automation_fields(editor.actions)
                )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"name": "title"})
        else:
            messages.success(request, _("Automation “%(name)s” saved.") % {"name": automation.name})
            return redirect("automations:automation_list")
    return _editor(request, automation=automation, form=form, editor=editor, status=400)


@admin_view
def automation_new(request):
    if request.method == "POST":
        return _save(request, None)
    form = AutomationForm(account=request.account, actor=request.user)
    return _editor(request, automation=None, form=form, editor=actions_editor())


@admin_view
def automation_edit(request, number: int):
    automation = automation_for_admin(account=request.account, number=number)
    if request.method == "POST":
        return _save(request, automation)
    form = AutomationForm(
        initial=initial_for(automation), account=request.account, actor=request.user
    )
    return _editor(
        request, automation=automation, form=form, editor=actions_editor(automation=automation)
    )


@admin_view
@require_POST
def automation_clone(request, number: int):
    automation = automation_for_admin(account=request.account, number=number)
    copy = services.automation_clone(automation=automation)
    messages.success(request, _("“%(name)s” created, inactive.") % {"name": copy.name})
    return redirect("automations:automation_edit", copy.number)


@admin_view
@require_POST
def automation_toggle(request, number: int):
    automation = automation_for_admin(account=request.account, number=number)
    try:
        services.automation_set_active(automation=automation, active=not automation.active)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        message = _("“%(name)s” is on.") if automation.active else _("“%(name)s” is off.")
        messages.success(request, message % {"name": automation.name})
    return redirect("automations:automation_list")


@admin_view
@require_POST
def automation_move(request, number: int):
    automation = automation_for_admin(account=request.account, number=number)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.automation_move(automation=automation, direction=direction)
    return redirect("automations:automation_list")


@admin_view
@require_POST
def automation_delete(request, number: int):
    automation = automation_for_admin(account=request.account, number=number)
    services.automation_delete(automation=automation)
    messages.success(request, _("Automation “%(name)s” deleted.") % {"name": automation.name})
    return redirect("automations:automation_list")


# Snooze ----------------------------------------------------------------------------------


@agent_view
@require_POST
def ticket_snooze(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        if request.POST.get("wake"):
            snooze.ticket_unsnooze(ticket=ticket, actor=request.user)
            messages.success(request, _("The ticket is back in the working views."))
        else:
            until = snooze.snooze_time(
                amount=request.POST.get("amount", ""), unit=request.POST.get("unit", "")
            )
            snooze.ticket_snooze(ticket=ticket, actor=request.user, until=until)
            messages.success(request, _("Ticket snoozed."))
    except ValidationError as exc:
        flash_domain_error(request, exc)
    return redirect("tickets:ticket_detail", number=ticket.number)
