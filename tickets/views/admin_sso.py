"""Admin settings → single sign-on: the account's one identity provider (OpenID Connect
or SAML 2.0). The rules live in accounts.sso.services; the client secret is written, never
shown back. What the provider's admin needs from us (redirect URI, or entity ID, ACS and
metadata URLs) is shown beside the form."""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.sso.saml import idp_from_metadata
from accounts.sso.services import provider_of, provider_save
from accounts.sso_models import IdentityProvider
from helpdesk.form_errors import add_domain_error
from tickets.views.common import admin_view

FIELDS = (
    "protocol",
    "enabled",
    "name",
    "oidc_issuer",
    "oidc_client_id",
    "saml_metadata_url",
    "saml_entity_id",
    "saml_sso_url",
    "saml_certificate",
    "jit_enabled",
    "jit_role",
    "agents_require_sso",
)


class ProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = IdentityProvider
        fields = FIELDS
        widgets = {"saml_certificate": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})}

    def clean_saml_certificate(self) -> str:
        text = self.cleaned_data.get("saml_certificate", "").strip()
        if not text:
            return ""
        body = "".join(
            line for line in text.splitlines() if line.strip() and "CERTIFICATE" not in line
        )
        pem = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
        try:
            base64.b64decode(body, validate=True)
            x509.load_pem_x509_certificate(pem.encode())
        except (ValueError, binascii.Error):
            raise ValidationError(_("That is not a certificate in PEM format.")) from None
        return pem

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("saml_metadata_url")
        if url and cleaned.get("protocol") == IdentityProvider.Protocol.SAML:
            try:
                found = idp_from_metadata(url)
            except ValueError as exc:
                self.add_error("saml_metadata_url", str(exc))
            else:
                cleaned.update(found)
                self.clean_saml_certificate_value(cleaned)
        return cleaned

    def clean_saml_certificate_value(self, cleaned) -> None:
        """The metadata's certificate is bare base64: kept as PEM, as a typed one is."""
        body = cleaned.get("saml_certificate", "")
        if body and "BEGIN CERTIFICATE" not in body:
            cleaned["saml_certificate"] = (
                f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
            )


def _our_side(request) -> dict[str, str]:
    site = f"{request.scheme}://{request.get_host()}"
    return {
        "redirect_uri": site + reverse("accounts:sso_oidc_callback"),
        "entity_id": site + reverse("accounts:sso_saml_metadata"),
        "acs_url": site + reverse("accounts:sso_saml_acs"),
        "break_glass_url": site + reverse("accounts:login_break_glass"),
    }


@admin_view
def settings_sso(request):
    provider = provider_of(request.account)
    form = ProviderForm(
        request.POST or None,
        instance=provider or IdentityProvider(account=request.account),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in FIELDS}
        try:
            provider_save(
                account=request.account,
                actor=request.user,
                client_secret=form.cleaned_data["client_secret"],
                **fields,
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Single sign-on saved."))
            return redirect("tickets:settings_sso")
    return render(
        request,
        "agent/settings/sso.html",
        {
            "form": form,
            "secret_stored": bool(provider and provider.oidc_client_secret),
            "ours": _our_side(request),
            "section": "sso",
        },
        status=400 if form.errors else 200,
    )
