"""Admin settings → a user → Privacy: export everything about them (a zip), or delete an
end user for good. The rules live in tickets.services.privacy."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import user_for_agent
from helpdesk.form_errors import add_domain_error
from tickets.services.privacy import person_erase, person_export
from tickets.views.common import admin_view


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("Type the user's email to confirm"), max_length=254
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip().lower()
        if typed != self.person.email.lower():
            raise forms.ValidationError(_("That is not this user's email."))
        return typed


@admin_view
@require_POST
def user_export(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    # In memory up to 8 MB, then on disk: attachments make exports of any size.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    person_export(person=person, actor=request.user, out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"user-{person.number}.zip",
        content_type="application/zip",
    )


@admin_view
def user_erase(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(person=person, actor=request.user)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The user was deleted for good."))
            return redirect("tickets:settings_users")
    return render(
        request,
        "agent/settings/user_erase.html",
        {"form": form, "person": person, "section": "users"},
    )
