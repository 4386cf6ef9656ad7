"""Close, Explain & Close, the admins' close reasons and the closings report. Views parse,
call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from closing import selectors, services
from closing.access import reason_for_admin
from closing.forms import ExplainCloseForm, ReasonForm
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.access import ticket_for_agent
from tickets.models import Ticket
from tickets.services import NotAllowed, ticket_update
from tickets.views.common import admin_view, agent_view


def _settings_page(request, *, form=None, status=200):
    return render(
        request,
        "agent/settings/close_reasons.html",
        {
            "section": "close_reasons",
            "reasons": list(selectors.reasons(account=request.account, active=None)),
            "reason_form": form or ReasonForm(),
            "root_cause_field": selectors.root_cause_field(account=request.account),
        },
        status=status,
    )


@admin_view
def close_settings(request):
    if request.method != "POST":
        return _settings_page(request)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reason_create(account=request.account, title=form.cleaned_data["title"])
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Reason added."))
            return redirect("closing:settings")
    return _settings_page(request, form=form, status=400)


@admin_view
@require_POST
def reason_edit(request, number: int):
    reason = reason_for_admin(viewer=request.user, number=number)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reason_update(reason=reason, **form.cleaned_data)
        except ValidationError as error:
            flash_domain_error(request, error)
        else:
            messages.success(request, _("Reason saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("closing:settings")


@agent_view
@require_POST
def ticket_close(request, number: int):
    """Close: the status only, refused while the account asks for an explanation."""
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        ticket_update(ticket=ticket, actor=request.user, status=Ticket.Status.CLOSED)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Ticket closed."))
    return redirect("tickets:ticket_detail", number=ticket.number)


@agent_view
def explain_close(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = ExplainCloseForm(
        request.POST or None,
        reasons=list(selectors.reasons(account=request.account)),
        causes=selectors.root_cause_options(
            field=selectors.root_cause_field(account=request.account)
        ),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.ticket_explain_and_close(
                    ticket=ticket, actor=request.user, **form.cleaned_data
                )
            except NotAllowed as refusal:
                form.add_error(None, str(refusal))
            except ValidationError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Ticket closed; the explanation was sent."))
                return redirect("tickets:ticket_detail", number=ticket.number)
    return render(
        request, "agent/explain_close.html", {"ticket": ticket, "form": form}, status=status
    )
