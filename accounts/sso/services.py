"""Single sign-on's rules: which provider an account has, who must use it, the admins'
changes to it (audited), and the user a verified sign-in stands for."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import field_crypto
from accounts.audit import audit_record, changes_between
from accounts.identity_models import AuditEntry
from accounts.models import Account, User, UserManager
from accounts.services import user_create
from accounts.sso_models import IdentityProvider

# What the audit log shows of a change; the secret only as "changed".
AUDITED = (
    "protocol",
    "enabled",
    "name",
    "oidc_issuer",
    "oidc_client_id",
    "saml_metadata_url",
    "saml_entity_id",
    "saml_sso_url",
    "jit_enabled",
    "jit_role",
    "agents_require_sso",
)


def provider_of(account: Account) -> IdentityProvider | None:
    return IdentityProvider.objects.for_account(account).first()


def active_provider(account: Account) -> IdentityProvider | None:
    provider = provider_of(account)
    return provider if provider is not None and provider.enabled else None


def password_signin_refused(user: User, *, break_glass: bool = False) -> bool:
    """Agents of an account that requires single sign-on do not sign in with a password
    or a passkey; its admins still may at the break-glass address (a provider down, or
    misconfigured, must not lock the account out)."""
    if not user.is_agent or user.account is None:
        return False
    provider = active_provider(user.account)
    if provider is None or not provider.agents_require_sso:
        return False
    return not (break_glass and user.is_admin)


def _require_admin(account: Account, actor: User) -> None:
    if not (actor.is_admin and actor.account_id == account.pk):
        raise PermissionDenied


@transaction.atomic
def provider_save(
    *, account: Account, actor: User, client_secret: str = "", **fields: Any
) -> IdentityProvider:
    """Create or change the account's provider. An empty ``client_secret`` keeps the
    stored one; a new one is stored encrypted. Recorded in the audit log."""
    _require_admin(account, actor)
    provider = provider_of(account) or IdentityProvider(account=account)
    before = {name: getattr(provider, name) for name in AUDITED} if provider.pk else {}
    for name, value in fields.items():
        setattr(provider, name, value)
    if client_secret:
        provider.oidc_client_secret = field_crypto.encrypt(client_secret)
    _check_complete(provider)
    provider.updated_at = timezone.now()
    provider.save()
    changes = changes_between(before, {name: getattr(provider, name) for name in AUDITED})
    if client_secret:
        changes["client_secret"] = ["", _("changed")]
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.SSO_CHANGED,
        target=provider,
        changes=changes,
    )
    return provider


def _check_complete(provider: IdentityProvider) -> None:
    if not provider.enabled:
        return
    missing = []
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        missing = [
            name
            for name in ("oidc_issuer", "oidc_client_id", "oidc_client_secret")
            if not getattr(provider, name)
        ]
    else:
        missing = [
            name
            for name in ("saml_entity_id", "saml_sso_url", "saml_certificate")
            if not getattr(provider, name)
        ]
    if missing:
        raise ValidationError({name: _("Needed to turn single sign-on on.") for name in missing})


class SignInRefused(Exception):
    """The provider vouched for someone this account does not let in; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def user_for_sign_in(*, provider: IdentityProvider, email: str, name: str) -> User:
    """The account's user with the email the provider vouched for; an unknown one is
    created with the provider's role when just-in-time creation is on."""
    email = UserManager.normalize_email(email or "")
    if "@" not in email:
        raise SignInRefused(_("The identity provider did not say who you are (no email)."))
    account = provider.account
    user = User.objects.for_account(account).filter(email__iexact=email).first()
    if user is None:
        if not provider.jit_enabled:
            raise SignInRefused(_("There is no user with your email in this helpdesk."))
        try:
            user = user_create(
                account=account,
                name=(name or email.split("@")[0])[:150],
                email=email,
                role=provider.jit_role,
            )
        except ValidationError:
            raise SignInRefused(_("Your user could not be created. Ask an admin.")) from None
    if not user.is_active:
        raise SignInRefused(_("Your user is suspended. Ask an admin."))
    return user
