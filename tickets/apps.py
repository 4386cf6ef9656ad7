from django.apps import AppConfig


def _install_default_views(sender, instance, created, raw=False, **kwargs) -> None:
    """Every account starts with the built-in views and custom statuses, however it is
    made (account_create, the operators' admin, factories)."""
    if created and not raw:
        from accounts.dbsession import account_context
        from tickets.services.saved_views import views_install_defaults
        from tickets.services.status_rules import custom_statuses_install_defaults

        # A brand-new account: its rows are written while working for it (RLS).
        with account_context(instance):
            views_install_defaults(account=instance)
            custom_statuses_install_defaults(account=instance)


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Account

        post_save.connect(
            _install_default_views, sender=Account, dispatch_uid="tickets.default_views"
        )
        from accounts.signals import organization_deleting
        from tickets.services.organization_deleted import on_organization_deleting

        organization_deleting.connect(
            on_organization_deleting, dispatch_uid="tickets.organization_deleting"
        )
        from accounts.signals import user_team_changed
        from tickets.services.team_change import on_user_team_changed

        user_team_changed.connect(on_user_team_changed, dispatch_uid="tickets.user_team_changed")
