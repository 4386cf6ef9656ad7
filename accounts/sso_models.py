"""Single sign-on: an account's identity provider (one, OpenID Connect or SAML 2.0), and
the SAML assertions already used (a replayed one is refused).

Registered with the app's models from the bottom of accounts/models.py: a module of its
own, beside the accounts.sso package, so that the models import none of the sign-in code."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class IdentityProvider(TenantModel):
    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    class JitRole(models.TextChoices):
        END_USER = "end_user", _("End user")
        AGENT = "agent", _("Agent")

    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol)
    enabled = models.BooleanField(_("offer single sign-on on the sign-in page"), default=False)
    name = models.CharField(
        _("provider name"),
        max_length=60,
        help_text=_("Shown on the sign-in page, as in “Continue with Okta”."),
    )
    # OpenID Connect: the issuer's discovery document gives the endpoints and keys.
    oidc_issuer = models.URLField(_("issuer URL"), max_length=500, blank=True)
    oidc_client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    # Fernet token (accounts/field_crypto.py), never rendered back.
    oidc_client_secret = models.TextField(blank=True)
    # SAML 2.0: the identity provider's entity id, sign-in URL and signing certificate,
    # typed or read from its metadata URL when the settings are saved.
    saml_metadata_url = models.URLField(_("metadata URL"), max_length=500, blank=True)
    saml_entity_id = models.CharField(_("identity provider entity ID"), max_length=500, blank=True)
    saml_sso_url = models.URLField(_("single sign-on URL"), max_length=500, blank=True)
    saml_certificate = models.TextField(_("signing certificate (PEM)"), blank=True)
    jit_enabled = models.BooleanField(
        _("create unknown users when they first sign in"), default=True
    )
    jit_role = models.CharField(
        _("role of users created at sign-in"),
        max_length=10,
        choices=JitRole,
        default=JitRole.END_USER,
    )
    agents_require_sso = models.BooleanField(
        _("agents must sign in with single sign-on"),
        default=False,
        help_text=_("Admins can still sign in with their password at the break-glass address."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account"], name="identity_provider_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()}: {self.name}"


class SamlAssertionSeen(TenantModel):
    """The id of each SAML assertion that signed someone in, until it expires: the same
    assertion posted again (from any browser) is refused."""

    assertion_id = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "assertion_id"], name="saml_assertion_seen_once"
            )
        ]
        indexes = [models.Index(fields=["account", "expires_at"], name="saml_assertion_expiry")]

    def __str__(self) -> str:
        return self.assertion_id
