"""The account's tags with how many tickets carry each (Zendesk's /api/v2/tags.json),
kept exact by PostgreSQL itself: the triggers of tickets/migrations/0023 add and take
away as tickets_ticket's rows are inserted (COPY included), change their tags, or are
deleted (one ticket, a merge, a retention purge, a whole account), whatever code path
or raw SQL did it. Registered with the tickets app through tickets/models.py."""

from __future__ import annotations

from django.db import models

from accounts.tenancy import TenantModel


class TagCount(TenantModel):
    """One of the account's tags and the number of its tickets that carry it (> 0; a
    tag no ticket carries any more has no row). Written by the triggers only."""

    # The two indexes below lead with the account: no index of the key alone.
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tag = models.CharField(max_length=1000)
    count = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "tag"], name="tagcount_acct_tag"),
        ]
        # tags.json: most used first, then by name (an index scan, stopped at the page).
        indexes = [
            models.Index("account", models.F("count").desc(), "tag", name="tagcount_acct_count_tag")
        ]

    def __str__(self) -> str:
        return f"{self.tag} ({self.count})"
