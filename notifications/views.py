"""Admin settings for triggers, the delivery log and suppressed addresses, and
forwarding a ticket by email.
Views parse, call one service or selector, render; mutations are POST only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error
from notifications import forwarding, services, suppressions
from notifications.access import delivery_for_admin, suppression_for_admin, trigger_for_admin
from notifications.forms import ForwardForm, TriggerEditor, vocabulary
from notifications.models import Delivery
from notifications.outbox import delivery_retry
from notifications.rendering import PLACEHOLDER_HELP
from notifications.selectors import (
    deliveries_for_account,
    delivery_counts,
    inbound_emails_for_account,
    suppressions_for_account,
    trigger_reference,
    triggers_for_account,
)
from tickets.access import ticket_for_agent
from tickets.counts import TicketPaginator
from tickets.views.common import admin_view, agent_view

DELIVERIES_PER_PAGE = 50


# Triggers ------------------------------------------------------------------------------


@admin_view
def trigger_list(request):
    triggers = list(triggers_for_account(account=request.account))
    return render(
        request,
        "agent/settings/triggers.html",
        {"triggers": triggers, "section": "triggers"},
    )


def _editor_page(request, *, trigger, editor: TriggerEditor, errors: list[str]):
    context = {
        "section": "triggers",
        "trigger": trigger,
        "editor": editor,
        "errors": errors,
        "placeholders": PLACEHOLDER_HELP,
        **vocabulary(request.account),
        **trigger_reference(account=request.account),
    }
    return render(
        request, "agent/settings/trigger_form.html", context, status=400 if errors else 200
    )


def _save(request, trigger=None):
    editor = TriggerEditor.from_post(request.POST)
    fields = {
        "name": editor.name,
        "description": editor.description,
        "active": editor.active,
        "conditions": editor.conditions,
        "actions": editor.actions,
    }
    try:
        if trigger is None:
            trigger = services.trigger_create(account=request.account, **fields)
        else:
            services.trigger_update(trigger=trigger, **fields)
    except ValidationError as exc:
        return _editor_page(request, trigger=trigger, editor=editor, errors=exc.messages)
    messages.success(request, _("Trigger “%(name)s” saved.") % {"name": trigger.name})
    return redirect("notifications:trigger_list")


@admin_view
def trigger_new(request):
    if request.method == "POST":
        return _save(request)
    return _editor_page(request, trigger=None, editor=TriggerEditor(), errors=[])


@admin_view
def trigger_edit(request, number: int):
    trigger = trigger_for_admin(account=request.account, number=number)
    if request.method == "POST":
        return _save(request, trigger)
    return _editor_page(
        request, trigger=trigger, editor=TriggerEditor.from_trigger(trigger), errors=[]
    )


@admin_view
@require_POST
def trigger_toggle(request, number: int):
    trigger = trigger_for_admin(account=request.account, number=number)
    services.trigger_set_active(trigger=trigger, active=not trigger.active)
    message = _("“%(name)s” is on.") if trigger.active else _("“%(name)s” is off.")
    messages.success(request, message % {"name": trigger.name})
    return redirect("notifications:trigger_list")


@admin_view
@require_POST
def trigger_move(request, number: int):
    trigger = trigger_for_admin(account=request.account, number=number)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.trigger_move(trigger=trigger, direction=direction)
    return redirect("notifications:trigger_list")


@admin_view
@require_POST
def trigger_delete(request, number: int):
    trigger = trigger_for_admin(account=request.account, number=number)
    services.trigger_delete(trigger=trigger)
    messages.success(request, _("Trigger “%(name)s” deleted.") % {"name": trigger.name})
    return redirect("notifications:trigger_list")


# Delivery log ----------------------------------------------------------------------------


@admin_view
def delivery_list(request):
    if request.GET.get("direction") == "inbound":
        return _inbound_list(request)
    state = request.GET.get("state", "")
    if state not in Delivery.State.values:
        state = ""
    deliveries = deliveries_for_account(account=request.account, state=state)
    page = _page(request, deliveries)
    counts = delivery_counts(account=request.account)
    return render(
        request,
        "agent/settings/deliveries.html",
        {
            "section": "deliveries",
            "page": page,
            "state": state,
            "states": [
                (value, label, counts.get(value, 0)) for value, label in Delivery.State.choices
            ],
        },
    )


def _inbound_list(request):
    """Incoming mail and what became of it: the trace of every drop (loops, strangers'
    forgeries, bursts, spam) an admin may want to check."""
    emails = inbound_emails_for_account(account=request.account)
    page = _page(request, emails)
    return render(
        request,
        "agent/settings/deliveries_inbound.html",
        {"section": "deliveries", "page": page},
    )


def _page(request, rows):
    """A page of a log that grows without end: its count capped (then estimated), its
    Previous and Next links seeking by keyset, so page 2,000 costs what page 1 does."""
    paginator = TicketPaginator(rows, DELIVERIES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"), request.GET.get("cursor"))


@admin_view
@require_POST
def delivery_resend(request, ref: str):
    delivery = delivery_for_admin(account=request.account, ref=ref)
    if delivery.resendable:
        delivery_retry(delivery=delivery)
        messages.success(
            request, _("The email to %(to)s is queued again.") % {"to": delivery.to_email}
        )
    return redirect("notifications:delivery_list")


# Suppressed addresses ----------------------------------------------------------------------


@admin_view
def suppression_list(request):
    rows = suppressions_for_account(account=request.account)
    page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "agent/settings/suppressions.html",
        {"section": "deliveries", "page": page},
    )


@admin_view
@require_POST
def suppression_lift(request, number: int):
    suppression = suppression_for_admin(account=request.account, number=number)
    suppressions.suppression_lift(suppression=suppression, actor=request.user)
    messages.success(
        request,
        _("%(email)s is no longer suppressed: emails to it will be sent again.")
        % {"email": suppression.email},
    )
    return redirect("notifications:suppression_list")


# Forwarding ------------------------------------------------------------------------------


@agent_view
def ticket_forward(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    initial = {"subject": _("Fwd: %(subject)s") % {"subject": ticket.subject}}
    form = ForwardForm(request.POST or None, account=request.account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = forwarding.ticket_forward(
                ticket=ticket,
                actor=request.user,
                recipients=form.recipients(),
                subject=data["subject"],
                message=data["message"],
                include_conversation=data["include_conversation"],
                include_history=data["include_history"],
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Ticket forwarded to %(n)s recipients.") % {"n": len(rows)}
                if len(rows) != 1
                else _("Ticket forwarded to %(to)s.") % {"to": rows[0].to_email},
            )
            return redirect("tickets:ticket_detail", number=ticket.number)
    return render(
        request,
        "agent/ticket_forward.html",
        {"ticket": ticket, "form": form},
        status=400 if form.errors else 200,
    )
