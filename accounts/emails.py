"""A user's several email addresses, one primary (``User.email``: sign-in, notifications)
and others (``UserEmail``: mail from them reaches the same person). An address belongs
to one user of the account, whichever table holds it: every change checks both here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.models import Account, User, UserManager
from accounts.people_models import UserEmail


def normalized(email: str) -> str:
    return UserManager.normalize_email((email or "").strip()).lower()


def email_owner(*, account: Account, email: str) -> User | None:
    """The user of the account who has this address, primary or other, or None."""
    email = normalized(email)
    user = User.objects.for_account(account).filter(email__iexact=email).first()
    if user is not None:
        return user
    other = (
        UserEmail.objects.for_account(account).filter(email=email).select_related("user").first()
    )
    return other.user if other else None


def check_email_free(*, account: Account, email: str, user: User | None = None) -> str:
    """The address, normalized, when no one else of the account has it; else a field error."""
    email = normalized(email)
    owner = email_owner(account=account, email=email)
    if owner is not None and (user is None or owner.pk != user.pk):
        raise ValidationError({"email": _("A user with this email already exists.")})
    return email


def other_emails_of(user: User) -> list[str]:
    return list(
        UserEmail.objects.for_account(user.account)
        .filter(user=user)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _require_admin(actor: User, user: User) -> Account:
    """Only an admin of the user's own account changes their addresses."""
    if user.account is None:
        raise ValidationError(_("Unknown user."))
    if not (actor.is_admin and actor.account_id == user.account_id):
        raise PermissionDenied
    return user.account


@transaction.atomic
def user_email_add(*, user: User, email: str, actor: User) -> str:
    account = _require_admin(actor, user)
    email = check_email_free(account=account, email=email, user=user)
    if email == user.email.lower() or email in other_emails_of(user):
        raise ValidationError({"email": _("This user already has this email.")})
    UserEmail.objects.create(account=account, user=user, email=email)
    _record(account, actor, user, [None, email])
    return email


@transaction.atomic
def user_email_remove(*, user: User, email: str, actor: User) -> None:
    account = _require_admin(actor, user)
    removed, _counts = (
        UserEmail.objects.for_account(account).filter(user=user, email=normalized(email)).delete()
    )
    if not removed:
        raise ValidationError({"email": _("This user has no such other email.")})
    _record(account, actor, user, [normalized(email), None])


@transaction.atomic
def user_email_make_primary(*, user: User, email: str, actor: User) -> None:
    """An other address becomes the primary one; the old primary becomes an other one."""
    account = _require_admin(actor, user)
    email = normalized(email)
    row = UserEmail.objects.for_account(account).filter(user=user, email=email).first()
    if row is None:
        raise ValidationError({"email": _("This user has no such other email.")})
    old = user.email
    # The two addresses swap tables: free the primary one first (unique per account).
    row.delete()
    user.email = email
    user.save(update_fields=["email"])
    UserEmail.objects.create(account=account, user=user, email=old.lower())
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.USER_UPDATED,
        target=user,
        changes={"email": [old, email]},
    )


def _record(account: Account, actor: User, user: User, change: list) -> None:
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.USER_UPDATED,
        target=user,
        changes={"other emails": change},
    )
