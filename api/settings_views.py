"""Admin settings → API tokens: create (the secret is shown once), name, revoke.

Ordinary pages of the agent workspace (session sign-in, CSRF-protected POSTs); they
call the same token services as ``manage.py create_api_token``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import ApiTokenForm
from api.selectors import tokens_for_account
from api.tokens import api_token_create, api_token_revoke
from helpdesk.form_errors import add_domain_error
from tickets.views.common import admin_view


@never_cache  # the page that shows a new secret must not be kept by any cache
@admin_view
def api_tokens(request):
    form = ApiTokenForm(request.POST or None, account=request.account)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = api_token_create(
                account=request.account,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                user=form.cleaned_data["user"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            form = ApiTokenForm(account=request.account)
    return render(
        request,
        "api/settings_tokens.html",
        {
            "form": form,
            "tokens": tokens_for_account(account=request.account),
            "new_secret": new_secret,
            "section": "api",
        },
    )


@require_POST
@admin_view
def api_token_revoke_view(request, number: int):
    """404 for a token of another account or none at all."""
    token = get_object_or_404(tokens_for_account(account=request.account), number=number)
    api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_settings:tokens")
