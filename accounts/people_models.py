"""People: a user's further email addresses (the primary one is ``User.email``).

Registered with the app's models from the bottom of accounts/models.py."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class UserEmail(TenantModel):
    """One more address of a user: mail from it reaches their tickets and it signs them
    in nowhere (sign-in and notifications use the primary address). An address belongs to
    one user of the account, primary or not (accounts/emails.py checks both tables)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="other_emails")
    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["account", "email"], name="user_email_other_unique")
        ]
        indexes = [models.Index(fields=["account", "user"], name="useremail_acct_user")]

    def __str__(self) -> str:
        return self.email


class OrganizationMembership(TenantModel):
    """A user's membership of an organization (Zendesk's organization memberships):
    a user may belong to several; the default one is ``User.organization`` (kept a
    membership by User.save). Numbered per account like a NumberedTenantModel, by the
    services (accounts.memberships, through accounts.models.number_rows): the API's id."""

    number = models.PositiveBigIntegerField(_("number"), editable=False)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="organization_memberships"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "organization"], name="membership_unique"
            ),
            models.UniqueConstraint(fields=["account", "number"], name="membership_number_unique"),
        ]
        indexes = [
            # An organization's members (the API's organizations/{id}/organization_memberships).
            models.Index(fields=["account", "organization", "id"], name="membership_acct_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id}"
