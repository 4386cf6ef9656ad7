"""Admin settings › Knowledge base: whether agents (not only admins) write articles."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from knowledge import selectors, services
from knowledge.forms import KnowledgeSettingsForm
from tickets.views.common import admin_view


@admin_view
def knowledge_settings(request):
    form = KnowledgeSettingsForm(
        request.POST or None,
        initial={"agents_may_edit": selectors.agents_may_edit(request.account)},
    )
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            account=request.account, agents_may_edit=form.cleaned_data["agents_may_edit"]
        )
        messages.success(request, _("Knowledge base settings saved."))
        return redirect("knowledge:settings")
    return render(request, "knowledge/settings.html", {"section": "knowledge", "form": form})
