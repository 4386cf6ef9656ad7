"""Same-account foreign keys: PostgreSQL refuses a row that points into another account.

Row-level security filters what a query reads and writes, but foreign-key checks ignore
it: a ticket could name another account's user as its requester, or an attachment
another account's comment, and every page that follows the key would then show a
stranger's row. So every foreign key between two account-owned tables also gets a
composite key ``(account_id, <column>) → target (account_id, id)``, and each target a
``UNIQUE (account_id, id)`` for it to reference.

Derived from the models (any concrete model with an ``account`` field, users included)
and made idempotent, it runs after every ``migrate`` like the row-level security of
``accounts.rls``, so a foreign key added by a later migration is covered as soon as it
exists. A nullable key (no assignee yet) is not checked while it is NULL (MATCH SIMPLE).
The constraints are DEFERRABLE INITIALLY DEFERRED, like Django's own foreign keys.

SQLite (``make run``) gets none of this: there the application-level scoping decides
alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

MAX_NAME = 63  # PostgreSQL's identifier length


@dataclass(frozen=True)
class SameAccountKey:
    table: str
    column: str
    target_table: str

    @property
    def name(self) -> str:
        return _constraint_name(f"{self.table}_{self.column}_same_account")


def _constraint_name(name: str) -> str:
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}_{digest}"


def _has_account(model: type[Model]) -> bool:
    return any(f.name == "account" and f.many_to_one for f in model._meta.concrete_fields)


def same_account_keys() -> list[SameAccountKey]:
    """Every foreign key from an account-owned table to another account-owned table."""
    keys = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or not _has_account(model):
            continue
        for field in model._meta.concrete_fields:
            if not field.many_to_one or field.name == "account":
                continue
            # A many-to-one field: the stubs type it as a plain Field with an optional target.
            target = field.related_model
            if _has_account(target) and field.target_field.primary_key:  # type: ignore[arg-type,attr-defined]
                keys.add(SameAccountKey(model._meta.db_table, field.column, target._meta.db_table))  # type: ignore[arg-type,union-attr]
    return sorted(keys, key=lambda k: (k.table, k.column))


def target_unique_name(table: str) -> str:
    return _constraint_name(f"{table}_account_id_id_uniq")


def _existing_constraints(connection: BaseDatabaseWrapper, names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = current_schema() AND conname = ANY(%s)",
            [names],
        )
        return {row[0] for row in cursor.fetchall()}


def ensure_same_account_keys(using: str = "default") -> list[str]:
    """Add the missing unique and composite foreign-key constraints; return their names.
    Idempotent, one catalogue query when nothing is missing. Runs as the tables' owner."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    keys = same_account_keys()
    targets = sorted({k.target_table for k in keys})
    wanted = [target_unique_name(t) for t in targets] + [k.name for k in keys]
    existing = _existing_constraints(connection, wanted)
    quote = connection.ops.quote_name
    added = []
    with connection.cursor() as cursor:
        for table in targets:
            name = target_unique_name(table)
            if name not in existing:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} "
                    f'UNIQUE ("account_id", "id")'
                )
                added.append(name)
        for key in keys:
            if key.name not in existing:
                cursor.execute(
                    f"ALTER TABLE {quote(key.table)} ADD CONSTRAINT {quote(key.name)} "
                    f'FOREIGN KEY ("account_id", {quote(key.column)}) '
                    f'REFERENCES {quote(key.target_table)} ("account_id", "id") '
                    "DEFERRABLE INITIALLY DEFERRED"
                )
                added.append(key.name)
    return added


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    ensure_same_account_keys(using)
