"""The ticket page's call actions (agents): schedule the call, log it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import services
from calls.forms import CallForm, CallLogForm
from helpdesk.form_errors import flash_domain_error
from tickets.access import ticket_for_agent
from tickets.views.common import agent_view


def _back(number: int):
    return redirect(reverse("tickets:ticket_detail", args=[number]) + "#call")


def _refuse(request, form) -> None:
    messages.error(request, " ".join(str(e) for es in form.errors.values() for e in es))


@agent_view
@require_POST
def call_schedule(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = CallForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
        return _back(number)
    try:
        services.call_schedule(ticket=ticket, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Call saved."))
    return _back(number)


@agent_view
@require_POST
def call_log(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = CallLogForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
        return _back(number)
    try:
        services.call_log(ticket=ticket, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Call logged."))
    return _back(number)
