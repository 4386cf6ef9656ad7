"""The ticket page: conversation, activity, reply box, sidebar of fields, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import permissions_of
from accounts.selectors import groups_for_account
from accounts.services import user_get_or_create
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.access import attachment_for_viewer, ticket_for_agent
from tickets.attachments import attachment_response
from tickets.forms import ReplyForm, TicketFieldsForm
from tickets.models import Channel, Ticket
from tickets.selectors import conversation_rows, events_for_agent
from tickets.services import (
    NotAllowed,
    can_be_made_private,
    ticket_make_private,
    ticket_set_ccs,
    ticket_update,
)
from tickets.services import ticket_reply as reply_to_ticket  # the view has the name
from tickets.services.activity import ticket_mark_read
from tickets.services.conflicts import (
    TicketConflict,
    parse_stamp,
    ticket_check_fresh,
    ticket_stamp,
)
from tickets.views.common import agent_view
from tickets.views.conflicts import reapply_form
from tickets.views.create import warn_if_truncated
from tickets.views.custom_fields import custom_fields_form, field_titles

TEMPLATE = "agent/ticket_detail.html"
TABS = ("conversation", "activity")


def _role(request) -> dict:
    """The reply box as the agent's role allows (accounts.roles)."""
    permissions = permissions_of(request.user)
    return {"may_solve": permissions.solve, "public_replies": permissions.public_replies}


def _public_flags(comments: list[dict] | None) -> list[bool] | None:
    """The comments' public flags in conversation order, when the conversation read them
    all (an agent reads every comment; none read: the Activity tab, or the conversation
    withheld by support access, and can_be_made_private reads them itself)."""
    return [comment["public"] for comment in comments] if comments else None


def _requester_shown(request, ticket: Ticket, form: TicketFieldsForm):
    """The user the requester type-ahead shows as picked: the ticket's, or the one a
    re-displayed form had picked; none (the typed text instead) when that was refused,
    or when "Change" was followed without JavaScript (``?requester=change``)."""
    if request.GET.get("requester") == "change":
        return None
    if not form.is_bound:
        return ticket.requester
    return form.cleaned_data.get("requester")


def _page(
    request,
    ticket: Ticket,
    *,
    reply_form=None,
    fields_form=None,
    custom_form=None,
    conflict=None,
    status=200,
):
    tab = request.GET.get("tab", "conversation")
    tab = tab if tab in TABS else "conversation"
    custom_form = custom_form or custom_fields_form(request, ticket)
    comments = (
        conversation_rows(ticket=ticket, viewer=request.user) if tab == "conversation" else None
    )
    ccs = [link.user for link in ticket.cc_links.select_related("user").order_by("id")]
    # One read of the groups for the sidebar's field and the escalation panel's form.
    groups = list(groups_for_account(account=request.account))
    fields_form = fields_form or TicketFieldsForm(
        account=request.account,
        ticket=ticket,
        cc_emails=[u.email for u in ccs],
        may_solve=permissions_of(request.user).solve,
        groups=groups,
    )
    context = {
        "agent_groups": groups,
        "ticket": ticket,
        "tab": tab,
        "ccs": ccs,
        "reply_form": reply_form
        or ReplyForm(account=request.account, ticket=ticket, **_role(request)),
        "fields_form": fields_form,
        "role_cannot_solve": not permissions_of(request.user).solve,
        "custom_form": custom_form,
        "field_titles": field_titles(custom_form),
        "requester_user": _requester_shown(request, ticket, fields_form),
        # can_be_made_private reads the comments; a private ticket needs no reading.
        # and only for a role that may (accounts.roles; the service refuses the rest).
        "can_make_private": permissions_of(request.user).make_private
        and ticket.is_public
        and can_be_made_private(ticket, public_flags=_public_flags(comments)),
        # The version both forms carry (tickets.services.conflicts), and what changed
        # after the version a refused form carried.
        "updated_stamp": ticket_stamp(ticket),
        "conflict": conflict,
    }
    if tab == "conversation":
        context["comments"] = comments
    else:
        context["events"] = events_for_agent(ticket=ticket, viewer=request.user)
    # templates/jinja2/agent/ticket_detail.html (issue 17, bench/README.md "Eleventh round").
    return render(request, TEMPLATE, context, status=status, using="jinja2")


@agent_view
def ticket_detail(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    return _page(request, ticket)


@agent_view
@require_POST
def ticket_read(request, number: int):
    """Seed 002's "Read": the ticket page, once loaded, tells (an htmx POST on load,
    templates/jinja2/agent/_mark_read.html) that an agent opened it; a GET changes nothing."""
    ticket = ticket_for_agent(viewer=request.user, number=number)
    ticket_mark_read(ticket=ticket, viewer=request.user)
    return HttpResponse(status=204)


def _stamp(request):
    return parse_stamp(request.POST.get("updated_stamp"))


@transaction.atomic
def _reply(request, ticket: Ticket, form: ReplyForm):
    ticket = ticket_check_fresh(ticket=ticket, updated_stamp=_stamp(request))
    # The CCs' addresses become users here; ticket_reply adds them before the comment.
    ccs = [
        user_get_or_create(account=request.account, email=email)[0]
        for email in form.cleaned_data["ccs"]
    ]
    return reply_to_ticket(
        ticket=ticket,
        author=request.user,
        body=form.cleaned_data["body"],
        public=form.public,
        channel=Channel.WEB,
        ccs=ccs,
        uploads=form.cleaned_data["attachments"],
        status=form.cleaned_data["status"] or None,
        # The other apps' fields of the reply box (the time spent: timeworked).
        extras=request.POST,
    ).comment


@agent_view
@require_POST
def ticket_reply(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = ReplyForm(request.POST, request.FILES, account=request.account, **_role(request))
    if form.is_valid():
        was_private = ticket.is_private
        try:
            comment = _reply(request, ticket, form)
        except TicketConflict as conflict:
            # The typed reply and its choices stay; the page now carries the new version,
            # so sending again is "submit anyway".
            return _conflict_page(request, conflict, reply_form=form)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            if was_private and comment.public:
                messages.success(request, _("Public reply added: the ticket is now public."))
            elif was_private and form.public:
                messages.warning(
                    request, _("This ticket is private: the comment was saved as an internal note.")
                )
            elif comment.public:
                messages.success(request, _("Public reply added."))
            else:
                messages.success(request, _("Internal note added."))
            warn_if_truncated(request, form.cleaned_data["body"])
            return redirect("tickets:ticket_detail", number=ticket.number)
    # Typed text and choices stay in the re-displayed form.
    return _page(request, ticket, reply_form=form)


@transaction.atomic
def _save_fields(request, ticket: Ticket, form: TicketFieldsForm, custom_form) -> bool:
    changed = False
    changes = form.field_changes()
    if custom_form.raw_values():
        changes["custom_fields"] = custom_form.raw_values()
    if custom_form.chosen_form() is not None:
        changes["ticket_form"] = custom_form.chosen_form()
    if changes:
        changed |= bool(ticket_update(ticket=ticket, actor=request.user, **changes).changes)
    if "ccs" in form.changed_data:
        wanted = [
            user_get_or_create(account=request.account, email=email)[0]
            for email in form.cleaned_data["ccs"]
        ]
        changed |= bool(ticket_set_ccs(ticket=ticket, actor=request.user, users=wanted).changes)
    return changed


@agent_view
@require_POST
def ticket_fields_update(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    ccs = [link.user.email for link in ticket.cc_links.select_related("user")]
    form = TicketFieldsForm(
        request.POST,
        account=request.account,
        ticket=ticket,
        cc_emails=ccs,
        may_solve=permissions_of(request.user).solve,
    )
    custom_form = custom_fields_form(request, ticket, data=request.POST)
    try:
        with transaction.atomic():
            # Checked before the form compares each field with what the agent loaded:
            # any change since the page was read shows what it was.
            ticket_check_fresh(ticket=ticket, updated_stamp=_stamp(request))
            valid = form.is_valid() and custom_form.is_valid()
            changed = valid and _save_fields(request, ticket, form, custom_form)
    except TicketConflict as conflict:
        return _conflict_page(
            request,
            conflict,
            fields_form=reapply_form(request, form, conflict),
            custom_form=custom_form,
        )
    except ValidationError as exc:
        add_domain_error(form, exc)
    else:
        if valid:
            if changed:
                messages.success(request, _("Ticket updated."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("tickets:ticket_detail", number=ticket.number)
    ticket.refresh_from_db()
    return _page(request, ticket, fields_form=form, custom_form=custom_form)


def _conflict_page(request, conflict: TicketConflict, **forms):
    ticket = ticket_for_agent(viewer=request.user, number=conflict.ticket.number)
    return _page(request, ticket, conflict=conflict, status=409, **forms)


@agent_view
@require_POST
def ticket_make_private_view(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        ticket_make_private(ticket=ticket, actor=request.user)
    except NotAllowed as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("The ticket is private: its first reply is now an internal note for good."),
        )
    return redirect("tickets:ticket_detail", number=ticket.number)


@agent_view
def attachment_download(request, number: int, token: str):
    """An attachment of a comment the agent may read, answered as tickets.attachments
    answers every download."""
    attachment = attachment_for_viewer(viewer=request.user, number=number, token=token)
    return attachment_response(attachment)
