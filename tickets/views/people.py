"""People in the agent workspace: "+ Add" → "User" and the user profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import user_for_agent
from accounts.services import user_create
from helpdesk.form_errors import add_domain_error
from tickets.forms import UserCreateForm
from tickets.selectors import tickets_for_user_profile
from tickets.views.common import agent_view

PROFILE_TICKETS = 100


@agent_view
def user_new(request):
    form = UserCreateForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                account=request.account,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                organization=data["organization"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": user.name})
            return redirect("tickets:user_detail", number=user.number)
    return render(request, "agent/user_new.html", {"form": form})


@agent_view
def user_detail(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    tickets = tickets_for_user_profile(viewer=request.user, user=person)[:PROFILE_TICKETS]
    return render(
        request,
        "agent/user_detail.html",
        {"person": person, "tickets": tickets, "limit": PROFILE_TICKETS},
    )
