"""``account_delete``: an account removed completely — when a customer leaves, or after
its move to another installation."""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import FileField, Model

from accounts.dbsession import account_context, platform_access
from accounts.deletion_log import AccountDeletion
from accounts.models import Account
from accounts.portability.tables import EXCLUDED, account_models

logger = logging.getLogger("sportello.operations")


def _all_account_models() -> list[type[Model]]:
    """Load order, the bookkeeping tables too; deletion runs it backwards."""
    excluded = [apps.get_model(label) for label in EXCLUDED]
    return [*excluded, *account_models()]


def account_delete(*, account: Account, operator: str) -> dict[str, int]:
    """Every row of the account (its outbox and the id mappings of its import included),
    the files its rows name, and its entries in the shared cache; the account's row
    last. Returns rows deleted per table. Files go after the rows are committed: a
    failure in between leaves files without rows (harmless), never rows without files.

    Logged for the operators twice: a line in the operations log, and an AccountDeletion
    row (which subdomain, when, by which ``operator``, how many rows and files), written
    in the deletion's transaction on the platform's side, outside the deleted account."""
    subdomain, account_id, name = account.subdomain, account.pk, account.name
    counts: dict[str, int] = {}
    files: list[tuple[object, str]] = []
    with platform_access(), account_context(account):
        with transaction.atomic():
            for model in reversed(_all_account_models()):
                rows = model._default_manager.filter(account=account)
                # Link tables Django made for a many-to-many field (users' auth groups
                # and permissions) have no account: their rows go with their owner's.
                for m2m in model._meta.many_to_many:
                    through = m2m.remote_field.through
                    if through is not None and through._meta.auto_created:
                        links = through._base_manager.filter(
                            **{f"{m2m.m2m_field_name()}__in": rows}
                        )
                        links._raw_delete(links.db)
                for field in model._meta.concrete_fields:
                    if isinstance(field, FileField):
                        names = rows.exclude(**{field.attname: ""}).values_list(
                            field.attname, flat=True
                        )
                        files.extend((field.storage, name) for name in names)
                counts[model._meta.label] = rows._raw_delete(rows.db)
            Account.objects.filter(pk=account_id)._raw_delete(Account.objects.db)
            record = AccountDeletion.objects.create(
                subdomain=subdomain,
                name=name,
                former_id=account_id,
                deleted_by=operator[:150],
                rows={label: count for label, count in counts.items() if count},
                files=len(files),
            )
        for storage, file_name in files:
            storage.delete(file_name)  # type: ignore[attr-defined]  # a Storage
        record.cache_keys = _forget_cached(account_id)
        record.save(update_fields=["cache_keys"])
    logger.warning(
        "account deleted",
        extra={
            "account": subdomain,
            "account_id": account_id,
            "operator": operator,
            "rows": counts,
            "files": len(files),
            "cache_keys": record.cache_keys,
        },
    )
    return counts


# The shared cache's keys that carry an account id (api/throttling.py, api/jobs.py,
# tickets/selectors.py's sidebar counts).
CACHE_PATTERNS = ("api-throttle:{id}", "api-job:{id}:*", "view-count:{id}:*")


def _forget_cached(account_id: int) -> int:
    """The account's entries in the shared cache; how many were found. Job statuses and
    counts have keys of their own, so they are found by pattern where the cache can
    (Redis); elsewhere (a per-process memory cache) they expire on their own (counts
    within a minute, job statuses within the hour)."""
    forgotten = 0
    for pattern in CACHE_PATTERNS:
        key = pattern.format(id=account_id)
        if "*" not in key:
            forgotten += bool(cache.delete(key))
            continue
        client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if client is None:
            continue
        redis = client(None, write=True)
        for found in redis.scan_iter(match=cache.make_key(key), count=500):
            forgotten += redis.delete(found)
    return forgotten
