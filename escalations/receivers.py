"""Signal receivers wired in EscalationsConfig.ready()."""

from __future__ import annotations


def on_account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from accounts.dbsession import account_context
        from escalations.services import stages_install_defaults

        with account_context(instance):
            stages_install_defaults(account=instance)
