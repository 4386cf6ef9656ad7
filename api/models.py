"""API credentials. The secret itself is never stored: only its SHA-256 digest, so a
leaked database does not hand out working tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel


class ApiToken(NumberedTenantModel):
    class Kind(models.TextChoices):
        # Zendesk's API token: HTTP basic auth as "email/token:<secret>". Without a user
        # it works with the email of any active user of the account, as Zendesk's does;
        # with a user, only with that user's email.
        API = "api", _("API token")
        # An OAuth-style access token: "Authorization: Bearer <secret>", always one user.
        BEARER = "bearer", _("OAuth access token")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.API)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acts as"),
    )
    digest = models.CharField(max_length=64, editable=False)
    # The last characters, so an admin can tell tokens apart without the secret.
    hint = models.CharField(max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="apitoken_number_unique"),
            models.UniqueConstraint(fields=["account", "digest"], name="apitoken_digest_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
