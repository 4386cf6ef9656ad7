from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.portability.importing import account_imported
        from reports import receivers
        from tickets.events import ticket_changed, tickets_changed_in_bulk
        from tickets.models import TicketEvent

        # Every change set (ticket_changed), and every history row written on its own
        # (a satisfaction rating records an event without a change set), marks the
        # ticket for a refresh after commit. Rows written by bulk_create (imports) are
        # caught by ``manage.py rebuild_reports``.
        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="reports.ticket_changed")
        tickets_changed_in_bulk.connect(
            receivers.on_tickets_changed_in_bulk, dispatch_uid="reports.tickets_changed_in_bulk"
        )
        post_save.connect(
            receivers.on_event_saved, sender=TicketEvent, dispatch_uid="reports.event_saved"
        )
        # The SLA rollup (reports.sla_rollup) moves in the transaction that writes the
        # SLA rows, drops their targets or deletes their tickets.
        from reports import sla_rollup
        from servicelevels.events import sla_targets_stored, sla_targets_untracking
        from tickets.events import tickets_deleting

        sla_targets_stored.connect(
            sla_rollup.on_targets_stored, dispatch_uid="reports.sla_targets_stored"
        )
        sla_targets_untracking.connect(
            sla_rollup.on_targets_untracking, dispatch_uid="reports.sla_targets_untracking"
        )
        tickets_deleting.connect(
            sla_rollup.on_tickets_deleting, dispatch_uid="reports.sla_deleting"
        )
        # An imported account's rollups are counted from its imported history.
        account_imported.connect(
            receivers.on_account_imported, dispatch_uid="reports.account_imported"
        )
