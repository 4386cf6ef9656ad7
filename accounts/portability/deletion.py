"""``account_delete``: an account removed completely — when a customer leaves, or after
its move to another installation."""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import FileField, Model

from accounts.dbsession import account_context, platform_access
from accounts.models import Account
from accounts.portability.tables import EXCLUDED, account_models

logger = logging.getLogger("sportello.operations")


def _all_account_models() -> list[type[Model]]:
    """Load order, the bookkeeping tables too; deletion runs it backwards."""
    excluded = [apps.get_model(label) for label in EXCLUDED]
    return [*excluded, *account_models()]


def account_delete(*, account: Account) -> dict[str, int]:
    """Every row of the account (its outbox included), the files its rows name, and its
    entries in the shared cache; the account's row last. Returns rows deleted per table.
    Files go after the rows are committed: a failure in between leaves files without
    rows (harmless), never rows without files."""
    subdomain, account_id = account.subdomain, account.pk
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
        for storage, name in files:
            storage.delete(name)  # type: ignore[attr-defined]  # a Storage
    _forget_cached(account_id)
    logger.warning(
        "account deleted",
        extra={"account": subdomain, "account_id": account_id, "rows": counts, "files": len(files)},
    )
    return counts


# The shared cache's keys that carry an account id (api/throttling.py, api/jobs.py).
CACHE_PATTERNS = ("api-throttle:{id}", "api-job:{id}:*")


def _forget_cached(account_id: int) -> None:
    """The account's entries in the shared cache. Job statuses have random ids, so they
    are found by pattern where the cache can (Redis); elsewhere (a per-process memory
    cache) they expire within the hour on their own."""
    for pattern in CACHE_PATTERNS:
        key = pattern.format(id=account_id)
        if "*" not in key:
            cache.delete(key)
            continue
        client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if client is None:
            continue
        redis = client(None, write=True)
        for found in redis.scan_iter(match=cache.make_key(key), count=500):
            redis.delete(found)
