"""The agent pages of links: merge (from a ticket or a list's selection), add and remove a
link, solve a problem's incidents, split comments into a new ticket. Thin: a form, one
service, a redirect or the page again with the error."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.services import user_get_or_create
from helpdesk.form_errors import add_domain_error, flash_domain_error
from ticketlinks.forms import LinkForm, MergeForm, SolveIncidentsForm, SplitForm
from ticketlinks.merge import ticket_merge
from ticketlinks.selectors import merge_check
from ticketlinks.services import (
    problem_solve_incidents,
    ticket_link_add,
    ticket_link_remove,
    ticket_split,
)
from tickets.access import ticket_for_agent
from tickets.models import Ticket
from tickets.selectors import comments_visible_to, tickets_visible_to
from tickets.views.common import agent_view


def _tickets(request, numbers) -> list[Ticket]:
    return list(
        tickets_visible_to(viewer=request.user)
        .filter(number__in=numbers)
        .select_related("requester", "organization")
        .order_by("number")
    )


@agent_view
def merge(request):
    """Step one (GET, or a list's selection posted here): the sources and the target's
    number. Step two (the target known): the warnings and the question of CCs; the merge
    itself only with ``confirm``."""
    data = request.POST if request.method == "POST" else request.GET
    form = MergeForm(data if data.get("tickets") else None)
    sources: list[Ticket] = []
    target = check = None
    if form.is_bound and form.is_valid():
        target_number = form.cleaned_data["target"]
        numbers = [n for n in form.cleaned_data["tickets"] if n != target_number]
        sources = _tickets(request, numbers)
        found = _tickets(request, [target_number]) if target_number else []
        target = found[0] if found else None
        if target_number and target is None:
            form.add_error(
                "target", _("There is no ticket #%(number)d.") % {"number": target_number}
            )
        elif target is not None and not sources:
            form.add_error(None, _("Choose at least one ticket to merge."))
        elif target is not None:
            check = merge_check(target=target, sources=sources)
            if request.method == "POST" and "confirm" in request.POST:
                return _merge(request, form, target, sources) or _page(
                    request, form, sources, target, check
                )
    elif form.is_bound:
        raw = data.getlist("tickets")[:50]
        sources = _tickets(request, raw) if all(v.isdigit() and len(v) < 19 for v in raw) else []
    return _page(request, form, sources, target, check)


def _page(request, form, sources, target, check):
    status = 400 if form.errors else 200
    context = {"form": form, "sources": sources, "target": target, "check": check}
    return render(request, "ticketlinks/merge.html", context, status=status)


def _merge(request, form: MergeForm, target: Ticket, sources: list[Ticket]):
    data = form.cleaned_data
    try:
        result = ticket_merge(
            target=target,
            sources=sources,
            actor=request.user,
            source_comment=data["source_comment"],
            source_comment_is_public=data["source_comment_is_public"],
            target_comment=data["target_comment"],
            target_comment_is_public=data["target_comment_is_public"],
            add_people_as_ccs=data["add_people_as_ccs"],
        )
    except ValidationError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(
        request,
        ngettext(
            "%(count)d ticket merged into #%(number)d.",
            "%(count)d tickets merged into #%(number)d.",
            len(result.sources),
        )
        % {"count": len(result.sources), "number": target.number},
    )
    if result.made_internal:
        messages.info(
            request,
            ngettext(
                "%(count)d public reply was copied as an internal note: the target's "
                "requester or CCs could not see it before.",
                "%(count)d public replies were copied as internal notes: the target's "
                "requester or CCs could not see them before.",
                result.made_internal,
            )
            % {"count": result.made_internal},
        )
    return redirect("tickets:ticket_detail", number=target.number)


@agent_view
@require_POST
def link_add(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of link and a ticket number."))
        return redirect("tickets:ticket_detail", number=ticket.number)
    others = _tickets(request, [form.cleaned_data["other"]])
    if not others:
        messages.error(
            request, _("There is no ticket #%(number)d.") % {"number": form.cleaned_data["other"]}
        )
        return redirect("tickets:ticket_detail", number=ticket.number)
    try:
        ticket_link_add(
            ticket=ticket, other=others[0], kind=form.cleaned_data["kind"], actor=request.user
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Link added."))
    return redirect("tickets:ticket_detail", number=ticket.number)


@agent_view
@require_POST
def link_remove(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = LinkForm(request.POST)
    others = _tickets(request, [form.cleaned_data["other"]]) if form.is_valid() else []
    if not others:
        messages.error(request, _("Unknown link."))
        return redirect("tickets:ticket_detail", number=ticket.number)
    try:
        ticket_link_remove(
            ticket=ticket, other=others[0], kind=form.cleaned_data["kind"], actor=request.user
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Link removed."))
    return redirect("tickets:ticket_detail", number=ticket.number)


@agent_view
@require_POST
def incidents_solve(request, number: int):
    problem = ticket_for_agent(viewer=request.user, number=number)
    form = SolveIncidentsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reply the incidents' requesters will receive."))
        return redirect("tickets:ticket_detail", number=problem.number)
    try:
        outcome = problem_solve_incidents(
            problem=problem, actor=request.user, body=form.cleaned_data["body"]
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
        return redirect("tickets:ticket_detail", number=problem.number)
    count = len(outcome.solved)
    messages.success(
        request,
        ngettext("%(count)d incident solved.", "%(count)d incidents solved.", count)
        % {"count": count},
    )
    for incident_number, reason in outcome.refused:
        messages.error(
            request,
            _("Ticket #%(number)d was not changed: %(reason)s")
            % {"number": incident_number, "reason": reason},
        )
    return redirect("tickets:ticket_detail", number=problem.number)


@agent_view
def split(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    comments = list(comments_visible_to(ticket=ticket, viewer=request.user))
    if request.method != "POST":
        start = request.GET.get("comment", "")
        initial = {"subject": ticket.subject, "comment": int(start) if start.isdigit() else None}
        form = SplitForm(initial=initial, comments=comments)
    else:
        form = SplitForm(request.POST, comments=comments)
        if form.is_valid():
            new = _split(request, form, ticket)
            if new is not None:
                messages.success(
                    request, _("Ticket #%(number)d split off.") % {"number": new.number}
                )
                return redirect("tickets:ticket_detail", number=new.number)
    status = 400 if form.errors else 200
    return render(
        request, "ticketlinks/split.html", {"ticket": ticket, "form": form}, status=status
    )


@transaction.atomic
def _split(request, form: SplitForm, ticket: Ticket) -> Ticket | None:
    email = form.cleaned_data["requester"]
    requester = user_get_or_create(account=request.account, email=email)[0] if email else None
    try:
        with transaction.atomic():
            return ticket_split(
                ticket=ticket,
                comments=form.chosen(),
                actor=request.user,
                subject=form.cleaned_data["subject"],
                requester=requester,
            )
    except ValidationError as exc:
        add_domain_error(form, exc)
        transaction.set_rollback(True)
        return None
