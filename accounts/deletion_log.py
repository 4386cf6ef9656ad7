"""The operators' record of deleted accounts (``manage.py account_delete``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AccountDeletion(models.Model):
    """One account deleted for good: which, when, by whom, and how much went.

    The platform's, not the account's: it outlives the account (no key to it, only the
    id it had), and its table is read and written by the platform's connection alone
    (accounts.rls.platform_only_tables). Holds no customer data: the subdomain, the
    account's name and row counts per table."""

    subdomain = models.CharField(max_length=63)
    name = models.CharField(max_length=200)
    former_id = models.BigIntegerField(help_text="The deleted account's id.")
    deleted_at = models.DateTimeField(default=timezone.now)
    deleted_by = models.CharField(
        max_length=150, help_text="The operator who ran the deletion (their login)."
    )
    rows = models.JSONField(default=dict, help_text="Rows deleted, per table.")
    files = models.PositiveIntegerField(default=0)
    cache_keys = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "accounts"
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"{self.subdomain} deleted {self.deleted_at:%Y-%m-%d %H:%M} by {self.deleted_by}"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())
