"""Tenant scoping: the one mechanism that keeps every account's rows to itself.

Every tenant-owned model uses ``TenantManager`` as its default manager. A queryset
from it is *unscoped* until it is narrowed to one account, by ``for_account(account)``
or by filtering on ``account``/``account_id`` (which Django's own unique checks do), or
until it is reached through a parent object's related manager (``ticket.comments``).
Evaluating an unscoped queryset raises ``UnscopedQueryError``: a forgotten scope fails
closed instead of returning every account's rows.

Code that must cross accounts on purpose (the operators' admin, migrations, platform
commands) says so by using ``Model.all_accounts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Self

from django.db import models

from accounts.dbsession import platform_access

if TYPE_CHECKING:
    from accounts.models import Account

_SCOPING_KEYS = frozenset({"account", "account_id", "account__id", "account__pk"})


# Set only while Django validates uniqueness of an object that already carries its
# account (see TenantModel._perform_unique_checks); never exposed to callers.
_validating_unique: ContextVar[bool] = ContextVar("validating_unique", default=False)


class UnscopedQueryError(RuntimeError):
    """A tenant-owned model was queried without naming the account."""


@contextmanager
def _unique_validation() -> Iterator[None]:
    token = _validating_unique.set(True)
    try:
        yield
    finally:
        _validating_unique.reset(token)


class TenantQuerySet(models.QuerySet):
    _tenant_scoped = False

    # None is refused at run time (fails closed), so it may be passed.
    def for_account(self, account: Account | None) -> Self:
        if account is None or getattr(account, "pk", None) is None:
            raise UnscopedQueryError(f"{self.model.__name__}.for_account() needs a saved account")
        qs = self.filter(account=account)
        qs._tenant_scoped = True
        return qs

    # Scoping survives cloning (filter, order_by, select_related ...).
    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # private Django API, not in the stubs
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: dict[str, Any]) -> Self:
        clone: Self = super()._filter_or_exclude(negate, args, kwargs)  # type: ignore[misc]  # private Django API
        if (
            not negate
            and _SCOPING_KEYS.intersection(kwargs)
            and None not in (kwargs.get(key, ...) for key in _SCOPING_KEYS)
        ):
            clone._tenant_scoped = True
        return clone

    def _require_scope(self) -> None:
        if not self._tenant_scoped and not _validating_unique.get():
            raise UnscopedQueryError(
                f"Query on {self.model.__name__} without an account: use "
                f"{self.model.__name__}.objects.for_account(account), or "
                f"{self.model.__name__}.all_accounts for deliberate platform-wide access."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def iterator(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]  # Django's flag on a method

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's flag on a method

    def in_bulk(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        self._require_scope()
        return super().in_bulk(*args, **kwargs)

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._require_scope()
        return super().explain(*args, **kwargs)


# Named at module level: django-stubs types a from_queryset() manager only when assigned.
_TenantManagerBase = models.Manager.from_queryset(TenantQuerySet)


class TenantManager(_TenantManagerBase):
    """Default manager of tenant-owned models: unscoped querysets refuse to run."""

    def get_queryset(self) -> TenantQuerySet:
        # The stubs type a from_queryset() manager's queryset as a plain QuerySet.
        qs: TenantQuerySet = super().get_queryset()  # type: ignore[assignment]
        # A related manager (ticket.comments, organization.members) is already narrowed to
        # one parent object, and children always share their parent's account.
        if getattr(self, "instance", None) is not None and hasattr(self, "core_filters"):
            qs._tenant_scoped = True
        return qs


class AllAccountsQuerySet(models.QuerySet):
    """Runs its queries with row-level security lifted (``accounts.dbsession.platform_access``):
    crossing accounts here is the point, and the database must allow it too."""

    def _platform(self) -> AbstractContextManager[None]:
        return platform_access()

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            with self._platform():
                super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with self._platform():
            yield from super().iterator(*args, **kwargs)

    def count(self) -> int:
        with self._platform():
            return super().count()

    def exists(self) -> bool:
        with self._platform():
            return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        with self._platform():
            return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        with self._platform():
            return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]  # Django's flag on a method

    def delete(self) -> tuple[int, dict[str, int]]:
        with self._platform():
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's flag on a method


_AllAccountsManagerBase = models.Manager.from_queryset(AllAccountsQuerySet)


class AllAccountsManager(_AllAccountsManagerBase):
    """Explicit, greppable road across accounts, for platform-level code only."""


class TenantModel(models.Model):
    """Abstract base of every tenant-owned model: it carries its account."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    all_accounts = AllAccountsManager()

    class Meta:
        abstract = True

    def _perform_unique_checks(self, unique_checks: Any) -> dict[str, Any]:
        # Django checks the primary key's uniqueness with an unscoped query
        # (pk=… excluding itself); that reveals nothing, so let it run.
        with _unique_validation():
            errors: dict[str, Any] = super()._perform_unique_checks(unique_checks)  # type: ignore[misc]  # private
            return errors
