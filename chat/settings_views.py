"""The admins' chat settings page (Admin settings → Channels → Live chat)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import groups_for_account
from chat.access import chat_group_ids
from chat.services.settings import chat_settings_update
from chat.services.visitor import chat_settings
from chat.settings_forms import ChatSettingsForm
from helpdesk.form_errors import add_domain_error
from servicelevels.selectors import schedules_for_account
from tickets.views.common import admin_view


@admin_view
def chat_settings_page(request):
    account = request.account
    current = chat_settings(account)
    groups = list(groups_for_account(account=account))
    chosen = set(chat_group_ids(account))
    initial = {
        "enabled": current.enabled,
        "anonymous_allowed": current.anonymous_allowed,
        "max_chats_per_agent": current.max_chats_per_agent,
        "groups": [g.number for g in groups if g.pk in chosen],
        "schedule": current.schedule.number if current.schedule else "",
    }
    form = ChatSettingsForm(
        request.POST or None,
        initial=initial,
        groups=groups,
        schedules=schedules_for_account(account=account),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chat_settings_update(
                account=account,
                enabled=data["enabled"],
                anonymous_allowed=data["anonymous_allowed"],
                max_chats_per_agent=data["max_chats_per_agent"],
                group_numbers=data["groups"],
                schedule_number=data["schedule"],
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Live chat saved."))
            return redirect("chat_settings:settings")
    return render(request, "chat/settings.html", {"section": "chat", "form": form})
