"""Writing help's pages: the reply box's requests (an htmx fragment that polls until the
answer is in) and the admins' settings with the log of what was sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assist import selectors, services
from assist.forms import AssistSettingsForm
from helpdesk.form_errors import add_domain_error
from tickets.access import ticket_for_agent
from tickets.services.common import NotAllowed
from tickets.views.common import admin_view, agent_view

RESULT = "assist/_result.html"


@agent_view
@require_POST
def assist_request(request, number: int, feature: str):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        found = services.request_create(
            ticket=ticket, actor=request.user, feature=feature, text=request.POST.get("body", "")
        )
    except (ValidationError, NotAllowed) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        return render(request, RESULT, {"error": message})
    return render(request, RESULT, {"found": found})


@agent_view
@require_GET
def assist_tools(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    current = selectors.assist_settings(request.account)
    return render(
        request,
        "assist/_tools.html",
        {
            "ticket": ticket,
            "features": selectors.features_for(current),
            "remote": selectors.is_remote(current),
        },
    )


@agent_view
@require_GET
def assist_result(request, token: str):
    found = selectors.request_for_agent(viewer=request.user, token=token)
    return render(request, RESULT, {"found": found})


@admin_view
def assist_settings(request):
    current = selectors.assist_settings(request.account)
    initial = {
        "provider": current.provider,
        "base_url": current.base_url,
        "model": current.model,
        "monthly_budget": current.monthly_budget,
        "send_internal_notes": current.send_internal_notes,
    }
    form = AssistSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = "" if data["remove_key"] else (data["api_key"] or None)
        try:
            services.settings_update(
                account=request.account,
                provider=data["provider"],
                base_url=data["base_url"],
                model=data["model"],
                api_key=key,
                monthly_budget=data["monthly_budget"],
                send_internal_notes=data["send_internal_notes"],
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Writing help saved."))
            return redirect("assist:settings")
    return render(
        request,
        "assist/settings.html",
        {
            "section": "assist",
            "form": form,
            "has_key": bool(current.api_key_encrypted),
            "used": selectors.remote_requests_this_month(request.account),
            "log": selectors.request_log(request.account),
        },
    )
