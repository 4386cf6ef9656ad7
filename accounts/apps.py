from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from accounts import rls

        # After every migrate (run as the tables' owner): row-level security on every
        # tenant table, including tables that later migrations add.
        post_migrate.connect(rls.on_post_migrate, sender=self, dispatch_uid="tenant_rls")
        connection_created.connect(rls.on_connection_created, dispatch_uid="tenant_rls_conn")
