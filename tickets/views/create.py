"""The new-ticket form ("+ Add" → "Ticket") and its requester type-ahead.

The type-ahead is htmx over plain endpoints; without JavaScript the form still works:
the requester is typed as an email address, with an optional name for a new user.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import user_for_agent
from accounts.models import User
from accounts.roles import permissions_of
from accounts.selectors import user_for_email, users_search
from accounts.services import user_create, user_get_or_create
from helpdesk.form_errors import add_domain_error
from tickets.forms import InlineUserForm, TicketCreateForm
from tickets.models import Channel, Ticket
from tickets.services import ticket_create
from tickets.text import normalise_newlines, truncate_body
from tickets.views.common import agent_view
from tickets.views.custom_fields import custom_fields_form

# Jinja2 templates (templates/jinja2/, issue 17: one template language per page).
TEMPLATE = "agent/ticket_new.html"
# The requester type-ahead, the same on the new-ticket form and the ticket page: the
# field, its search results, its "+ Add user" form (included by the field).
REQUESTER = "agent/_requester_field.html"
REQUESTER_RESULTS = "agent/_requester_results.html"
CC_RESULTS = "agent/_cc_results.html"


def _requester_from_query(request) -> User | None:
    number = request.GET.get("requester", "")
    if number.isdigit():
        return user_for_agent(account=request.account, number=int(number))
    return None


def _selected_requester(form: TicketCreateForm) -> User | None:
    """The user a re-displayed form had picked (its requester field holds an email)."""
    email = form.cleaned_data.get("requester") if hasattr(form, "cleaned_data") else None
    if not email:
        return None
    return user_for_email(account=form.account, email=email)


@transaction.atomic
def _create(request, form: TicketCreateForm, custom_form) -> Ticket:
    """Find or add the requester and CCs, then open the ticket: all or nothing."""
    data, account = form.cleaned_data, request.account
    requester = None
    if data["requester"]:
        requester, _created = user_get_or_create(
            account=account, email=data["requester"], name=data["requester_name"]
        )
    ccs = [user_get_or_create(account=account, email=email)[0] for email in data["ccs"]]
    return ticket_create(
        account=account,
        submitter=request.user,
        subject=data["subject"],
        body=data["body"],
        public=form.public,
        requester=requester,
        channel=data["channel"] or Channel.WEB,
        status=data["status"] or Ticket.Status.NEW,
        type=data["type"],
        priority=data["priority"],
        group=data["group"],
        assignee=data["assignee"],
        tags=data["tags"],
        due_at=form.due_at,
        ccs=ccs,
        uploads=data["attachments"],
        custom_fields=custom_form.raw_values(),
        ticket_form=custom_form.chosen_form(),
    )


def warn_if_truncated(request, body: str) -> None:
    if truncate_body(normalise_newlines(body).strip())[1]:
        messages.warning(
            request,
            _(
                "The comment was longer than 65,536 characters: it was shortened, and the "
                "full text is attached as original-comment.txt."
            ),
        )


@agent_view
def ticket_new(request):
    requester = None
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES, account=request.account)
        custom_form = custom_fields_form(request, None, data=request.POST)
        if form.is_valid() and custom_form.is_valid():
            try:
                ticket = _create(request, form, custom_form)
            except ValidationError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Ticket #%(number)d created.") % {"number": ticket.number},
                )
                warn_if_truncated(request, form.cleaned_data["body"])
                return redirect("tickets:ticket_detail", number=ticket.number)
        requester = _selected_requester(form)
    else:
        requester = _requester_from_query(request)
        initial = {"requester": requester.email} if requester else {}
        form = TicketCreateForm(account=request.account, initial=initial)
        custom_form = custom_fields_form(request, None)
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "custom_form": custom_form,
            "requester_user": requester,
            "role_cannot_solve": not permissions_of(request.user).solve,
        },
        using="jinja2",
    )


def _requester_field(request, **context):
    """The type-ahead swapped in by htmx, on whichever page it is (its field is the same)."""
    field = TicketCreateForm(account=request.account)["requester"]
    return render(request, REQUESTER, {"field": field, **context}, using="jinja2")


@agent_view
def requester_search(request):
    """Type-ahead results under the Requester field (rule 2's search)."""
    query = (request.GET.get("requester") or request.GET.get("q") or "").strip()[:200]
    if not request.htmx:
        return redirect(f"{reverse('tickets:search')}?{urlencode({'q': query})}")
    if not query:
        return HttpResponse("")
    users = users_search(account=request.account, query=query)
    return render(request, REQUESTER_RESULTS, {"users": users, "q": query}, using="jinja2")


@agent_view
def requester_pick(request):
    """The Requester field with a user picked (?user=<number>), or empty again."""
    number = request.GET.get("user", "")
    user = None
    if number.isdigit():
        user = user_for_agent(account=request.account, number=int(number))
    if not request.htmx:
        url = reverse("tickets:ticket_new")
        return redirect(f"{url}?{urlencode({'requester': user.number})}" if user else url)
    return _requester_field(request, requester_user=user)


@agent_view
def requester_add_form(request):
    """ "+ Add user": the inline name + email mini-form, pre-filled from the search."""
    query = request.GET.get("q", "").strip()[:200]
    if not request.htmx:
        return redirect("tickets:user_new")
    initial = {"email": query} if "@" in query else {"name": query}
    return _requester_field(
        request, inline_form=InlineUserForm(account=request.account, initial=initial)
    )


@agent_view
@require_POST
def requester_add(request):
    """Create the user of the inline mini-form and pick them as the requester."""
    form = InlineUserForm(request.POST, account=request.account)
    user = None
    if form.is_valid():
        try:
            user = user_create(
                account=request.account,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
    if not request.htmx:
        if user is not None:
            url = reverse("tickets:ticket_new")
            return redirect(f"{url}?{urlencode({'requester': user.number})}")
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tickets:ticket_new")
    if user is None:
        return _requester_field(request, inline_form=form)
    return _requester_field(request, requester_user=user)


@agent_view
def cc_search(request):
    """Type-ahead under a CC field: people matching the address being typed (the text
    after the last comma), end users and agents alike."""
    value = request.GET.get("ccs", "")[-500:]
    query = re.split(r"[,;]", value)[-1].strip()[:200]
    if not request.htmx or not query:
        return HttpResponse("")
    users = users_search(account=request.account, query=query, limit=8)
    return render(request, CC_RESULTS, {"users": users, "q": query}, using="jinja2")
