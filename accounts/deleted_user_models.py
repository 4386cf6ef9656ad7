"""What is left of a deleted user (erased, or merged into another): enough for the
users' incremental export to report it once more, as Zendesk does (``active: false``,
personal data null, "Permanently Deleted User"), so a sync tool removes or deactivates
its copy. Registered with the accounts app through accounts/models.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantModel

if TYPE_CHECKING:
    from accounts.models import User


class DeletedUser(TenantModel):
    """``id`` is the deleted user's own primary key, never reused, so the export's
    (updated_at, id) order runs through users and deletions alike."""

    id = models.BigIntegerField(primary_key=True)
    number = models.PositiveBigIntegerField()
    role = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    # When it was deleted: its place in the export.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "updated_at", "id"], name="deleteduser_acct_upd")
        ]

    def __str__(self) -> str:
        return f"Deleted user #{self.number}"


def user_delete_recorded(user: User) -> None:
    """Delete the user, leaving a DeletedUser row. Call it inside the transaction that
    deletes. Only an account's users (operators have no account and no number)."""
    if user.account_id is None or user.number is None:
        raise ValueError("an operator is not an account's user")
    DeletedUser.objects.create(
        account_id=user.account_id,
        id=user.pk,
        number=user.number,
        role=user.role,
        created_at=user.created_at,
    )
    user.delete()
