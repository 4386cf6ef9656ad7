"""Admin settings → Users: the account's people, their profiles, invitations, suspension.
The rules live in accounts.user_services; these views parse, call one, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import user_for_agent, user_may_be_invited
from accounts.emails import user_email_add, user_email_make_primary, user_email_remove
from accounts.memberships import membership_change, organizations_of, organizations_offered
from accounts.selectors import users_for_admin
from accounts.user_services import (
    invitation_send,
    user_invite,
    user_reactivate,
    user_suspend,
    user_update,
)
from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.counts import TicketPaginator
from tickets.people_forms import (
    MembershipForm,
    UserEmailForm,
    UserFilterForm,
    UserInviteForm,
    UserMergeForm,
    UserProfileForm,
)
from tickets.services.user_merge import user_merge_counts, users_merge
from tickets.views.common import admin_view

PER_PAGE = 50


@admin_view
def users_list(request):
    filters = UserFilterForm(request.GET)
    chosen = filters.filters()
    users = users_for_admin(
        account=request.account,
        query=chosen.get("q", ""),
        role=chosen.get("role", ""),
        tag=chosen.get("tag", ""),
    )
    page = TicketPaginator(users, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "agent/settings/users.html",
        {"filters": filters, "page": page, "section": "users"},
    )


@admin_view
def users_invite(request):
    form = UserInviteForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_invite(
                account=request.account,
                actor=request.user,
                name=data["name"],
                email=data["email"],
                role=data["role"],
                agent_role=data["agent_role"],
                organization=data["organization"],
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("tickets:settings_user", number=user.number)
    return render(request, "agent/settings/user_invite.html", {"form": form, "section": "users"})


@admin_view
def user_edit(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    form = UserProfileForm(
        request.POST or None, account=request.account, initial=UserProfileForm.initial_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update(user=person, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
            person.refresh_from_db()  # the page shows what is stored, not the refused values
        else:
            messages.success(request, _("Profile saved."))
            return redirect("tickets:settings_user", number=person.number)
    return render(
        request,
        "agent/settings/user_edit.html",
        {
            "form": form,
            "person": person,
            "invitable": user_may_be_invited(person),
            "section": "users",
            "memberships": organizations_of(user=person),
            "organizations": organizations_offered(account=request.account),
        },
    )


@admin_view
@require_POST
def user_invitation(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    try:
        invitation_send(user=person, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    return redirect("tickets:settings_user", number=person.number)


@admin_view
@require_POST
def user_suspension(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    if person.is_agent and person.is_active:
        # An agent's open tickets are handed over first, on the deactivation page.
        return redirect("tickets:settings_agent_deactivate", number=person.number)
    try:
        user_suspend(user=person, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("%(name)s was suspended.") % {"name": person.name})
    return redirect("tickets:settings_user", number=person.number)


@admin_view
@require_POST
def user_reactivation(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    user_reactivate(user=person, actor=request.user)
    messages.success(request, _("%(name)s was reactivated.") % {"name": person.name})
    return redirect("tickets:settings_user", number=person.number)


@admin_view
@require_POST
def user_emails(request, number: int):
    """Add an other email, remove one, or make one the primary address."""
    person = user_for_agent(account=request.account, number=number)
    form = UserEmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("tickets:settings_user", number=person.number)
    action, email = form.cleaned_data["action"], form.cleaned_data["email"]
    change = {
        "add": user_email_add,
        "remove": user_email_remove,
        "primary": user_email_make_primary,
    }[action]
    try:
        change(user=person, email=email, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Emails saved."))
    return redirect("tickets:settings_user", number=person.number)


@admin_view
@require_POST
def user_organizations(request, number: int):
    """Add the user to an organization, remove a membership, or make one the default."""
    person = user_for_agent(account=request.account, number=number)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an organization."))
        return redirect("tickets:settings_user", number=person.number)
    try:
        membership_change(
            user=person,
            organization_number=form.cleaned_data["organization"],
            action=form.cleaned_data["action"],
            actor=request.user,
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Organizations saved."))
    return redirect(f"{reverse('tickets:settings_user', args=[person.number])}#organizations")


@admin_view
def user_merge(request, number: int):
    """Merge this end user into another one, after saying what will move."""
    person = user_for_agent(account=request.account, number=number)
    form = UserMergeForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["into"]
        try:
            users_merge(source=person, target=target, actor=request.user)
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"__all__": "into"})
        else:
            messages.success(
                request,
                _("%(source)s was merged into %(target)s.")
                % {"source": person.name, "target": target.name},
            )
            return redirect("tickets:settings_user", number=target.number)
    return render(
        request,
        "agent/settings/user_merge.html",
        {
            "form": form,
            "person": person,
            "counts": user_merge_counts(person),
            "section": "users",
        },
    )
