"""Signal receivers wired in SatisfactionConfig.ready()."""

from __future__ import annotations


def on_account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from accounts.dbsession import account_context
        from satisfaction.services import reasons_install_defaults

        with account_context(instance):
            reasons_install_defaults(account=instance)
