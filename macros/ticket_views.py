"""Macros on tickets: the picker's preview (applied to the form, nothing saved), the
ticket page's Submit once macros filled it, and the lists' bulk "Apply macro"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_get_or_create
from helpdesk.form_errors import add_domain_error
from macros import services
from macros.access import macro_for_agent
from macros.apply import macro_result
from macros.forms import BulkMacroForm
from macros.selectors import macros_for_agent
from tickets.access import ticket_for_agent
from tickets.forms import ReplyForm, TicketFieldsForm
from tickets.labels import submit_as
from tickets.selectors import tickets_visible_to
from tickets.status_forms import choice_value
from tickets.views.common import agent_view, safe_next
from tickets.views.custom_fields import custom_fields_form
from tickets.views.ticket import _page as ticket_page

SIDEBAR_PREFIX = "side"
MAX_MACROS = 20


@agent_view
@require_GET
def macro_preview(request, number: int, macro_number: int):
    """What the macro would do to this ticket's form, as JSON; saves nothing."""
    ticket = ticket_for_agent(viewer=request.user, number=number)
    macro = macro_for_agent(viewer=request.user, number=macro_number)
    result = macro_result(macro=macro, ticket=ticket, actor=request.user)
    fields: dict = {}
    for name in ("status", "priority", "type"):
        if name in result.fields:
            fields[name] = result.fields[name]
    for name in ("group", "assignee"):
        if name in result.fields:
            obj = result.fields[name]
            fields[name] = str(obj.number) if obj is not None else ""
    if "custom_status" in result.fields:  # the sidebar's status select speaks choice_value
        fields["status"] = choice_value(result.fields["custom_status"])
    # Custom fields the sidebar shows as one input (cf-<number>); a checkbox is ticked.
    for number, value in result.fields.get("custom_fields", {}).items():
        if not isinstance(value, list):
            fields[f"cf-{number}"] = "" if value is None else value
    # The reply box's main button says the status the Submit will set.
    submit_label = submit_as(result.fields["status"]) if "status" in result.fields else ""
    submit_status = result.fields.get("status", "")
    notice = ""
    if result.forced_internal:
        notice = _(
            "This ticket is private: the macro's reply is an internal note. Choose "
            "“Public reply” yourself to make the ticket public."
        )
    return JsonResponse(
        {
            "macro": {"id": macro.number, "title": macro.title},
            "fields": fields,
            "tags": {
                "set": result.set_tags,
                "add": result.add_tags,
                "remove": result.remove_tags,
            },
            "ccs": [u.email for u in result.ccs],
            "comment": {"body": result.body, "public": result.public},
            "files": [a.filename for a in result.files],
            "notice": notice,
            "submit_label": submit_label,
            # The reply box's Submit speaks categories (pending), the sidebar statuses.
            "submit_status": submit_status,
        }
    )


def _macros_posted(request) -> list:
    """The macros applied to the form: one the agent may no longer apply (deactivated
    meanwhile) is left out, rather than losing what the agent wrote."""
    numbers = []
    for value in request.POST.getlist("macro")[:MAX_MACROS]:
        try:
            number = int(value)
        except ValueError:
            continue
        if 0 < number < 2**62:
            numbers.append(number)
    found = {m.number: m for m in macros_for_agent(viewer=request.user).filter(number__in=numbers)}
    # Counted once per application: the same macro applied twice is two uses.
    return [found[n] for n in numbers if n in found]


@agent_view
@require_POST
def ticket_submit(request, number: int):
    """The reply box's Submit after "Apply macro": the sidebar's fields as the agent left
    them (copied into this form under ``side-``), then the reply, in one transaction."""
    ticket = ticket_for_agent(viewer=request.user, number=number)
    macros = _macros_posted(request)
    form = ReplyForm(request.POST, request.FILES, account=request.account)
    ccs = [link.user.email for link in ticket.cc_links.select_related("user")]
    side = TicketFieldsForm(
        request.POST, account=request.account, ticket=ticket, cc_emails=ccs, prefix=SIDEBAR_PREFIX
    )
    custom = custom_fields_form(request, ticket, data=request.POST, prefix="side-cf")
    if form.is_valid() and side.is_valid() and custom.is_valid():
        changes = side.field_changes()
        if custom.raw_values():
            changes["custom_fields"] = custom.raw_values()
        body = form.cleaned_data["body"]
        uploads = form.cleaned_data["attachments"]
        has_files = bool(uploads) or any(m.attachments.exists() for m in macros)
        ccs_added = [
            user_get_or_create(account=request.account, email=e)[0]
            for e in form.cleaned_data["ccs"]
        ]
        reply = None
        if body.strip() or has_files:
            reply = {
                "body": body,
                "public": form.public,
                "uploads": uploads,
                "status": form.cleaned_data["status"] or None,
            }
        elif form.cleaned_data["status"]:
            changes["status"] = form.cleaned_data["status"]
        try:
            services.ticket_submit_with_macros(
                ticket=ticket,
                actor=request.user,
                macros=macros,
                field_changes=changes,
                reply=reply,
                ccs=ccs_added,
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Ticket updated."))
            return redirect("tickets:ticket_detail", number=ticket.number)
    for name, errors in side.errors.items():
        label = side.fields[name].label if name in side.fields else ""
        for error in errors:
            form.add_error(None, f"{label}: {error}" if label else error)
    return ticket_page(request, ticket, reply_form=form, status=400)


@agent_view
@require_POST
def tickets_bulk_macro(request):
    """Apply a macro to the checked tickets, saved directly, each through the same
    service; tickets where an action is not allowed are named, the others proceed."""
    back = safe_next(request, reverse("tickets:home"))
    form = BulkMacroForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    macro = macro_for_agent(viewer=request.user, number=form.cleaned_data["macro"])
    tickets = list(
        tickets_visible_to(viewer=request.user)
        .filter(number__in=form.cleaned_data["tickets"])
        .select_related("assignee", "group", "requester", "account")
    )
    outcome = services.macros_apply_bulk(macro=macro, tickets=tickets, actor=request.user)
    if outcome.applied:
        count = len(outcome.applied)
        messages.success(
            request,
            ngettext(
                "“%(title)s” applied to %(count)d ticket.",
                "“%(title)s” applied to %(count)d tickets.",
                count,
            )
            % {"title": macro.title, "count": count},
        )
    for number, reason in outcome.refused:
        messages.error(
            request,
            _("Ticket #%(number)d was not changed: %(reason)s")
            % {"number": number, "reason": reason},
        )
    return redirect(back)
