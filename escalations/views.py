"""The ticket page's escalation actions (agents) and Admin settings › Escalations.
Views parse, call one service, go back to the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalations import selectors, services
from escalations.access import escalation_for_agent, stage_for_admin
from escalations.forms import EscalateForm, StageForm, StageNameForm
from tickets.access import ticket_for_agent
from tickets.views.common import admin_view, agent_view


def _errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _domain(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back(ticket_number: int):
    return redirect(reverse("tickets:ticket_detail", args=[ticket_number]) + "#escalations")


@agent_view
@require_POST
def escalate(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = EscalateForm(request.POST, account=request.account)
    if not form.is_valid():
        _errors(request, form)
        return _back(ticket.number)
    try:
        escalation = services.escalation_create(
            ticket=ticket, actor=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        _domain(request, error)
    else:
        messages.success(
            request, _("Escalation %(number)s created.") % {"number": escalation.number}
        )
    return _back(ticket.number)


@agent_view
@require_POST
def escalation_stage(request, number: int, escalation_number: int):
    escalation = escalation_for_agent(
        viewer=request.user, ticket_number=number, number=escalation_number
    )
    stages = list(selectors.stages_for_account(account=request.account))
    form = StageForm(request.POST, stages=stages)
    if not form.is_valid():
        _errors(request, form)
        return _back(number)
    try:
        services.escalation_update(
            escalation=escalation,
            actor=request.user,
            stage=form.stages[form.cleaned_data["stage"]],
            estimated_resolution=form.cleaned_data["estimated_resolution"],
            clear_estimate=not form.cleaned_data["estimated_resolution"],
        )
    except ValidationError as error:
        _domain(request, error)
    else:
        messages.success(request, _("Escalation updated."))
    return _back(number)


# Admin settings › Escalations -----------------------------------------------------------


@admin_view
def stages_settings(request):
    form = StageNameForm()
    if request.method == "POST":
        form = StageNameForm(request.POST)
        if form.is_valid():
            try:
                services.stage_create(account=request.account, name=form.cleaned_data["name"])
            except ValidationError as error:
                _domain(request, error)
            else:
                messages.success(request, _("Stage added."))
                return redirect("escalations:settings")
    stages = list(selectors.stages_for_account(account=request.account))
    return render(
        request,
        "agent/settings/escalations.html",
        {"section": "escalations", "stages": stages, "form": form},
        status=400 if form.errors else 200,
    )


@admin_view
@require_POST
def stage_edit(request, number: int):
    """One form per stage: rename (``name``), move (``move=up|down``) or ``delete``."""
    stage = stage_for_admin(viewer=request.user, number=number)
    try:
        if request.POST.get("move") in ("up", "down"):
            services.stage_move(stage=stage, up=request.POST["move"] == "up")
        elif "delete" in request.POST:
            services.stage_delete(stage=stage)
            messages.success(request, _("Stage deleted."))
        else:
            form = StageNameForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("escalations:settings")
            services.stage_rename(stage=stage, name=form.cleaned_data["name"])
            messages.success(request, _("Stage saved."))
    except ValidationError as error:
        _domain(request, error)
    return redirect("escalations:settings")
