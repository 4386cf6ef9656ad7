"""Signal receivers wired in AutomationsConfig.ready()."""

from __future__ import annotations


def on_account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from accounts.dbsession import account_context
        from automations.services import automations_install_defaults

        # A brand-new account: its rows are written while working for it (RLS).
        with account_context(instance):
            automations_install_defaults(account=instance)
