"""Connect Microsoft 365 / Gmail: the admin's POST sends the browser to the provider's
consent page; the provider sends it back to the callback with a code. What the start
kept (state, PKCE verifier, which mailbox, which account and admin) waits in the admin's
session for STARTED_FOR seconds and is spent by the callback, right or wrong: a callback
for another account, another admin or another start is refused."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mailchannels import oauth, services
from mailchannels.access import channel_for_admin
from tickets.views.common import admin_view

STARTED_KEY = "_sportello_mailbox_oauth"
STARTED_FOR = 600


def allow_consent_pages(response: HttpResponse) -> HttpResponse:
    """For the pages whose forms start a consent (Connect, Reconnect): their policy lets
    a form's POST end on the registered providers' consent pages. ``form-action 'self'``
    alone makes browsers block the redirect oauth_start answers with (CSP applies
    form-action to a submission's redirects too), and nothing happens on Connect."""
    origins = []
    for provider in oauth.configured():
        parts = urlsplit((oauth.config(provider) or {}).get("authorize_url", ""))
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    if origins:
        policy: dict = dict(settings.SECURE_CSP)
        policy["form-action"] = [*policy.get("form-action", []), *sorted(set(origins))]
        response._csp_config = policy  # type: ignore[attr-defined]
    return response


def redirect_uri(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}{reverse('mailchannels:oauth_callback')}"


def _back(request: HttpRequest, number: int | None) -> HttpResponse:
    if number:
        return redirect("mailchannels:channel_edit", number=number)
    return redirect("mailchannels:email_settings")


@never_cache
@admin_view
@require_POST
def oauth_start(request: HttpRequest, provider: str) -> HttpResponse:
    if oauth.config(provider) is None:
        raise Http404
    number: int | None = None
    email = ""
    if request.POST.get("channel"):
        try:
            wanted = int(request.POST["channel"])
        except ValueError:
            raise Http404 from None
        channel = channel_for_admin(account=request.account, number=wanted)  # type: ignore[attr-defined]
        if channel.auth != provider:
            raise Http404
        number, email = channel.number, channel.username
    else:
        email = request.POST.get("email", "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            messages.error(request, _("Enter the mailbox's email address."))
            return _back(request, None)
    url, kept = oauth.start(provider, redirect_uri(request))
    request.session[STARTED_KEY] = {
        **kept,
        "provider": provider,
        "email": email,
        "channel": number,
        "account": request.account.pk,  # type: ignore[attr-defined]
        "user": request.user.pk,
        "at": time.time(),
    }
    return redirect(url)


@never_cache
@admin_view
@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    kept = request.session.pop(STARTED_KEY, None)
    state = request.GET.get("state", "")
    if (
        not isinstance(kept, dict)
        or not state
        or not secrets.compare_digest(state, str(kept.get("state", "")))
        or kept.get("account") != request.account.pk  # type: ignore[attr-defined]
        or kept.get("user") != request.user.pk
        or time.time() - float(kept.get("at", 0)) > STARTED_FOR
    ):
        messages.error(request, _("This connection was not started here. Start again."))
        return redirect("mailchannels:email_settings")
    number = kept.get("channel")
    if request.GET.get("error"):
        messages.error(request, _("The provider did not give access to the mailbox."))
        return _back(request, number)
    channel = (
        channel_for_admin(account=request.account, number=number)  # type: ignore[attr-defined]
        if number
        else None
    )
    try:
        tokens = oauth.finish(
            kept["provider"], redirect_uri(request), request.GET.get("code", ""), kept["verifier"]
        )
        channel = services.oauth_connect(
            account=request.account,  # type: ignore[attr-defined]
            provider=kept["provider"],
            email=kept["email"],
            tokens=tokens,
            channel=channel,
        )
    except oauth.OAuthError as exc:
        messages.error(request, str(exc))
        return _back(request, number)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, number)
    messages.success(
        request,
        _("%(provider)s mailbox %(email)s connected: test its connection.")
        % {"provider": oauth.provider_label(channel.auth), "email": channel.username},
    )
    return redirect("mailchannels:channel_edit", number=channel.number)
