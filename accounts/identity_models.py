"""Identity: second factors, the sessions a user is signed in with, and the admins' audit log.

Registered with the app's models from the bottom of accounts/models.py."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class TotpDevice(TenantModel):
    """A user's authenticator app (RFC 6238, through pyotp), stored once the user has
    typed a code it produced (until then the secret waits in their session)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    # Base32, as the authenticator app is given it; needed in clear to compute codes.
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last code accepted: a code is good once (no replay).
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="totp_device_per_user")
        ]

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id}"


class Passkey(TenantModel):
    """A user's passkey (WebAuthn credential, verified through py_webauthn): a second
    factor, and a way to sign in without the password. Only the public key is kept."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=100)
    # The credential's id as the authenticator gives it (base64url): how an assertion
    # names its passkey, and how a page names it (never the row's id).
    credential_id = models.CharField(max_length=1400)
    public_key = models.BinaryField()
    # The authenticator's signature counter: a counter that goes back means a cloned key.
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "credential_id"], name="passkey_credential")
        ]
        indexes = [models.Index(fields=["account", "user"], name="passkey_user")]

    def __str__(self) -> str:
        return f"Passkey {self.name} of user {self.user_id}"


class RecoveryCode(TenantModel):
    """A single-use code for when the authenticator is lost. Only its hash is kept."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "user"], name="recovery_code_user")]

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id}"


class UserSession(TenantModel):
    """A session a user signed in with, by the session store's key: listed on their
    security page, and ended from there or by an admin (the store's entry is deleted)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "session_key"], name="user_session_key")
        ]
        indexes = [models.Index(fields=["account", "user"], name="user_session_user")]

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"


class AuditEntry(TenantModel):
    """One admin action: who, when, what (a before/after summary), from where. Written
    by the services in the transaction of the change itself (accounts/audit.py)."""

    class Action(models.TextChoices):
        SETTINGS_CHANGED = "settings.changed", _("Settings changed")
        ROLE_CHANGED = "user.role_changed", _("Role changed")
        AGENT_ROLE_CHANGED = "role.changed", _("Agent role defined")
        USER_UPDATED = "user.updated", _("Profile changed")
        USER_INVITED = "user.invited", _("User invited")
        USER_SUSPENDED = "user.suspended", _("User suspended")
        USER_REACTIVATED = "user.reactivated", _("User reactivated")
        AGENT_DEACTIVATED = "agent.deactivated", _("Agent deactivated")
        SIGNED_OUT = "user.signed_out", _("Signed out everywhere")
        TWO_FACTOR_RESET = "user.2fa_reset", _("Two-factor sign-in reset")
        SSO_CHANGED = "sso.changed", _("Single sign-on changed")
        EXPORTED = "data.exported", _("Data exported")
        TICKET_DELETED = "ticket.deleted", _("Ticket deleted")
        VIEW_DELETED = "view.deleted", _("Shared view deleted")
        MACRO_DELETED = "macro.deleted", _("Shared macro deleted")
        ORGANIZATION_CREATED = "organization.created", _("Organization created")
        ORGANIZATION_UPDATED = "organization.updated", _("Organization changed")
        ORGANIZATION_DELETED = "organization.deleted", _("Organization deleted")
        WEBHOOK_CREATED = "webhook.created", _("Webhook created")
        WEBHOOK_UPDATED = "webhook.updated", _("Webhook changed")
        WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
        WEBHOOK_SECRET_SHOWN = "webhook.secret_shown", _("Webhook signing secret shown")
        USERS_MERGED = "user.merged", _("Users merged")
        USERS_IMPORTED = "user.imported", _("Users imported")
        USER_DELETED = "user.deleted", _("User deleted")

    # The actor's name and address are copied: the entry outlives a renamed or deleted user.
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=40, choices=Action)
    target = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            # The log, newest first, in keyset pages; and narrowed to one action.
            models.Index(fields=["account", "-created_at", "-id"], name="audit_account_created"),
            models.Index(
                fields=["account", "action", "-created_at", "-id"], name="audit_account_action"
            ),
            models.Index(
                fields=["account", "actor", "-created_at", "-id"], name="audit_account_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name} at {self.created_at:%Y-%m-%d %H:%M}"
