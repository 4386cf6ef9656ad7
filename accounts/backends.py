from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.dbsession import current_account_id
from accounts.middleware import request_account
from accounts.models import User, UserManager


class AccountEmailBackend(ModelBackend):
    """Signs a user in by email and password *within the request's account*.

    On a tenant subdomain only that account's users can sign in; on the base domain only
    platform operators can. Unknown addresses cost the same password hash as known ones,
    so timing does not tell whether an address exists.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = UserManager.normalize_email(kwargs.get("email") or username)
        if not email or password is None or request is None:
            return None
        account = getattr(request, "account", None)
        if account is None:
            # The base domain: an operator, who belongs to no account. Users are under
            # row-level security, so only the platform's connection reaches them.
            user = User.all_accounts.filter(account__isnull=True, email=email).first()
        else:
            # Within the request's account, which TenantMiddleware has set.
            user = User.objects.for_account(account).filter(email=email).first()
        if user is None:
            User().set_password(password)  # equalise timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        # Runs (lazily, for request.user) inside TenantMiddleware's account. On the base
        # domain no account is set: only an operator's session means anything there, read
        # through the platform's connection. TenantUserMiddleware then checks again that
        # the user belongs to the request's account.
        account_id = current_account_id()
        account = request_account()
        if account_id is None:
            user = User.all_accounts.filter(pk=user_id, account__isnull=True).first()
        elif account is not None and account.pk == account_id:
            # The request's account is already read (TenantMiddleware): the same row, not
            # joined again (a third of the presence heartbeat's CPU, bench/README.md).
            user = (
                User.objects.select_related("organization")
                .filter(account_id=account_id, pk=user_id)
                .first()
            )
            if user is not None:
                user.account = account
        else:
            user = (
                # The organization too: whether it shares its tickets decides what an
                # end user sees (User.sees_organization_requests), at no extra query.
                User.objects.select_related("account", "organization")
                .filter(account_id=account_id, pk=user_id)
                .first()
            )
        return user if user and self.user_can_authenticate(user) else None
