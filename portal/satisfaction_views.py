"""The satisfaction survey email's links (satisfaction.links): a requester rates a
solved request without signing in.

A link's page records its choice when it loads (its form is submitted by a script), so
a mail scanner that only fetches links records nothing; without scripts, one button.
The next page asks for an optional comment, and a reason when the rating is bad, and
lets the requester change their mind while the request takes ratings.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.forms import FeedbackForm
from satisfaction import selectors
from satisfaction.links import CHOICES
from satisfaction.services import LinkAlreadyUsed, rate
from tickets.models import Channel, Ticket


def _ticket_for_link(request, token: str) -> Ticket:
    ticket = selectors.ticket_for_survey_link(account=request.account, token=token)
    if ticket is None:
        raise Http404
    return ticket


def _refused(request, ticket: Ticket, message: str):
    return render(
        request,
        "portal/satisfaction_refused.html",
        {"ticket": ticket, "message": message},
        status=403,
        using="jinja2",  # the survey's pages are in Jinja2 only (issue 17)
    )


@require_http_methods(["GET", "POST"])
def satisfaction_choice(request, token: str, choice: str):
    if choice not in CHOICES:
        raise Http404
    ticket = _ticket_for_link(request, token)
    if request.method == "POST":
        try:
            rate(
                ticket=ticket,
                user=ticket.requester,
                score=choice,
                channel=Channel.EMAIL,
                link_choice=choice,
            )
        except LinkAlreadyUsed:
            messages.info(
                request,
                _("This link has already been used. Your rating is below; you can change it here."),
            )
        except ValidationError as error:
            return _refused(request, ticket, " ".join(error.messages))
        return redirect("portal:satisfaction", token=token)
    if not selectors.takes_ratings(ticket):
        return _refused(request, ticket, _("This request was closed too long ago to be rated."))
    return render(
        request,
        "portal/satisfaction_choice.html",
        {"ticket": ticket, "choice": choice, "token": token},
        using="jinja2",
    )


@require_http_methods(["GET", "POST"])
def satisfaction(request, token: str):
    ticket = _ticket_for_link(request, token)
    if not selectors.takes_ratings(ticket):
        return _refused(request, ticket, _("This request was closed too long ago to be rated."))
    rating = selectors.rating_of(ticket)
    reasons = selectors.reasons_offered(ticket.account)
    initial = {
        "rating": rating.score if rating else "",
        "comment": rating.comment if rating else "",
        "reason": rating.reason.number if rating and rating.reason else None,
    }
    form = FeedbackForm(request.POST or None, reasons=reasons, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rating = rate(
                    ticket=ticket,
                    user=ticket.requester,
                    score=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                    reason=form.chosen_reason(),
                    channel=Channel.EMAIL,
                )
            except ValidationError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("portal:satisfaction", token=token)
        status = 400
    return render(
        request,
        "portal/satisfaction.html",
        {"ticket": ticket, "rating": rating, "feedback_form": form, "token": token},
        status=status,
        using="jinja2",
    )
