from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import User, UserManager


class AccountEmailBackend(ModelBackend):
    """Signs a user in by email and password *within the request's account*.

    On a tenant subdomain only that account's users can sign in; on the base domain only
    platform operators can. Unknown addresses cost the same password hash as known ones,
    so timing does not tell whether an address exists.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = UserManager.normalize_email(kwargs.get("email") or username)
        if not email or password is None or request is None:
            return None
        account = getattr(request, "account", None)
        user = User.all_accounts.filter(account=account, email=email).first()
        if user is None:
            User().set_password(password)  # equalise timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        # TenantUserMiddleware then checks the user belongs to the request's account.
        user = User.all_accounts.select_related("account").filter(pk=user_id).first()
        return user if user and self.user_can_authenticate(user) else None
