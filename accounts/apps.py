from typing import Any

from django.apps import AppConfig


def _install_default_roles(
    sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Every account starts with the built-in agent roles, however it is made."""
    if created and not raw:
        from accounts.dbsession import account_context
        from accounts.roles import roles_install_defaults

        with account_context(instance):
            roles_install_defaults(account=instance)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from accounts import checks, dbsession, integrity, rls, user_sessions  # noqa: F401 - checks and user_sessions register themselves

        # After every migrate (run as the tables' owner): row-level security on every
        # tenant table, including tables that later migrations add.
        post_migrate.connect(rls.on_post_migrate, sender=self, dispatch_uid="tenant_rls")
        # And a same-account composite key beside every foreign key between account-owned
        # tables: foreign-key checks ignore row-level security.
        post_migrate.connect(
            integrity.on_post_migrate, sender=self, dispatch_uid="same_account_keys"
        )
        from django.db.models.signals import post_save

        from accounts.models import Account

        post_save.connect(
            _install_default_roles, sender=Account, dispatch_uid="accounts.default_roles"
        )
        connection_created.connect(dbsession.on_connection_created, dispatch_uid="tenant_rls_conn")
